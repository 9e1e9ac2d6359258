"""Helpers for tests that talk to a served app over raw sockets (streams, bodies no HTTP client
would send), and see the app's sessions in a transaction as PostgreSQL does."""

from __future__ import annotations

import socket
import time
import urllib.request
from urllib.parse import urlsplit

from sqlalchemy import create_engine, text

from tests.conftest import CSRF_META


def app_sessions(database_url: str, *, in_transaction: bool) -> list[tuple[int, str, str]]:
    """(backend pid, state, query) of the app's sessions on that database, seen from outside:
    all of them, or those in a transaction. Parallel workers, which share their leader's
    transaction, are not counted."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT pid, state, query FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name = 'umecom-web' "
                    "AND backend_type = 'client backend' "
                    "AND (xact_start IS NOT NULL OR NOT :in_transaction)"
                ),
                {"in_transaction": in_transaction},
            )
            return [(row.pid, row.state, row.query) for row in rows]
    finally:
        engine.dispose()


def app_sessions_in_transaction(database_url: str) -> list[tuple[int, str, str]]:
    """(backend pid, state, query) of the app's sessions in a transaction on that database."""
    return app_sessions(database_url, in_transaction=True)


def wait_until_closed(database_url: str, pid: int, seconds: float) -> bool:
    """Wait up to `seconds` for the app's connection served by backend `pid` to close."""
    deadline = time.monotonic() + seconds
    while pid in {open_pid for open_pid, *_ in app_sessions(database_url, in_transaction=False)}:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def wait_until_no_app_transaction(database_url: str, seconds: float) -> list[tuple[int, str, str]]:
    """Wait up to `seconds` for the app to hold no transaction; what is left then."""
    deadline = time.monotonic() + seconds
    while (left := app_sessions_in_transaction(database_url)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


# How long a stream may take to send its first bytes: an export of 30,000 pins starts within a
# second when the table is analysed (tests/pins.py).
FIRST_BYTES_S = 30


def raw_connection(url: str) -> socket.socket:
    """A plain socket to the server at `url`, for requests no HTTP client would send."""
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port))


def start_raw_get(url: str, path: str) -> socket.socket:
    """Send a GET over a raw socket and read the start of its 200 answer, and no further."""
    sock = raw_connection(url)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    sock.settimeout(FIRST_BYTES_S)  # a statement that never starts fails the test, not the run
    start = sock.recv(65536)
    sock.settimeout(None)
    assert start.startswith(b"HTTP/1.1 200"), start[:200]
    return sock


def browser_cookie_and_token(url: str) -> tuple[str, str]:
    """The Cookie header and CSRF token a browser gets from the map page, for raw requests."""
    with urllib.request.urlopen(f"{url}/") as response:
        cookies = "; ".join(
            c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []
        )
        token = CSRF_META.search(response.read().decode()).group(1)
    return cookies, token
