"""Creating and migrating the test databases on the real PostGIS server."""

from __future__ import annotations

import os
from collections.abc import Sequence

from alembic import command
from alembic.config import Config
from psycopg.errors import LockNotAvailable, QueryCanceled
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError

from app.config import PROJECT_DIR, default_database_url


def base_url() -> str:
    """The server to test against: DATABASE_URL, as `make test` sets it."""
    return os.environ.get("DATABASE_URL") or default_database_url()


def database_url(suffix: str) -> str:
    """TEST_DATABASE_URL, or the configured database's name with a suffix (never the real one).

    Under pytest-xdist each process (`gw0`, `gw1`, ...) has databases of its own: a test drops
    and fills them, and some count the sessions of theirs.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    explicit = os.environ.get("TEST_DATABASE_URL")
    if explicit and suffix == "_test":
        url = make_url(explicit)
        suffix = f"_{worker}" if worker else ""
    else:
        url = make_url(base_url())
        suffix = f"{suffix}_{worker}" if worker else suffix
    return url.set(database=f"{url.database}{suffix}").render_as_string(hide_password=False)


# How long one DROP DATABASE may wait for the cluster's other processes, and how often it is
# tried. Unhindered it took 40-60 ms on this 2-core machine.
DROP_WAIT = "10s"
DROP_ATTEMPTS = 3


def child_environment(database: str) -> dict[str, str]:
    """This process's environment for a child (a bench) whose DATABASE_URL is `database`.

    Without pytest-xdist's worker name and TEST_DATABASE_URL: `database_url` in the child would
    otherwise name its databases after those, not after `database`.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTEST_XDIST_WORKER", "TEST_DATABASE_URL")
    }
    env["DATABASE_URL"] = database
    return env


def recreate_database(url: str) -> None:
    """Drop and create the database, with PostGIS."""
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        drop_database(conn, str(target.database))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    engine = create_engine(target)
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    engine.dispose()


def drop_database(conn: Connection, name: str) -> None:
    """DROP DATABASE IF EXISTS ... WITH (FORCE) on an autocommit connection, tried again when
    it waits past DROP_WAIT.

    A drop waits until every process of the cluster has taken its signal (a ProcSignalBarrier),
    and a backend cancelled at the moment the signal came never takes it (app/db.py,
    _close_when_cancelled): the drop then waits until that backend ends, minutes in a test
    run. The app closes such connections now, but any client of the cluster can hold one. A
    second drop signals every process again, and that backend takes both. The cancelled drop
    has marked the database invalid; the next one removes it.
    """
    for attempt in range(1, DROP_ATTEMPTS + 1):
        try:
            conn.execute(text(f"SET statement_timeout = '{DROP_WAIT}'"))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except OperationalError as error:
            if not isinstance(error.orig, QueryCanceled) or attempt == DROP_ATTEMPTS:
                raise
        finally:
            conn.execute(text("RESET statement_timeout"))


def alembic_config(url: str) -> Config:
    """Alembic's config pointed at `url`, without touching the app's logging."""
    config = Config(str(PROJECT_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_DIR / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database to `revision`."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Downgrade the database to `revision`."""
    command.downgrade(alembic_config(url), revision)


def published_pins(url: str) -> int | None:
    """How many published pins the database has; None when it does not exist or is empty."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            count = conn.execute(
                text("SELECT count(*) FROM ideas WHERE visibility = 'published'")
            ).scalar_one()
    except Exception:  # noqa: BLE001 - missing database or tables: seed it
        return None
    finally:
        engine.dispose()
    return int(count) or None


# Sets each sequence that belongs to `tables` (serial and identity columns) back to its start.
_RESTART_OWNED_SEQUENCES = text(
    """
    SELECT setval(sequence.oid, owned.start_value, false)
    FROM pg_class AS sequence
    JOIN pg_sequences AS owned
      ON owned.schemaname = current_schema() AND owned.sequencename = sequence.relname
    JOIN pg_depend AS ownership
      ON ownership.classid = 'pg_class'::regclass AND ownership.objid = sequence.oid
     AND ownership.deptype IN ('a', 'i')
    JOIN pg_class AS owner ON owner.oid = ownership.refobjid
    WHERE sequence.relkind = 'S' AND owner.relname = ANY(:tables)
    """
)


# The other sessions of this database that hold a lock on one of its tables, and what they run.
_LOCK_HOLDERS = text(
    """
    SELECT DISTINCT activity.pid, activity.application_name, activity.state,
           now() - activity.xact_start AS in_transaction, activity.wait_event_type,
           activity.wait_event, left(activity.query, 200) AS query
    FROM pg_locks AS held
    JOIN pg_stat_activity AS activity ON activity.pid = held.pid
    WHERE held.granted AND held.locktype = 'relation' AND activity.pid <> pg_backend_pid()
      AND activity.datname = current_database()
    """
)


def _holders(conn: Connection) -> str:
    """Who holds locks on the tables, asked on a connection of its own (`conn` failed)."""
    with conn.engine.connect() as other:
        return "; ".join(str(dict(row._mapping)) for row in other.execute(_LOCK_HOLDERS))


def empty_tables(conn: Connection, tables: Sequence[str]) -> None:
    """Empty `tables` and restart their ids, as `TRUNCATE ... RESTART IDENTITY CASCADE` would.

    Not with TRUNCATE: it gives each table, index and sequence a new file, and at commit
    PostgreSQL looks for the old files' pages in all of its shared buffers (a quarter of the
    machine's memory, scripts/db.sh). Emptying the suite's 26 tables that way took a median
    of 69 and 129 ms in two runs with 6 GB of buffers, and 32 ms with 128 MB; deleting their
    rows and setting their sequences back took 7.5 ms (30 times each, taking turns). The
    suite empties them after each of its 900 tests.

    The tables are locked first, as TRUNCATE locks them: a request still in flight commits
    before its rows are deleted, never after. In replica mode no trigger fires (the map's
    log, the history's guard against deletes) and no foreign key is checked, so `tables`
    must hold every table that refers to one of them. A session the app left in a
    transaction would make the locks wait for ever: after 10 s the emptying fails loudly
    instead of hanging the run.
    """
    names = ", ".join(tables)
    conn.execute(text("SET LOCAL lock_timeout = '10s'"))
    try:
        conn.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
    except OperationalError as error:
        if not isinstance(error.orig, LockNotAvailable):
            raise
        raise AssertionError(f"the tables stayed locked for 10 s by {_holders(conn)}") from error
    conn.execute(text("SET LOCAL session_replication_role = replica"))
    for table in tables:
        conn.execute(text(f"DELETE FROM {table}"))
    conn.execute(_RESTART_OWNED_SEQUENCES, {"tables": list(tables)})
