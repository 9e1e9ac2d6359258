"""New pins that arrive at once are stored in one transaction, and each request gets its own.

The first request's batch is held at a gate inside the real batch runner, so that the others
arrive while it runs: they are then stored together by the next batch, as under load.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

from flask import Flask
from sqlalchemy import text

from app import write_turns
from app.common.fair_gate import FairGate
from app.common.group_commit import GroupCommit
from app.db import get_engine
from app.ideas import pin_batches
from app.ideas.pin_batches import CreatedPin, store_new_pins
from tests.conftest import CENTRE, Api, count_pins, pin_feature
from tests.ideas.conftest import end_map_pool_backends, recorded_statements

PLACES = [(CENTRE[0] + n * 0.001, CENTRE[1] + n * 0.0005) for n in range(6)]


class GatedRunner:
    """app.ideas.pin_batches' own runner, the first batch held until `gate` opens."""

    def __init__(self) -> None:
        self.gate, self.entered = threading.Event(), threading.Event()
        self.sizes: list[int] = []
        self.threads: list[int] = []  # which thread ran each batch

    def __call__(self, pins: Sequence[Any]) -> list[CreatedPin]:
        self.sizes.append(len(pins))
        self.threads.append(threading.get_ident())
        if len(self.sizes) == 1:
            self.entered.set()
            assert self.gate.wait(10)
        return store_new_pins(pins)


def _post_all(app: Flask, bodies: list[dict[str, Any]]) -> tuple[list[threading.Thread], list[Any]]:
    """POST each body from a browser of its own, each in a thread; the responses in order."""
    browsers = [Api(app.test_client()) for _ in bodies]
    responses: list[Any] = [None] * len(bodies)

    def post(n: int) -> None:
        responses[n] = browsers[n].post("/api/ideas", bodies[n])

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(bodies))]
    for thread in threads:
        thread.start()
    return threads, responses


def _one_then_a_batch(
    app: Flask, runner: GatedRunner, first: dict[str, Any], others: list[dict[str, Any]]
) -> list[Any]:
    """POST `first`, hold its batch, POST `others` meanwhile, then let them all through.

    The responses, `first`'s first.
    """
    first_threads, first_response = _post_all(app, [first])
    assert runner.entered.wait(10)
    threads, responses = _post_all(app, others)
    batches = app.extensions[pin_batches.EXTENSION]
    deadline = time.monotonic() + 10
    while batches.waiting < len(others):
        assert time.monotonic() < deadline, "the requests did not reach the batches"
        time.sleep(0.005)
    runner.gate.set()
    for thread in first_threads + threads:
        thread.join(30)
    return first_response + responses


def _transactions(app: Flask, ids: list[int]) -> int:
    """How many transactions stored these pins (rows written by one share its xmin)."""
    with app.app_context(), get_engine().connect() as conn:
        query = text("SELECT count(DISTINCT xmin::text) FROM ideas WHERE id = ANY(:ids)")
        return int(conn.execute(query, {"ids": ids}).scalar_one())


def test_pins_sent_during_a_batch_are_stored_together_and_each_answered_with_its_own(
    app, api, staff, monkeypatch
):
    assert staff("moderator").post("/api/moderation/words", {"word": "idiot"}).status_code == 201
    runner = GatedRunner()
    monkeypatch.setitem(app.extensions, pin_batches.EXTENSION, GroupCommit(runner, 64))
    monkeypatch.setitem(app.extensions, write_turns.EXTENSION, FairGate(6))  # all six at once
    bodies = [pin_feature(PLACES[n], title=f"Pin {n}") for n in range(6)]
    bodies[3] = pin_feature(PLACES[3], title="Pin 3, what idiot put this here")
    answers = _one_then_a_batch(app, runner, bodies[0], bodies[1:])

    assert runner.sizes == [1, 5]
    assert [r.status_code for r in answers] == [201, 201, 201, 202, 201, 201]
    features = [r.get_json() for r in answers]
    for n, feature in enumerate(features):
        if n == 3:
            assert feature["held"] is True
            continue
        assert feature["properties"]["title"] == f"Pin {n}"
        assert feature["geometry"]["coordinates"] == [round(c, 6) for c in PLACES[n]]
        assert answers[n].headers["Location"].endswith(f"/api/ideas/{feature['id']}")
        assert api.get(f"/api/ideas/{feature['id']}").get_json() == feature
    ids = [feature["id"] for feature in features]
    assert len(set(ids)) == 6 and count_pins(app) == 6
    assert _transactions(app, ids[1:]) == 1
    assert _transactions(app, ids) == 2
    assert api.get(f"/api/ideas/{ids[3]}").status_code == 404  # held, not public


def test_a_pin_alone_is_stored_by_its_own_request_at_once(app, api, monkeypatch):
    """No batch running: the request stores its pin itself, in its own thread, alone."""
    runner = GatedRunner()
    runner.gate.set()  # nothing held
    monkeypatch.setitem(app.extensions, pin_batches.EXTENSION, GroupCommit(runner, 64))
    created = api.post("/api/ideas", pin_feature(title="Alone"))
    assert created.status_code == 201
    assert runner.sizes == [1] and runner.threads == [threading.get_ident()]
    assert app.extensions[pin_batches.EXTENSION].waiting == 0
    assert api.get(f"/api/ideas/{created.get_json()['id']}").get_json() == created.get_json()


def test_with_the_database_down_a_batch_fails_once_and_every_pin_answers_503(make_app):
    broken = make_app(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none", WRITES_AT_ONCE=6)
    runner = GatedRunner()
    broken.extensions[pin_batches.EXTENSION] = GroupCommit(
        runner, 64, pin_batches.worth_retrying_alone
    )
    others = [pin_feature(PLACES[n]) for n in range(1, 6)]
    answers = _one_then_a_batch(broken, runner, pin_feature(PLACES[0]), others)
    assert runner.sizes == [1, 5]  # the batch of five was not retried pin by pin
    for response in answers:
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "database_unavailable"


def test_a_pin_on_a_connection_the_server_closed_is_stored_once_not_answered_503(app, api):
    """Batches are stored on the writes' pool, which does not ping: a connection PostgreSQL
    closed is found out by the insert, which runs again on a new one, and stores the pin once."""
    first = api.post("/api/ideas", pin_feature(PLACES[0], title="Before"))
    assert first.status_code == 201
    assert end_map_pool_backends(app, "write") == 1
    again = api.post("/api/ideas", pin_feature(PLACES[1], title="After"))
    assert again.status_code == 201
    assert again.get_json()["properties"]["title"] == "After"
    assert count_pins(app) == 2
    assert api.get(f"/api/ideas/{again.get_json()['id']}").get_json() == again.get_json()


def test_a_batch_is_one_statement_that_commits_itself(app, api, monkeypatch):
    """The batch's one statement on the pins stores them and builds their Features, on a
    connection in autocommit (no BEGIN, no COMMIT); no transaction is left open."""
    statements = recorded_statements(monkeypatch)
    created = api.post("/api/ideas", pin_feature(title="Committed"))
    assert created.status_code == 201
    on_pins = [(sql, autocommit) for sql, autocommit in statements if " ideas" in sql]
    assert [autocommit for _, autocommit in on_pins] == [True]
    assert "INSERT INTO ideas" in on_pins[0][0] and '"type":"Feature"' in on_pins[0][0]
    with app.app_context(), get_engine().connect() as conn:
        open_transactions = conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND application_name LIKE 'umecom-web%' AND xact_start IS NOT NULL"
                " AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
        title = conn.execute(
            text("SELECT title FROM ideas WHERE id = :id"), {"id": created.get_json()["id"]}
        ).scalar_one()
    assert open_transactions == 0
    assert title == "Committed"
