"""No request leaves a transaction open, streamed responses included; PostgreSQL ends the rest.

In a run on a busy machine a browser test timed out mid-stream, the app's session sat idle in
a transaction, and the fixture that empties the tables waited behind it for good.
"""

from __future__ import annotations

import gc
import threading
import time

import pytest
from psycopg.errors import QueryCanceled
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from app.db import (
    BUILT_ONCE,
    execute_first,
    first_row,
    get_engine,
    get_map_engine,
    get_session,
    map_connection,
)
from tests.ideas.conftest import run_sql
from tests.pins import seed_unfolded_pins
from tests.streams import (
    app_sessions_in_transaction,
    start_raw_get,
    wait_until_closed,
    wait_until_no_app_transaction,
)

# Responses big enough to outgrow the sockets' buffers when their client stops reading (the
# map's views are built whole in one statement, and lists stop at 1,000 pins): an export, and
# a clusters layer of one cluster a pin, about 10 MB at 30,000 pins.
BIG_STREAM = "/api/export/ideas.geojson"
ONE_CLUSTER_A_PIN = "/api/layers/clusters?eps=1&min_points=1"


def test_settings_reach_every_app_connection(make_app):
    app = make_app(DB_STATEMENT_TIMEOUT_MS=1234, DB_IDLE_IN_TRANSACTION_TIMEOUT_MS=5678)
    with app.app_context():
        engines = (get_engine(), get_map_engine())
    for engine in engines:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "1234ms"
            assert conn.execute(text("SHOW idle_in_transaction_session_timeout")).scalar_one() == (
                "5678ms"
            )
            assert conn.execute(text("SHOW jit")).scalar_one() == "off"


def test_a_lifted_timeout_holds_for_every_transaction_of_the_session(make_app):
    """Operators' folds commit each batch: the lift must outlive the first commit, and only
    that session's transactions may have it."""
    from app.db import get_session, lift_statement_timeout, new_session

    app = make_app(DB_STATEMENT_TIMEOUT_MS=1234)
    with app.app_context():
        session = get_session()
        lift_statement_timeout(session)
        for _batch in range(3):
            assert session.execute(text("SHOW statement_timeout")).scalar_one() == "0"
            session.commit()
        other = new_session()
        try:
            assert other.execute(text("SHOW statement_timeout")).scalar_one() == "1234ms"
        finally:
            other.close()


def test_a_lifted_fold_vacuums_the_log_however_long_it_waits(make_app, test_database_url):
    """`flask demo pins` and `flask map fold` vacuum the log after folding, on a connection of
    their own, and that VACUUM too is free of the web's timeout; the pool's connection gets
    the timeout back. VACUUM here waits 0.5 s for a lock another transaction holds."""
    import psycopg

    from app.db import lift_statement_timeout
    from app.ideas.counts import fold_map_log

    seed_unfolded_pins(make_app(), 20)
    app = make_app(DB_STATEMENT_TIMEOUT_MS=50)
    locked, release = threading.Event(), threading.Event()
    released_at: list[float] = []

    def hold_the_log() -> None:
        with psycopg.connect(test_database_url.replace("+psycopg", "")) as holder:
            holder.execute("LOCK TABLE map_deltas IN SHARE UPDATE EXCLUSIVE MODE")
            locked.set()
            release.wait(0.5)
            released_at.append(time.monotonic())  # before the lock goes, with the connection

    holding = threading.Thread(target=hold_the_log)
    holding.start()
    try:
        assert locked.wait(10)
        with app.app_context():
            session = get_session()
            lift_statement_timeout(session)
            assert fold_map_log(session) == 20
            # It did wait for the lock: its VACUUM ended after the holder let go. (Timed from
            # here instead, the wait looked 0.275 s long once: the 0.5 s count from `locked`.)
            assert released_at and time.monotonic() > released_at[0]
            session.close()
            with get_engine().connect() as conn:
                assert conn.execute(text("SHOW statement_timeout")).scalar_one() == "50ms"
    finally:
        release.set()
        holding.join(10)


@pytest.mark.parametrize("path", [BIG_STREAM, ONE_CLUSTER_A_PIN])
def test_an_abandoned_stream_leaves_no_transaction_open(test_database_url, app, path):
    """A client stops reading a multi-megabyte export or layer, then hangs up: every session is
    let go, and the stream's connection, whose statement was cancelled, is closed."""
    from tests.conftest import serving

    seed_unfolded_pins(app, 30_000)
    with serving(app) as url:
        for _ in range(3):
            sock = start_raw_get(url, path)
            try:
                # While the stream is stuck on a client that stopped reading, only the stream's
                # own statement holds a transaction.
                time.sleep(0.5)
                open_now = app_sessions_in_transaction(test_database_url)
                assert [query.split()[0] in ("SELECT", "WITH") for *_, query in open_now] == [True]
            finally:
                sock.close()  # a failure above must not leave the stream's statement waiting
            assert wait_until_no_app_transaction(test_database_url, seconds=15) == []
            # Its statement was cancelled: the connection is closed, not pooled again.
            assert wait_until_closed(test_database_url, open_now[0][0], seconds=5)


# The cancelled statements sleep 5 s. A timeout of 100 ms also cancelled, once, a new
# connection's first statement (SQLAlchemy's look-up of hstore), on a machine busy with a
# bench and three hostile walks beside `make test`.
CANCEL_AFTER_MS = 1000


def test_a_cancelled_statement_closes_its_connection(make_app, test_database_url):
    """A statement past its timeout fails as before, and its connection is closed rather than
    pooled again: PostgreSQL can lose a signal on a backend cancelled at that moment, and a
    DROP DATABASE anywhere in the cluster would then wait for that backend (app/db.py)."""
    app = make_app(DB_STATEMENT_TIMEOUT_MS=CANCEL_AFTER_MS)
    with app.app_context():
        session = get_session()
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with pytest.raises(OperationalError) as failed:
            session.execute(text("SELECT pg_sleep(5)"))
        assert isinstance(failed.value.orig, QueryCanceled)
        session.rollback()
        assert wait_until_closed(test_database_url, pid, seconds=5)
        assert session.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
        session.close()


def test_a_cancelled_map_statement_is_not_run_again(make_app, test_database_url):
    """The map's pool runs a statement again on a new connection when the server closed the
    old one; a statement cancelled by its timeout has its connection closed too, and it must
    not run twice (a view past the timeout would take twice as long to fail)."""
    app = make_app(DB_STATEMENT_TIMEOUT_MS=CANCEL_AFTER_MS)
    sent: list[str] = []
    with app.app_context():
        event.listen(get_map_engine(), "before_cursor_execute", lambda *a: sent.append(a[2]))
        with map_connection() as conn:
            pid = execute_first(conn, text("SELECT pg_backend_pid()")).scalar_one()
            with pytest.raises(OperationalError) as failed:
                execute_first(conn, text("SELECT pg_sleep(5)"))
        assert isinstance(failed.value.orig, QueryCanceled)
        assert wait_until_closed(test_database_url, pid, seconds=5)
    assert sent == ["SELECT pg_backend_pid()", "SELECT pg_sleep(5)"]


def test_a_cancelled_map_row_read_by_the_driver_is_not_run_again(make_app, test_database_url):
    """The map's first statements run on psycopg itself (app.db.first_row): one cancelled by its
    timeout fails as SQLAlchemy's would, closes its connection, and is not run again (a
    sequence counts the runs: its numbers are taken outside any transaction)."""
    app = make_app(DB_STATEMENT_TIMEOUT_MS=CANCEL_AFTER_MS)
    run_sql(app, "CREATE SEQUENCE runs_counted")
    try:
        once = {BUILT_ONCE: True}
        backend = select(func.pg_backend_pid()).execution_options(**once)
        sleeping = select(func.nextval("runs_counted"), func.pg_sleep(5)).execution_options(**once)
        with app.app_context(), map_connection() as conn:
            pid = first_row(conn, backend)[0]
            with pytest.raises(OperationalError) as failed:
                first_row(conn, sleeping)
            assert isinstance(failed.value.orig, QueryCanceled)
            assert failed.value.connection_invalidated
        assert wait_until_closed(test_database_url, pid, seconds=5)
        assert run_sql(app, "SELECT last_value FROM runs_counted").scalar_one() == 1
    finally:
        run_sql(app, "DROP SEQUENCE runs_counted")


def test_the_test_client_closing_early_ends_the_stream(test_database_url, app):
    """A layer read from a server-side cursor, closed after its first chunk. The request read
    from the database before the stream began (it checked the clustering's work), and that
    session is closed when the stream starts: only the stream's cursor holds a transaction."""
    seed_unfolded_pins(app, 3_000)
    client = app.test_client()
    response = client.get("/api/layers/clusters", buffered=False)
    assert response.status_code == 200
    next(iter(response.response))
    assert len(app_sessions_in_transaction(test_database_url)) == 1
    response.close()
    assert wait_until_no_app_transaction(test_database_url, seconds=2) == []


# PostgreSQL ends the connection under the stream's open cursor, so the driver can only drop
# that cursor, and it says so (a ResourceWarning when it is collected): expected here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore:.*ServerCursor.*deleted while still open:ResourceWarning")
def test_postgresql_ends_a_transaction_left_idle(make_app, test_database_url, app):
    """The guard behind the root: a stream from a server-side cursor that nobody reads on, nor
    closes, cannot hold its transaction for ever. (A client that stops reading is let go by
    the server first: tests/serving/test_slow_clients.py.)"""
    seed_unfolded_pins(app, 3_000)
    response = (
        make_app(DB_IDLE_IN_TRANSACTION_TIMEOUT_MS=1000)
        .test_client()
        .get("/api/ideas?limit=1000", buffered=False)
    )
    try:
        next(iter(response.response))
        assert [
            state for _pid, state, _query in app_sessions_in_transaction(test_database_url)
        ] == ["idle in transaction"]
        assert wait_until_no_app_transaction(test_database_url, seconds=10) == []
    finally:
        response.close()
    gc.collect()  # within this test, so what the dead connection left is reported here
