"""Workshop event streams under gunicorn as `make run` serves it (gevent, two workers)."""

from __future__ import annotations

import http.cookiejar
import json
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text

from app.workshops.live import LISTEN_APPLICATION_NAME
from tests.conftest import CSRF_META
from tests.serving.test_gunicorn import start_gunicorn, stop_gunicorn
from tests.workshops.helpers import EventReader, shape


class Browser:
    """A browser's cookie jar and CSRF token against a real server."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.opener.open(f"{base_url}/").read().decode()
        self.token = CSRF_META.search(page).group(1)

    def post(self, path: str, body: object) -> dict:
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.token},
            method="POST",
        )
        with self.opener.open(request, timeout=10) as response:
            return json.loads(response.read())

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def stream(self, workshop_id: int, **kwargs) -> EventReader:
        return EventReader(
            self.base_url, f"/api/workshops/{workshop_id}/events", cookie=self.cookie(), **kwargs
        )


def _listeners(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND application_name = :name AND query ILIKE 'LISTEN%'"
                    ),
                    {"name": LISTEN_APPLICATION_NAME},
                ).scalar_one()
            )
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def server(test_database_url: str, app, tmp_path_factory: pytest.TempPathFactory):
    """One gunicorn for the module (a start costs each worker the app's import, 2.3 s of
    CPU time); its listeners stop a second after their last stream, as `_no_listeners` waits."""
    url, process = start_gunicorn(
        test_database_url,
        tmp_path_factory.mktemp("streams"),
        WORKSHOP_HEARTBEAT_SECONDS="1",
        WORKSHOP_LISTENER_IDLE_SECONDS="1",
    )
    yield url
    stop_gunicorn(process)


def _no_listeners(database_url: str) -> None:
    """Wait until no worker listens, as after a fresh start: a test's streams are gone at the
    next heartbeat, their listener a second later."""
    deadline = time.monotonic() + 30
    while _listeners(database_url) > 0:
        assert time.monotonic() < deadline, "a listener outlived its streams"
        time.sleep(0.2)


@pytest.fixture(autouse=True)
def _streams_ended(server: str, test_database_url: str) -> Iterator[None]:
    """After each test, wait until the server has ended the streams its clients closed.

    Each ending deletes its presence row in a transaction of its own. Racing the emptying of
    the tables after the test, 20 of them ended as deadlocks in one run beside a hostile walk.
    """
    yield
    _no_listeners(test_database_url)


def _room(url: str) -> tuple[Browser, dict, list[Browser]]:
    facilitator = Browser(url)
    workshop = facilitator.post("/api/workshops", {"title": "Över två processer"})
    people = []
    for n in range(2):
        person = Browser(url)
        person.post(
            f"/api/workshops/{workshop['id']}/join",
            {"code": workshop["join_code"], "name": f"P{n}"},
        )
        people.append(person)
    return facilitator, workshop, people


def _created(event: dict) -> bool:
    return event["data"]["type"] == "annotation.created"


def test_a_change_through_one_worker_reaches_streams_on_the_other(server, test_database_url):
    _, workshop, (drawer, watcher) = _room(server)
    streams = []
    try:
        # Each stream is a new connection, which either worker may accept: open them until
        # both workers have a listener (so both hold streams), at most 40.
        while _listeners(test_database_url) < 2 and len(streams) < 40:
            streams.append(watcher.stream(workshop["id"]))
            streams[-1].next_event()  # the presence event: this stream is subscribed
        assert _listeners(test_database_url) == 2
        created = drawer.post(f"/api/workshops/{workshop['id']}/annotations", shape())
        for stream in streams:  # some on the worker that took the POST, some on the other
            got = stream.events_until(_created)[-1]
            assert got["data"]["feature"]["id"] == created["id"]
    finally:
        for stream in streams:
            stream.close()


def test_one_listen_connection_per_process_however_many_streams(server, test_database_url):
    """Thirty streams opened at once (their presence changes race) and two LISTENs."""
    _, workshop, (_, watcher) = _room(server)
    # A bound for a hang, not a speed: in a `make test` beside a benchmark loop and the hostile
    # walk (load 7-15), thirty opened at once were not all answered within 10 s.
    with ThreadPoolExecutor(max_workers=30) as pool:
        streams = list(pool.map(lambda _: watcher.stream(workshop["id"], timeout=60), range(30)))
    try:
        for stream in streams:
            assert stream.status == 200
            stream.next_event()
        # On a busy machine one worker may accept all thirty: open more, one at a time, until
        # the other worker holds a stream too (it then listens), at most forty more.
        while _listeners(test_database_url) < 2 and len(streams) < 70:
            streams.append(watcher.stream(workshop["id"]))
            streams[-1].next_event()
        assert _listeners(test_database_url) == 2  # two workers, thirty streams or more
    finally:
        for stream in streams:
            stream.close()


def test_open_streams_do_not_starve_other_requests(server):
    """More open streams than gthread's 2 x 8 threads, and the app still answers."""
    _, workshop, (_, watcher) = _room(server)
    streams = [watcher.stream(workshop["id"]) for _ in range(40)]
    try:
        for stream in streams:
            assert stream.status == 200
        for _ in range(5):
            with urllib.request.urlopen(f"{server}/healthz", timeout=5) as response:
                assert json.loads(response.read()) == {"status": "ok", "database": "ok"}
            view = "/api/map/clusters?bbox=20.2,63.8,20.3,63.85&zoom=14"
            with urllib.request.urlopen(f"{server}{view}", timeout=5) as response:
                assert response.status == 200
    finally:
        for stream in streams:
            stream.close()


def test_resume_across_workers_after_a_drop(server):
    _, workshop, (drawer, watcher) = _room(server)
    wid = workshop["id"]
    first = watcher.stream(wid)
    drawer.post(f"/api/workshops/{wid}/annotations", shape(note="ett"))
    last_id = first.events_until(_created)[-1]["id"]
    first.close()
    for note in ("två", "tre", "fyra"):
        drawer.post(f"/api/workshops/{wid}/annotations", shape(note=note))
    time.sleep(0.1)
    again = watcher.stream(wid, last_event_id=last_id)
    try:
        seen = again.events_until(
            lambda e: _created(e) and e["data"]["feature"]["properties"]["note"] == "fyra"
        )
        ids = [e["id"] for e in seen]
        assert ids == list(range(last_id + 1, last_id + 1 + len(ids)))
        notes = [e["data"]["feature"]["properties"]["note"] for e in seen if _created(e)]
        assert notes == ["två", "tre", "fyra"]
    finally:
        again.close()
