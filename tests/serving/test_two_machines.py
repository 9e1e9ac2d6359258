"""Two app machines behind one name: two gunicorn processes on two ports, one database.

Each process is started as `make run` starts one (gunicorn.conf.py, gevent, the map folder on),
sharing only the secret key file and PostgreSQL, as machines behind a load balancer would. A
browser's cookies go to both (cookies do not depend on the port), so every request here may
be answered by either "machine": nothing a browser does may depend on which one it reaches.
"""

from __future__ import annotations

import http.cookiejar
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import CSRF_META, PASSWORD, create_user, pin_feature
from tests.serving.test_gunicorn import start_gunicorn, stop_gunicorn
from tests.workshops.helpers import EventReader, shape

UMEA = "20.0,63.6,20.6,64.0"
MAP = f"/api/map/clusters?bbox={UMEA}&zoom=10"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: D102 - a 303 is an answer here
        return None


class Browser:
    """One cookie jar used against both machines, with the CSRF token of the page it loaded."""

    def __init__(self, base_url: str) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )
        self.token = self.csrf_token(base_url, "/")

    def csrf_token(self, base_url: str, path: str) -> str:
        """Load a page and keep its CSRF token."""
        page = self.opener.open(f"{base_url}{path}", timeout=10).read().decode()
        return CSRF_META.search(page).group(1)

    def send(
        self,
        method: str,
        url: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """A request: its status, headers and body (errors too)."""
        all_headers = {"X-CSRFToken": self.token, **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(url, data=data, headers=all_headers, method=method)
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read()

    def cookie(self) -> str:
        """The Cookie header this browser sends."""
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


@pytest.fixture(scope="module")
def machines(test_database_url: str, app, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """Two servers (one worker each) sharing a key file and the test database."""
    folder: Path = tmp_path_factory.mktemp("machines")
    key = folder / "shared_secret_key"
    key.write_text(secrets.token_hex(32))
    settings = {
        "SECRET_KEY_FILE": str(key),
        "WEB_WORKERS": "1",
        "RATELIMIT_ENABLED": "1",
        "IDEA_CREATE_LIMIT": "3 per minute",
        "IDEA_CREATE_ADDRESS_LIMIT": "1000 per minute",
        "ARGON2_PROFILE": "CHEAPEST",
        "WORKSHOP_HEARTBEAT_SECONDS": "1",
    }
    started = []
    try:
        for name in ("a", "b"):
            (folder / name).mkdir()
            started.append(start_gunicorn(test_database_url, folder / name, **settings))
        yield started[0][0], started[1][0]
    finally:
        for _, process in started:
            stop_gunicorn(process)


def test_a_session_from_one_machine_works_on_the_other(machines, app):
    a, b = machines
    create_user(app, "anna@umea.se", "moderator")
    browser = Browser(a)
    token = browser.csrf_token(a, "/login")
    form = {"email": "anna@umea.se", "password": PASSWORD, "csrf_token": token}
    assert browser.send("POST", f"{a}/login", form=form)[0] == 303
    assert browser.send("GET", f"{b}/planner/moderation")[0] == 200
    assert browser.send("GET", f"{b}/api/moderation/queue")[0] == 200
    # Signing out on B ends the session on A as well.
    token = browser.csrf_token(b, "/planner/moderation")
    assert browser.send("POST", f"{b}/logout", form={"csrf_token": token})[0] == 303
    assert browser.send("GET", f"{a}/api/moderation/queue")[0] == 401


def test_a_csrf_token_from_one_machine_is_accepted_by_the_other(machines):
    a, b = machines
    browser = Browser(a)  # the token comes from A's page
    status, _, body = browser.send("POST", f"{b}/api/ideas", pin_feature(title="Token from A"))
    assert status == 201, body
    browser.token = "not-a-token"
    assert browser.send("POST", f"{b}/api/ideas", pin_feature())[0] == 400


def test_a_support_on_one_machine_is_known_to_the_other(machines):
    a, b = machines
    browser = Browser(a)
    status, _, body = browser.send("POST", f"{a}/api/ideas", pin_feature())
    pin = json.loads(body)["id"]
    assert browser.send("POST", f"{a}/api/ideas/{pin}/support")[0] == 201
    status, _, body = browser.send("POST", f"{b}/api/ideas/{pin}/support")
    assert status == 409, body
    assert json.loads(browser.send("GET", f"{b}/api/ideas/{pin}/supported")[2])["supported"]


def test_rate_limits_count_requests_on_both_machines(machines):
    a, b = machines
    browser = Browser(b)
    statuses = [browser.send("POST", f"{url}/api/ideas", pin_feature())[0] for url in (a, b) * 3]
    assert statuses == [201, 201, 201, 429, 429, 429]  # IDEA_CREATE_LIMIT: 3 per minute


def test_a_workshop_change_on_one_machine_reaches_a_stream_on_the_other(machines):
    a, b = machines
    facilitator = Browser(a)
    status, _, body = facilitator.send("POST", f"{a}/api/workshops", {"title": "Två maskiner"})
    assert status == 201, body
    workshop = json.loads(body)
    members = {}
    for name, url in (("drawer", a), ("watcher", b)):
        members[name] = Browser(url)
        join = {"code": workshop["join_code"], "name": name}
        status = members[name].send("POST", f"{url}/api/workshops/{workshop['id']}/join", join)[0]
        assert status == 201
    watcher = members["watcher"]
    stream = EventReader(b, f"/api/workshops/{workshop['id']}/events", cookie=watcher.cookie())
    try:
        assert stream.status == 200
        stream.next_event()  # presence: the stream on B is subscribed
        url = f"{a}/api/workshops/{workshop['id']}/annotations"
        status, _, body = members["drawer"].send("POST", url, shape())
        assert status == 201, body
        created = json.loads(body)
        got = stream.events_until(lambda e: e["data"]["type"] == "annotation.created")[-1]
        assert got["data"]["feature"]["id"] == created["id"]
    finally:
        stream.close()


def _log_is_folded(database_url: str) -> bool:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return not conn.execute(text("SELECT count(*) FROM map_deltas")).scalar_one()
    finally:
        engine.dispose()


def test_a_map_etag_from_one_machine_is_valid_on_the_other(machines, test_database_url):
    a, b = machines
    browser = Browser(a)
    assert browser.send("POST", f"{a}/api/ideas", pin_feature())[0] == 201
    deadline = time.monotonic() + 20
    while not _log_is_folded(test_database_url):  # either machine's folder (interval 1 s)
        assert time.monotonic() < deadline, "the map log was never folded"
        time.sleep(0.1)
    status, headers, _ = browser.send("GET", f"{a}{MAP}")
    assert status == 200
    status, again, _ = browser.send("GET", f"{b}{MAP}", headers={"If-None-Match": headers["ETag"]})
    assert status == 304
    assert again["ETag"] == headers["ETag"]


def test_a_pin_created_on_one_machine_is_in_the_others_next_map(machines):
    a, b = machines
    browser = Browser(a)
    status, before, _ = browser.send("GET", f"{b}{MAP}")
    assert status == 200
    status, _, body = browser.send("POST", f"{a}/api/ideas", pin_feature(title="Fresh"))
    assert status == 201
    pin = json.loads(body)["id"]
    status, _, body = browser.send("GET", f"{b}{MAP}", headers={"If-None-Match": before["ETag"]})
    assert status == 200
    assert pin in [f["id"] for f in json.loads(body)["features"]]
