"""Writes take their turns (app.write_turns): reads never wait for them, a full gate is a 503."""

from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest
from flask import Response, stream_with_context

from app.write_turns import EXTENSION
from tests.conftest import CENTRE, Api, assert_busy, count_pins, pin_feature
from tests.serving.test_gunicorn import browser_session, post_pin, start_gunicorn, stop_gunicorn
from tests.streams import browser_cookie_and_token

VIEW = "/api/map/clusters?bbox=20.2,63.8,20.3,63.85&zoom=14"
BUSY_SV = "Många ändringar sparas just nu. Försök igen."
BUSY_EN = "Many changes are being saved just now. Please try again."


@pytest.fixture
def gated(make_app):
    """An app with one place for writes, which a write waits 0.1 s for, and its gate."""
    gated = make_app(WRITES_AT_ONCE=1, WRITE_WAIT_S=0.1)
    return gated, gated.extensions[EXTENSION]


def test_a_write_that_waits_too_long_answers_503_busy_and_stores_nothing(gated):
    app, gate = gated
    api = Api(app.test_client())
    assert gate.enter(0)  # the one place taken, as by another request's write
    try:
        assert_busy(api.post("/api/ideas", pin_feature()), BUSY_SV)
        assert_busy(
            api.post("/api/ideas", pin_feature(), headers={"Accept-Language": "en"}), BUSY_EN
        )
        assert api.get(VIEW).status_code == 200  # a read does not wait for writes
        assert api.get("/api/ideas").status_code == 200
    finally:
        gate.leave()
    assert gate.waiting == 0
    assert count_pins(app) == 0
    assert api.post("/api/ideas", pin_feature()).status_code == 201
    assert count_pins(app) == 1


def test_a_waiting_write_goes_in_when_the_place_frees(make_app):
    app = make_app(WRITES_AT_ONCE=1, WRITE_WAIT_S=10)
    gate = app.extensions[EXTENSION]
    api = Api(app.test_client())
    answers = []
    assert gate.enter(0)
    try:
        writer = threading.Thread(
            target=lambda: answers.append(api.post("/api/ideas", pin_feature(CENTRE)))
        )
        writer.start()
        deadline = time.monotonic() + 10
        while gate.waiting < 1:
            assert time.monotonic() < deadline, "the write did not wait for its turn"
            time.sleep(0.005)
        assert count_pins(app) == 0
    finally:
        gate.leave()
    writer.join(30)
    assert [a.status_code for a in answers] == [201]
    assert count_pins(app) == 1


def test_every_answer_gives_its_place_back(gated):
    """Refused, failed and accepted writes alike: the next one finds the place free."""
    app, gate = gated
    api = Api(app.test_client())
    assert api.post("/api/ideas", {"type": "Feature"}).status_code == 422
    assert api.post("/api/ideas", pin_feature(body="x" * 200_000)).status_code == 413
    assert api.post("/api/ideas", pin_feature()).status_code == 201
    assert api.client.post("/api/ideas", json=pin_feature()).status_code == 400  # no CSRF token
    assert api.post("/api/ideas", pin_feature()).status_code == 201
    assert gate.enter(0)  # the place is free after all of them
    gate.leave()


def test_a_streamed_answer_gives_its_place_back_once(make_app):
    """Flask tears a streamed answer's context down twice: the place is given back only once."""
    app = make_app(WRITES_AT_ONCE=1, WRITE_WAIT_S=0.1)

    @app.post("/test-streamed-write")
    def streamed_write() -> Response:
        return Response(stream_with_context(iter(["streamed"])))

    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    for _ in range(2):
        response = client.post("/test-streamed-write")
        assert response.get_data(as_text=True) == "streamed"
        response.close()
    gate = app.extensions[EXTENSION]
    assert gate.enter(0)
    assert not gate.enter(0)  # one place, as configured, not two
    gate.leave()


def test_a_write_refused_before_its_turn_does_not_wait_for_one(gated):
    """No CSRF token, or a body over the limit: answered as such at once, not 503."""
    app, gate = gated
    api = Api(app.test_client())
    assert gate.enter(0)
    try:
        no_token = api.client.post("/api/ideas", json=pin_feature())
        assert no_token.status_code == 400
        assert no_token.get_json()["error"]["code"] == "csrf_failed"
        too_large = api.post("/api/ideas", pin_feature(body="x" * 200_000))
        assert too_large.status_code == 413
    finally:
        gate.leave()
    assert count_pins(app) == 0


def test_a_write_over_its_rate_limit_is_refused_without_waiting_for_a_turn(make_app):
    """Its limits are counted before its turn is taken, so a full gate does not hide the 429.

    And a write that passed its limits but found no turn asks for a second's wait, not for
    its limit's window (Flask-Limiter sets Retry-After on every answer of a limited view).
    """
    app = make_app(WRITES_AT_ONCE=1, WRITE_WAIT_S=0.1, IDEA_CREATE_LIMIT="1 per minute")
    gate = app.extensions[EXTENSION]
    api = Api(app.test_client())
    assert gate.enter(0)  # the one place taken, as by another request's write
    try:
        assert_busy(api.post("/api/ideas", pin_feature()), BUSY_SV)  # counted, then no turn
        over = api.post("/api/ideas", pin_feature())
        assert over.status_code == 429
        assert over.get_json()["error"]["code"] == "rate_limited"
        assert gate.waiting == 0
    finally:
        gate.leave()
    assert count_pins(app) == 0


def _send_head_and_part(url: str, body: bytes, session: tuple[str, str]) -> socket.socket:
    """Start a POST /api/ideas whose body has only half arrived; the open socket."""
    cookie, token = session
    parts = urlsplit(url)
    head = (
        "POST /api/ideas HTTP/1.1\r\n"
        f"Host: {parts.hostname}\r\n"
        "Content-Type: application/json\r\n"
        f"X-CSRFToken: {token}\r\n"
        f"Cookie: {cookie}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    sock = socket.create_connection((parts.hostname, parts.port), timeout=20)
    sock.sendall(head.encode() + body[: len(body) // 2])
    return sock


def _status(sock: socket.socket) -> int:
    answer = b""
    while b"\r\n" not in answer and (chunk := sock.recv(65536)):
        answer += chunk
    return int(answer.split(b" ", 2)[1])


def test_a_body_still_arriving_holds_no_place_under_gunicorn(test_database_url, app, tmp_path):
    """One worker, one place: a client sending its body slowly does not stop other writes."""
    url, process = start_gunicorn(
        test_database_url, tmp_path, WEB_WORKERS="1", WRITES_AT_ONCE="1", WRITE_WAIT_S="2"
    )
    try:
        body = json.dumps(pin_feature(title="Slowly")).encode()
        slow = _send_head_and_part(url, body, browser_cookie_and_token(url))
        try:
            time.sleep(0.5)  # the worker has the head and waits for the rest of the body
            opener, token = browser_session(url)
            assert post_pin(opener, url, token) == 201
            slow.sendall(body[len(body) // 2 :])
            assert _status(slow) == 201
        finally:
            slow.close()
    finally:
        stop_gunicorn(process)
    assert count_pins(app) == 2
