"""Any body over MAX_BODY_BYTES gets a 413, however it is framed, and nothing is stored."""

from __future__ import annotations

import contextlib
import json
import socket
from urllib.parse import urlsplit

import pytest

from tests.conftest import count_pins, pin_feature
from tests.streams import browser_cookie_and_token


def _raw_post(url: str, body: bytes, *, chunked: bool, session: tuple[str, str]) -> int:
    """POST /api/ideas over a socket, with Content-Length or chunked; the status."""
    cookie, token = session
    parts = urlsplit(url)
    head = [
        "POST /api/ideas HTTP/1.1",
        f"Host: {parts.hostname}",
        "Content-Type: application/json",
        f"X-CSRFToken: {token}",
        f"Cookie: {cookie}",
        "Connection: close",
    ]
    if chunked:
        head.append("Transfer-Encoding: chunked")
        payload = b"".join(
            f"{len(body[i : i + 8192]):x}\r\n".encode() + body[i : i + 8192] + b"\r\n"
            for i in range(0, len(body), 8192)
        )
        payload += b"0\r\n\r\n"
    else:
        head.append(f"Content-Length: {len(body)}")
        payload = body
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        # The server may answer 413 and close before reading everything.
        with contextlib.suppress(OSError):
            sock.sendall(payload)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
            if b"\r\n" in answer:
                break
    return int(answer.split(b" ", 2)[1])


def _padded_pin(size: int) -> bytes:
    """A valid pin followed by spaces up to `size` bytes: still valid JSON if cut anywhere."""
    body = json.dumps(pin_feature()).encode()
    return body + b" " * (size - len(body))


@pytest.mark.parametrize("chunked", [False, True])
def test_over_the_limit_is_413_on_the_dev_server(live_server, app, chunked):
    session = browser_cookie_and_token(live_server)
    status = _raw_post(live_server, _padded_pin(200 * 1024), chunked=chunked, session=session)
    assert status == 413
    assert count_pins(app) == 0


@pytest.mark.parametrize("chunked", [False, True])
def test_under_the_limit_is_accepted_either_way(live_server, app, chunked):
    session = browser_cookie_and_token(live_server)
    status = _raw_post(live_server, _padded_pin(60 * 1024), chunked=chunked, session=session)
    assert status == 201
    assert count_pins(app) == 1


def test_chunked_over_the_limit_is_413_under_gunicorn(test_database_url, app, tmp_path):
    from tests.serving.test_gunicorn import start_gunicorn, stop_gunicorn

    url, process = start_gunicorn(test_database_url, tmp_path)
    try:
        session = browser_cookie_and_token(url)
        for chunked in (True, False):
            status = _raw_post(url, _padded_pin(200 * 1024), chunked=chunked, session=session)
            assert status == 413, chunked
        assert _raw_post(url, _padded_pin(1024), chunked=True, session=session) == 201
    finally:
        stop_gunicorn(process)
    assert count_pins(app) == 1


def test_the_413_is_json_naming_the_limit(api):
    response = api.post("/api/ideas", pin_feature(body="x" * 200_000))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "body_too_large"
