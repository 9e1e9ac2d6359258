"""The engine and the per-request session, closed on teardown."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker


def connection_options(app: Flask) -> str:
    """Server settings for every connection of the app (libpq's `options`)."""
    settings = {
        # Named in pg_stat_activity, so an operator sees which sessions are the app's.
        "application_name": "umecom-web",
        # PostGIS functions carry high cost estimates, which make PostgreSQL JIT-compile short
        # map queries: measured 800 ms of JIT on a 60 ms clustering query (bench/).
        "jit": "off",
        # Streams read their server-side cursors to the end, so plan for all rows, not the
        # first tenth (that plan walked the whole id index for a small bbox).
        "cursor_tuple_fraction": "1",
        "statement_timeout": str(int(app.config["DB_STATEMENT_TIMEOUT_MS"])),
        "idle_in_transaction_session_timeout": str(
            int(app.config["DB_IDLE_IN_TRANSACTION_TIMEOUT_MS"])
        ),
    }
    return " ".join(f"-c {name}={value}" for name, value in settings.items())


def init_app(app: Flask) -> None:
    """Create the engine for this app and close the request's session on teardown."""
    engine = create_engine(
        str(app.config["DATABASE_URL"]),
        pool_pre_ping=True,
        pool_size=5,
        connect_args={"options": connection_options(app)},
    )
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(close_session)


def get_engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions["db_engine"]


def get_session() -> Session:
    """The session of the current request, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


def new_session() -> Session:
    """A session of its own, for work that outlives the request (streamed responses)."""
    return current_app.extensions["db_sessionmaker"]()


def close_session(_exc: BaseException | None = None) -> None:
    """Roll back anything uncommitted and close the request's session.

    Runs at teardown, and also as soon as a view hands over a streamed body: while a stream
    runs the request is not torn down, and its session would sit idle in a transaction.
    """
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def lift_statement_timeout(session: Session) -> None:
    """Let this transaction run as long as it needs: for operators' bulk commands, not requests.

    The web's statement timeout would cancel `flask demo pins 1000000` after 30 s.
    """
    session.execute(text("SET LOCAL statement_timeout = 0"))
