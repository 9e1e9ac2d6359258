"""No request leaves a transaction open, streamed responses included; PostgreSQL ends the rest.

In a run on a busy machine a browser test timed out mid-stream, the app's session sat idle in
a transaction, and the fixture's TRUNCATE waited behind it for good.
"""

from __future__ import annotations

import gc
import socket
import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text

from app.db import get_engine, get_map_engine

BIG_VIEW = "/api/map/clusters?bbox=19.0,63.4,21.0,64.4&zoom=17"


def _app_sessions(test_database_url: str) -> list[tuple[str, str]]:
    """(state, query) of the app's sessions on the test database, seen from outside."""
    engine = create_engine(test_database_url)
    try:
        with engine.connect() as conn:
            return [
                (row.state, row.query)
                for row in conn.execute(
                    text(
                        "SELECT state, query FROM pg_stat_activity "
                        "WHERE datname = current_database() AND application_name = 'umecom-web'"
                    )
                )
            ]
    finally:
        engine.dispose()


def _idle_in_transaction(test_database_url: str) -> list[str]:
    return [q for s, q in _app_sessions(test_database_url) if s == "idle in transaction"]


def _wait_until_none_idle(test_database_url: str, seconds: float = 15) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := _idle_in_transaction(test_database_url)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def _seed(runner, count: int) -> None:
    result = runner.invoke(args=["demo", "pins", str(count), "--seed", "5"])
    assert result.exit_code == 0, result.output


def _start_get(url: str, path: str) -> socket.socket:
    """Send a GET over a raw socket and read the start of the answer (headers and a chunk)."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    start = sock.recv(65536)
    assert start.startswith(b"HTTP/1.1 200"), start[:200]
    return sock


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


@pytest.mark.long_running
def test_an_abandoned_stream_leaves_no_transaction_open(make_app, runner, test_database_url, app):
    """A client hangs up half-way through a multi-megabyte stream: every session is let go."""
    from tests.conftest import serving

    _seed(runner, 30_000)
    streaming = make_app(MAP_PIN_LIMIT=100_000)
    with serving(streaming) as url:
        for _ in range(3):
            sock = _start_get(url, BIG_VIEW)
            # While the stream is stuck on a client that stopped reading, only the stream's
            # own cursor may hold a transaction: the request's session (the count) is closed.
            time.sleep(0.5)
            open_now = _idle_in_transaction(test_database_url)
            assert len(open_now) <= 1, open_now
            assert not any("count" in q for q in open_now), open_now
            sock.close()
        assert _wait_until_none_idle(test_database_url) == []


def test_the_test_client_closing_early_ends_the_stream(make_app, runner, test_database_url, app):
    _seed(runner, 3_000)
    client = make_app(MAP_PIN_LIMIT=100_000).test_client()
    response = client.get(BIG_VIEW, buffered=False)
    next(iter(response.response))
    response.close()
    assert _wait_until_none_idle(test_database_url, seconds=2) == []


# PostgreSQL ends the stalled stream's connection under its open cursor, so the driver can only
# drop that cursor, and it says so (a ResourceWarning when it is collected): expected here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore:.*ServerCursor.*deleted while still open:ResourceWarning")
def test_postgresql_ends_a_transaction_left_idle(make_app, runner, test_database_url, app):
    """The guard behind the root: a stalled stream cannot hold its transaction for ever."""
    from tests.conftest import serving

    _seed(runner, 30_000)
    stalled = make_app(MAP_PIN_LIMIT=100_000, DB_IDLE_IN_TRANSACTION_TIMEOUT_MS=1000)
    with serving(stalled) as url:
        sock = _start_get(url, BIG_VIEW)  # and read no further
        try:
            assert _wait_until_none_idle(test_database_url, seconds=10) == []
        finally:
            sock.close()
    gc.collect()  # within this test, so what the dead connection left is reported here
