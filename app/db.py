"""The engines and the per-request session, closed on teardown.

The primary takes every write and every staff read. When DATABASE_READ_URL names a read
replica, a request that app/replica.py routes there (a view marked `@public_read`, from a
browser that has not just written) reads from it instead: `get_session()` and `new_session()`
then hand out replica sessions, and `primary_session()` is for what must stay on the primary
whatever the view (the signed-in user). Without a replica there is one engine and one path.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast

import psycopg
from flask import Flask, current_app, g, has_request_context
from psycopg.rows import namedtuple_row
from sqlalchemy import (
    Connection,
    Dialect,
    Engine,
    Executable,
    Result,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import ClauseElement

from app.common.compiled_once import constants_written_in

# How the citizen map's views are planned, set on the connections of their own pool
# (`map_connection`). A view's pins branch runs only when the cells hold few pins, yet
# PostgreSQL planned it in parallel and started two workers for a branch it then skipped: 23
# of 34 ms of a view at zoom 12 (category filter, 1M pins). Layers and exports do gain from
# parallel plans, so only the map's pool has these. Set per transaction instead (BEGIN,
# set_config, the view, ROLLBACK, on a second checkout after the version's), a cold view cost
# 1.0 ms more of the app's CPU and 0.7 ms more of PostgreSQL's (3.75 against 2.74 ms and 5.39
# against 4.67 ms, 4,320 views of bench.http's set each, interleaved, 1.2M pins).
# Plans: PostgreSQL's own choice (`auto`) for the statements prepared. Which those are, and
# why, the map view says (`_bound_statement` in app/ideas/map_view.py); `_execute_as_asked`
# below runs each statement as it asks.
MAP_VIEW_SETTINGS = {"max_parallel_workers_per_gather": "0", "plan_cache_mode": "auto"}
# The one-statement writes' pool (`autocommit_connection`) runs the same few statements with
# new values each time. PostgreSQL's own choice planned a new pin's insert afresh on every
# run: stored with its Feature, 1.66-2.19 ms a pin against 1.13-1.17 with the generic plan
# (200 runs each, in process, a transaction rolled back, 1.7M pins).
WRITE_SETTINGS = {"plan_cache_mode": "force_generic_plan"}


def connection_options(
    app: Flask, *, replica: bool = False, map_views: bool = False, writes: bool = False
) -> str:
    """Server settings for every connection of the app (libpq's `options`).

    `map_views`: the map pool's connections, which add MAP_VIEW_SETTINGS; `writes`: the
    one-statement writes' pool, which adds WRITE_SETTINGS.
    """
    app_name = "umecom-web-read" if replica else "umecom-web"
    if map_views or writes:
        app_name += "-map" if map_views else "-write"
    settings = {
        # Named in pg_stat_activity, so an operator sees which sessions are the app's.
        "application_name": app_name,
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
    if replica:
        # A hot standby refuses writes by itself; saying so here too makes a copy used as a
        # replica (the tests' one) refuse them alike, so a write routed there cannot hide.
        settings["default_transaction_read_only"] = "on"
    if map_views:
        settings.update(MAP_VIEW_SETTINGS)
    if writes:
        settings.update(WRITE_SETTINGS)
    return " ".join(f"-c {name}={value}" for name, value in settings.items())


# Connections per engine and process, all kept open. With SQLAlchemy's 5 kept and 10 more
# closed on return, a gevent worker serving eight views at once closed and opened map
# connections about 15 times a second (pg_stat_database.sessions: 612-836 against 19-20 in
# 45 s of bench.http's reads): each a new backend that reads its catalogs and plans afresh.
# Cold views: 241-283 against 309-341 a second, p95 115-128 against 90-96 ms (16 clients).
POOL_SIZE = 15
# The one-statement writes' pool: a process stores one batch of new pins at a time
# (app.common.group_commit), so it holds one connection, and a second while one is replaced.
WRITE_POOL_SIZE = 2


def _engine(
    app: Flask,
    url: str,
    *,
    replica: bool = False,
    map_views: bool = False,
    writes: bool = False,
) -> Engine:
    """An engine with the app's pool and server settings (the same for primary and replica).

    The map's engine hands out connections in autocommit: a view is one or two statements
    that only read, and BEGIN and ROLLBACK around them were two more round trips. Its
    statements go to psycopg with PostgreSQL's own `$1` placeholders, which psycopg passes as
    they are. It parses `%(name)s` ones again on every run of a statement over 4 KB or 50
    parameters, as the view's is (8 KB, 65): 3.38 against 3.01 ms of the app's CPU a view
    (4,320 views of bench.http's set each, interleaved, 1.2M pins). The one-statement writes'
    engine (`writes`) is built the same way, with its own settings.
    """
    connect_args: dict[str, Any] = {
        "options": connection_options(app, replica=replica, map_views=map_views, writes=writes)
    }
    options: dict[str, Any] = {"pool_pre_ping": True}
    if map_views or writes:  # no ping: see execute_first
        connect_args["cursor_factory"] = psycopg.RawCursor
        options = {"isolation_level": "AUTOCOMMIT", "paramstyle": "numeric_dollar"}
    engine = create_engine(
        url,
        pool_size=WRITE_POOL_SIZE if writes else POOL_SIZE,
        max_overflow=0,
        connect_args=connect_args,
        **options,
    )
    if map_views or writes:
        event.listen(engine, "do_execute", _execute_as_asked)
    event.listen(engine, "handle_error", _close_when_cancelled)
    return engine


def _close_when_cancelled(context: ExceptionContext) -> None:
    """Close a connection whose statement was cancelled (its timeout), never pool it again.

    PostgreSQL 15 can lose another process's signal (a ProcSignalBarrier, which every DROP
    DATABASE of the cluster sends and waits for) when it reaches a backend while that
    backend's statement is being cancelled: the cancel's error leaves ProcessInterrupts before
    the signal is seen. The backend, idle in our pool, then never takes it, and the drop
    waits until it ends: for minutes in a test run (gdb on the backend: ProcSignalBarrierPending
    1, InterruptPending 0). Handled as a lost connection, only this one is closed (not its
    pool), and the error stays what it was. Streams cancelled early: geo.rows.pipelined_rows.
    """
    if isinstance(context.original_exception, psycopg.errors.QueryCanceled):
        context.is_disconnect = True
        context.invalidate_pool_on_disconnect = False


def _execute_as_asked(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
    """Run a statement prepared or not as its `prepare` execution option says.

    psycopg prepares any statement on its fifth run, and PostgreSQL may then give a prepared
    statement a generic plan; a statement that must be planned for its parameters each time
    says `prepare=False`. Without the option, SQLAlchemy runs it as usual (False returned).
    """
    prepare = context.execution_options.get("prepare")
    if prepare is None:
        return False
    cursor.execute(statement, parameters, prepare=prepare)
    return True


ENGINES = (
    "db_engine",
    "db_map_engine",
    "db_write_engine",
    "db_read_engine",
    "db_read_map_engine",
)


def init_app(app: Flask) -> None:
    """Create the engines for this app and close the request's sessions on teardown."""
    url = str(app.config["DATABASE_URL"])
    engine = _engine(app, url)
    app.extensions["db_engine"] = engine
    app.extensions["db_map_engine"] = _engine(app, url, map_views=True)
    app.extensions["db_write_engine"] = _engine(app, url, writes=True)
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    read_url = app.config.get("DATABASE_READ_URL")
    if read_url:
        read_engine = _engine(app, str(read_url), replica=True)
        app.extensions["db_read_engine"] = read_engine
        app.extensions["db_read_map_engine"] = _engine(
            app, str(read_url), replica=True, map_views=True
        )
        app.extensions["db_read_sessionmaker"] = sessionmaker(read_engine, expire_on_commit=False)
    app.teardown_appcontext(close_session)


def has_replica(app: Flask) -> bool:
    """Whether the app has a read replica (DATABASE_READ_URL)."""
    return "db_read_engine" in app.extensions


def get_engine() -> Engine:
    """The current app's primary engine."""
    return current_app.extensions["db_engine"]


def get_map_engine() -> Engine:
    """The current app's primary engine for map views (autocommit, MAP_VIEW_SETTINGS)."""
    return current_app.extensions["db_map_engine"]


def dispose_engines() -> None:
    """Close the pools of the current app's engines (an app torn down in tests)."""
    for name in ENGINES:
        if name in current_app.extensions:
            current_app.extensions[name].dispose()


def reads_replica() -> bool:
    """Whether this request reads from the replica, as app/replica.py decides.

    Decided once, on first use, so even a hook that runs before the view gets the same answer.
    """
    if not has_request_context():
        return False
    if "reads_replica" not in g:
        router = current_app.extensions.get("db_read_router")
        g.reads_replica = router is not None and bool(router())
    return bool(g.reads_replica)


def _for_this_request(name: str) -> Any:
    """The app's `db_<name>`, or `db_read_<name>` when this request reads from the replica."""
    return current_app.extensions[f"db_read_{name}" if reads_replica() else f"db_{name}"]


def _sessionmaker() -> sessionmaker[Session]:
    """Sessions of the database this request reads from."""
    return _for_this_request("sessionmaker")


def get_session() -> Session:
    """The session of the current request, opened on first use: the replica's in a public read."""
    if "db_session" not in g:
        g.db_session = _sessionmaker()()
    return g.db_session


def primary_session() -> Session:
    """The request's session on the primary, whichever database the view reads from."""
    if not reads_replica():
        return get_session()
    if "db_primary_session" not in g:
        g.db_primary_session = current_app.extensions["db_sessionmaker"]()
    return g.db_primary_session


def autocommit_connection() -> Connection:
    """A connection for one-statement writes, on the primary whatever the request reads.

    Each statement, run with `all_rows`, commits by itself. The connections are the map
    pool's kind (autocommit, `$1` placeholders) in a pool of their own, whose statements get
    generic plans (WRITE_SETTINGS).

    A batch of new pins (app.ideas.pin_batches) on a session of the primary paid a ping,
    BEGIN and COMMIT, three round trips, and SQLAlchemy's execution of its two statements. In
    process, one pin at a time, the app's CPU a pin was 1.87 and 2.08 ms against 2.92 and
    3.08. Through gunicorn, 16 clients, side by side in turns: 647, 685 and 686 pins a second
    against 564, 576 and 574, and gunicorn's CPU a pin 2.00-2.12 against 2.39-2.45 ms.
    """
    return current_app.extensions["db_write_engine"].connect()


def counter_connection() -> Connection:
    """A connection for the rate limiter's counters: the primary's map pool, whatever the request.

    Autocommit, without a ping, for statements that `all_rows` runs as SQL compiled once: a
    hit on a counter is one statement. On the primary's engine, with its ping and SQLAlchemy's
    execution, a new pin's rate limits took 6 checkouts and 6.2 statements, and through
    gunicorn its writers made 130-165 pins a second against 285-333 now (16 clients, limits on,
    in turns; bench/README.md, the fortieth stop).
    """
    return current_app.extensions["db_map_engine"].connect()


def map_connection() -> Connection:
    """A connection of the map's pool, on the database this request reads from.

    In autocommit, with MAP_VIEW_SETTINGS; the caller closes it (a `with` block) and runs its
    first statement with `execute_first`.
    """
    return _for_this_request("map_engine").connect()


def first_row(
    connection: Connection, statement: Executable, params: Mapping[str, Any] | None = None
) -> Any:
    """The first row, fields by name, of the first statement run on a map connection.

    psycopg runs the statement itself, as the SQL it was compiled to once (`_compiled_once`),
    without SQLAlchemy's execution (its context, events and result). In process, the app's CPU
    for a 304 was 0.87 and 0.90 ms against 1.00 and 1.09 (best of 4 rounds of 3,000, two runs
    each way), and for a cold view over 1.04M pins 1.67 and 2.01 against 2.04 and 2.25 ms (330
    views of zooms 8-18, best of 3). Its execution option `prepare` applies, as in
    `_execute_as_asked`.

    The pool does not ping (see `execute_first`). When psycopg fails, the connection is
    closed and never pooled again, then SQLAlchemy runs the statement its own way
    (`execute_first`) on a new one: a connection the server closed is replaced, and any other
    error is reported as every statement's. A cancelled statement (its timeout) is not run
    twice; it is reported as SQLAlchemy would, an OperationalError.

    A statement built for its request alone (a view counted straight from the pins) is run
    by SQLAlchemy, as any other.
    """
    return _driver_rows(connection, statement, params, every_row=False)


def all_rows(
    connection: Connection, statement: Executable, params: Mapping[str, Any] | None = None
) -> list[Any]:
    """Every row, fields by name, of a statement on a connection of the map's pool.

    Run as `first_row` runs its statement, and run again the same way when it fails: a write
    must therefore be one statement, which in autocommit stores all or nothing.
    """
    return list(_driver_rows(connection, statement, params, every_row=True))


def _driver_rows(
    connection: Connection,
    statement: Executable,
    params: Mapping[str, Any] | None,
    *,
    every_row: bool,
) -> Any:
    """The first row, or every row, of `statement` as `first_row` says it is run."""
    if not statement.get_execution_options().get(BUILT_ONCE):
        return _sqlalchemy_rows(connection, statement, params, every_row=every_row)
    sql, names = _compiled_once(cast(ClauseElement, statement), connection.dialect)
    given = params or {}
    values = tuple(given[name] for name in names)
    prepare = statement.get_execution_options().get("prepare")
    driver = connection.connection.driver_connection  # the pool's: its errors are SQLAlchemy's
    try:
        with driver.cursor(row_factory=namedtuple_row) as cursor:  # type: ignore[union-attr]
            cursor.execute(sql, values, prepare=prepare)
            return cursor.fetchall() if every_row else cursor.fetchone()
    except psycopg.errors.QueryCanceled as error:
        connection.invalidate(error)
        raise OperationalError(sql, values, error, connection_invalidated=True) from error
    except psycopg.Error as error:
        connection.invalidate(error)
        return _sqlalchemy_rows(connection, statement, params, every_row=every_row)
    except BaseException:  # a greenlet killed mid-statement leaves the connection unknown
        connection.invalidate()
        raise


def _sqlalchemy_rows(
    connection: Connection,
    statement: Executable,
    params: Mapping[str, Any] | None,
    *,
    every_row: bool,
) -> Any:
    """The first row, or every row, of `statement` run by SQLAlchemy (`execute_first`)."""
    result = execute_first(connection, statement, params)
    return result.all() if every_row else result.one()


def execute_first(
    connection: Connection, statement: Executable, params: Mapping[str, Any] | None = None
) -> Result[Any]:
    """Run the first statement on a connection of the map's pool, which does not ping.

    A ping is a round trip before every view and every 304: in process a 304 cost 0.83 ms of
    the app's CPU and 0.14 ms of PostgreSQL's with it, 0.71 and 0.10 without (4,800 each,
    interleaved). When the server has closed the pooled connection (a restart,
    `pg_terminate_backend`), SQLAlchemy invalidates it and its pool, and the same statement
    runs again on a new connection.

    A statement marked BUILT_ONCE runs as the SQL it was compiled to once (`_run_compiled`).
    """
    run = _run_compiled if statement.get_execution_options().get(BUILT_ONCE) else _run
    try:
        return run(connection, statement, params)
    except DBAPIError as error:
        if not error.connection_invalidated or isinstance(error.orig, psycopg.errors.QueryCanceled):
            raise  # a cancelled statement, its connection closed, is not run again
        connection.rollback()  # SQLAlchemy's own begun block, even in autocommit
        return run(connection, statement, params)


# Execution option of a statement object built once and run for many requests (the map's
# views and its version), which `execute_first` compiles once and hands to the driver.
BUILT_ONCE = "built_once"


def _run(
    connection: Connection, statement: Executable, params: Mapping[str, Any] | None
) -> Result[Any]:
    """Run a statement as SQLAlchemy runs any other (one built for this request)."""
    return connection.execute(statement, params)


def _run_compiled(
    connection: Connection, statement: Executable, params: Mapping[str, Any] | None
) -> Result[Any]:
    """Run a BUILT_ONCE statement as its compiled SQL, with its parameters in their order.

    SQLAlchemy looks up its compiled form by the statement's cache key, and builds and
    processes the parameters and the result's types, on every run; the map's statements need
    none of it (numbers, strings and lists, which psycopg sends as they are, and a row of
    text, numbers and booleans). A view at zoom 12 in process: 2.58 against 2.29 ms (300
    each, in turn). gunicorn's CPU a cold view (bench.http's, 16 clients, /proc): 1.95-1.99
    against 1.40-1.69 ms, 2 runs of 10 s each way. Its execution options still apply
    (`prepare`, `_execute_as_asked`).
    """
    sql, names = _compiled_once(cast(ClauseElement, statement), connection.dialect)
    given = params or {}
    values = tuple(given[name] for name in names)
    options = statement.get_execution_options()
    return connection.exec_driver_sql(sql, values, execution_options=options)


@functools.cache
def _compiled_once(statement: ClauseElement, dialect: Dialect) -> tuple[str, tuple[str, ...]]:
    """The SQL of a BUILT_ONCE statement, and the names of its parameters in their order.

    The map's engine writes PostgreSQL's positional `$1` placeholders (see `_engine`); the
    statement's constants are written in, and each run gives the values of the others.
    """
    compiled = constants_written_in(dialect)(dialect, statement)
    if compiled.post_compile_params:
        raise ValueError("a BUILT_ONCE statement cannot expand its parameters on each run")
    return compiled.string, tuple(compiled.positiontup or ())


def new_session() -> Session:
    """A session of its own, for work that outlives the request (streamed responses).

    On the same database as `get_session()`: a body streamed from the replica matches the
    validator (the map's ETag) read there.
    """
    return _sessionmaker()()


def close_session(_exc: BaseException | None = None) -> None:
    """Roll back anything uncommitted and close the request's sessions.

    Runs at teardown, and also as soon as a view hands over a streamed body: while a stream
    runs the request is not torn down, and its session would sit idle in a transaction.
    """
    for name in ("db_session", "db_primary_session"):
        session = g.pop(name, None)
        if session is not None:
            session.close()


def set_for_this_transaction(session: Session, setting: str, value: str) -> None:
    """A server setting (`statement_timeout`, `lock_timeout`) for the session's transaction only."""
    session.execute(select(func.set_config(setting, value, True)))


def take_turn(session: Session, key: int, name: str) -> None:
    """Wait for the advisory lock (`key`, the hash of `name`), held until the transaction ends.

    One transaction at a time holds it, on every process and machine.
    """
    session.execute(select(func.pg_advisory_xact_lock(key, func.hashtext(name))))


def lift_statement_timeout(session: Session) -> None:
    """Let this session's transactions run as long as they need: operators' commands only.

    Bulk commands and the benches' preparation, never requests: the web's statement timeout
    would cancel `flask demo pins 1000000` after 30 s. A fold commits each batch, and SET LOCAL
    ends with its transaction, so the lift is made again at each BEGIN (`flask map fold` had
    it for its first batch only). With the test suite beside it, bench.http's fold of 10,000
    deltas at 17.9M pins outlasted the 30 s timeout.
    """
    event.listen(session, "after_begin", _lift_in_transaction)
    session.execute(text("SET LOCAL statement_timeout = 0"))  # the transaction begun already
    session.info[TIMEOUT_LIFTED] = True


# In a session's `info` when lift_statement_timeout lifted it (see `outside_transactions`).
TIMEOUT_LIFTED = "statement_timeout_lifted"


@contextmanager
def outside_transactions(session: Session) -> Iterator[Connection]:
    """A connection of the session's engine in autocommit, for what no transaction may hold.

    For VACUUM: without a statement timeout when the session's was lifted. A command's fold
    had its batches lifted but not the VACUUM after them, on a connection of its own: `flask
    demo pins` failed at its end when the log's VACUUM outlasted the web's timeout (the test
    suite beside a load test, at a test's 50 ms). SET, then RESET back to the connection's own
    setting before the pool takes it again.
    """
    engine = session.get_bind().engine
    lifted = bool(session.info.get(TIMEOUT_LIFTED))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if lifted:
            conn.exec_driver_sql("SET statement_timeout = 0")
        try:
            yield conn
        finally:
            if lifted:
                conn.exec_driver_sql("RESET statement_timeout")


def _lift_in_transaction(_session: Session, _transaction: Any, connection: Connection) -> None:
    connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
