"""Clients that stop reading their answer, or sending their body, under gunicorn as `make run`
serves it: the worker lets them go after WEB_CLIENT_TIMEOUT_S, and with them the statement
of a stream. PostgreSQL would not end that statement itself: it holds back a cancel, its
statement timeout's included, while the statement is blocked writing rows."""

from __future__ import annotations

import re
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import count_pins
from tests.pins import seed_unfolded_pins
from tests.serving.test_gunicorn import start_gunicorn, stop_gunicorn, stop_gunicorn_reading_log
from tests.streams import (
    app_sessions_in_transaction,
    browser_cookie_and_token,
    raw_connection,
    start_raw_get,
    wait_until_no_app_transaction,
)

CLIENT_TIMEOUT_S = 2
# An export of 30,000 pins is megabytes: more than the sockets' buffers take from a client
# that reads nothing.
BIG_STREAM = "/api/export/ideas.geojson"


@pytest.fixture
def slow_client_gunicorn(test_database_url: str, app, tmp_path: Path) -> Iterator[tuple]:
    """gunicorn with a short client timeout; yields its URL and a function that stops the
    server and gives its log."""
    url, process = start_gunicorn(
        test_database_url,
        tmp_path,
        WEB_CLIENT_TIMEOUT_S=str(CLIENT_TIMEOUT_S),
        MAP_FOLD_INTERVAL_S="0",  # its folds would be statements of the app's too
    )
    try:
        yield url, lambda: stop_gunicorn_reading_log(process)
    finally:
        stop_gunicorn(process)


def _read_answer(sock: socket.socket) -> str:
    """One HTTP answer with a Content-Length, however the server's segments split it."""

    def more() -> bytes:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed before the whole answer came"
        return chunk

    data = b""
    while b"\r\n\r\n" not in data:
        data += more()
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(body) < length:
        body += more()
    return (head + b"\r\n\r\n" + body).decode()


def test_a_client_that_stops_reading_an_export_is_let_go(
    slow_client_gunicorn, test_database_url, app
):
    """The export's statement runs while the client reads nothing; after the client timeout
    the worker closes the connection, and the statement ends with it, while the client still
    holds its end open."""
    url, log = slow_client_gunicorn
    seed_unfolded_pins(app, 30_000)
    sock = start_raw_get(url, BIG_STREAM)
    try:
        time.sleep(CLIENT_TIMEOUT_S / 4)
        # The export's statement: running, or done writing into the sockets' buffers.
        assert len(app_sessions_in_transaction(test_database_url)) == 1
        assert wait_until_no_app_transaction(test_database_url, 15 * CLIENT_TIMEOUT_S) == []
    finally:
        sock.close()
    server_log = log()
    assert f"Closed a client that took nothing for {float(CLIENT_TIMEOUT_S)} s" in server_log
    assert "Traceback" not in server_log


def test_a_client_that_stops_sending_its_body_is_answered_400(slow_client_gunicorn, app):
    """A pin's body cut short and never finished: 400 after the client timeout, nothing
    stored, and the worker answers others meanwhile."""
    url, log = slow_client_gunicorn
    cookies, token = browser_cookie_and_token(url)
    sock = raw_connection(url)
    try:
        sock.sendall(
            (
                "POST /api/ideas HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\nX-CSRFToken: {token}\r\n"
                f"Cookie: {cookies}\r\nContent-Length: 100\r\n\r\n"
            ).encode()
            + b'{"type":'
        )
        started = time.monotonic()
        with urllib.request.urlopen(f"{url}/healthz", timeout=CLIENT_TIMEOUT_S) as other:
            assert other.status == 200
        sock.settimeout(15 * CLIENT_TIMEOUT_S)
        answer = _read_answer(sock)
        waited = time.monotonic() - started
    finally:
        sock.close()
    assert answer.startswith("HTTP/1.1 400"), answer[:300]
    assert '"code":"bad_request"' in answer
    assert waited >= CLIENT_TIMEOUT_S * 0.9
    assert count_pins(app) == 0
    assert "Traceback" not in log()


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
@pytest.mark.parametrize("name", ["WEB_CLIENT_TIMEOUT_S", "WEB_BALANCE_WAIT_S"])
def test_the_workers_seconds_must_be_positive_numbers(monkeypatch, name, value):
    from serving.balanced_worker import seconds_setting

    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=f"{name} must be a positive number of seconds"):
        seconds_setting(name, "1")
    monkeypatch.setenv(name, "2.5")
    assert seconds_setting(name, "1") == 2.5
