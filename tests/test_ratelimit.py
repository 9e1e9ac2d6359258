"""Rate limits: per person (signed supporter id) first, with a generous ceiling per address.

Counters live in PostgreSQL (`rate_limits`), so they hold across workers; the two-worker
test is in tests/serving/test_gunicorn.py.
"""

import time
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask_limiter.util import get_qualified_name
from sqlalchemy import text

from app import ratelimit_storage
from app.db import get_engine
from app.extensions import limiter
from app.ratelimit import is_limited, planned_hits
from app.ratelimit_storage import AppDatabaseStorage, PlannedHit
from app.supporters import SUPPORTER_COOKIE
from tests.conftest import Api, count_pins, pin_feature


def test_too_many_pins_from_one_browser_get_429(make_app, app):
    limited = make_app(IDEA_CREATE_LIMIT="2 per minute")
    api = Api(limited.test_client())
    assert api.post("/api/ideas", pin_feature()).status_code == 201
    assert api.post("/api/ideas", pin_feature()).status_code == 201
    response = api.post("/api/ideas", pin_feature())
    assert response.status_code == 429
    assert response.get_json()["error"] == {
        "code": "rate_limited",
        "message": "För många förfrågningar. Vänta en stund och försök igen.",
        "field": None,
    }
    assert response.headers["Retry-After"]
    assert count_pins(app) == 2


def test_a_classroom_on_one_address_is_not_shut_out(make_app, app):
    """25 pupils, one school address: each browser has its own limit under the ceiling."""
    limited = make_app(IDEA_CREATE_LIMIT="1 per minute", IDEA_CREATE_ADDRESS_LIMIT="30 per minute")
    pupils = [Api(limited.test_client()) for _ in range(25)]
    assert [p.post("/api/ideas", pin_feature()).status_code for p in pupils] == [201] * 25
    assert [p.post("/api/ideas", pin_feature()).status_code for p in pupils[:3]] == [429] * 3
    assert count_pins(app) == 25


def test_the_address_ceiling_holds_whatever_the_cookies(make_app, app):
    limited = make_app(IDEA_CREATE_LIMIT="5 per minute", IDEA_CREATE_ADDRESS_LIMIT="4 per minute")
    statuses = [
        Api(limited.test_client()).post("/api/ideas", pin_feature()).status_code for _ in range(6)
    ]
    assert statuses == [201] * 4 + [429] * 2
    assert count_pins(app) == 4


def test_discarding_the_supporter_cookie_gains_nothing(make_app, app):
    """Clients without a valid supporter cookie share one newcomer's limit per address."""
    limited = make_app(IDEA_CREATE_LIMIT="2 per minute")
    statuses = []
    for _ in range(4):
        api = Api(limited.test_client())
        api.client.delete_cookie(SUPPORTER_COOKIE)
        statuses.append(api.post("/api/ideas", pin_feature()).status_code)
    assert statuses == [201, 201, 429, 429]


def test_behind_a_proxy_each_address_has_its_own_ceiling(make_app, app):
    limited = make_app(IDEA_CREATE_ADDRESS_LIMIT="1 per minute", PROXY_COUNT=1)
    first = {"X-Forwarded-For": "198.51.100.7"}
    second = {"X-Forwarded-For": "203.0.113.9"}
    assert (
        Api(limited.test_client()).post("/api/ideas", pin_feature(), headers=first).status_code
        == 201
    )
    assert (
        Api(limited.test_client()).post("/api/ideas", pin_feature(), headers=first).status_code
        == 429
    )
    assert (
        Api(limited.test_client()).post("/api/ideas", pin_feature(), headers=second).status_code
        == 201
    )


def test_an_ipv6_64_behind_a_proxy_shares_one_ceiling(make_app, app):
    """A security review posted 65 pins past a ceiling of 60 with one address a request."""
    limited = make_app(IDEA_CREATE_ADDRESS_LIMIT="2 per minute", PROXY_COUNT=1)
    statuses = [
        Api(limited.test_client())
        .post("/api/ideas", pin_feature(), headers={"X-Forwarded-For": address})
        .status_code
        for address in ("2001:db8:5::1", "2001:db8:5::2", "2001:db8:5:0:ff::3", "2001:db8:6::1")
    ]
    assert statuses == [201, 201, 429, 201]


def test_one_address_cannot_pile_supports_on_one_pin(make_app, app, api):
    """The hostile test added 361 supports to one pin in a minute from one address."""
    limited = make_app(SUPPORT_PIN_ADDRESS_LIMIT="3 per hour")
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    other_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    statuses = [
        Api(limited.test_client()).post(f"/api/ideas/{idea_id}/support").status_code
        for _ in range(5)
    ]
    assert statuses == [201, 201, 201, 429, 429]
    # Another pin from the same address is still open to the same network.
    assert Api(limited.test_client()).post(f"/api/ideas/{other_id}/support").status_code == 201
    # The page's support button shares the counters with the API's.
    page = Api(limited.test_client())
    response = page.client.post(f"/ideas/{idea_id}/support", data={"csrf_token": page.token})
    assert response.status_code == 429


def test_counters_are_rows_in_postgresql(make_app, app):
    limited = make_app(IDEA_CREATE_LIMIT="9 per minute")
    Api(limited.test_client()).post("/api/ideas", pin_feature())
    with app.app_context(), get_engine().connect() as conn:
        keys = conn.execute(text("SELECT key, hits FROM rate_limits")).all()
    assert any("person:" in key and hits == 1 for key, hits in keys)
    assert any("address:" in key for key, _ in keys)


def test_storage_counts_windows_and_sweeps_ended_ones(app):
    """The PostgreSQL storage itself: a window counts up, ends, starts again; sweeping is safe.

    Each step is a request of its own, as the limiter uses the storage (see the next test).
    """
    storage = AppDatabaseStorage("app-database://")

    def in_a_request(step: Callable[[], Any]) -> Any:
        with app.test_request_context():
            return step()

    assert in_a_request(storage.check)
    assert [in_a_request(lambda: storage.incr("k", 60)) for _ in range(3)] == [1, 2, 3]
    assert in_a_request(lambda: storage.get("k")) == 3
    assert in_a_request(lambda: storage.get_expiry("k")) > time.time() + 55
    in_a_request(lambda: storage.incr("short", 1))
    end_every_window(app)
    assert in_a_request(lambda: storage.get("k")) == 0
    assert in_a_request(lambda: storage.get_expiry("k")) <= time.time() + 1  # ended: now
    assert in_a_request(lambda: storage.incr("k", 60)) == 1  # an ended window starts again
    assert in_a_request(lambda: storage.get_expiry("k")) > time.time() + 55  # a minute from now
    assert in_a_request(lambda: storage.incr("k", 60, amount=4)) == 5
    in_a_request(storage.sweep)
    with app.app_context(), get_engine().connect() as conn:
        assert conn.execute(text("SELECT key FROM rate_limits")).scalars().all() == ["k"]
    in_a_request(lambda: storage.clear("k"))
    assert in_a_request(lambda: storage.get("k")) == 0
    in_a_request(lambda: storage.incr("a", 60))
    assert in_a_request(storage.reset) == 1


def test_a_request_reads_its_own_count_back_without_asking_again(app):
    """The headers' window is the one the request's hit returned, not a second read.

    Changed in the table behind the request's back, the counter still reads as the request
    counted it; the next request reads the table.
    """
    storage = AppDatabaseStorage("app-database://")
    with app.test_request_context():
        assert storage.incr("mine", 60) == 1
        counted_end = storage.get_expiry("mine")
        with get_engine().begin() as conn:
            conn.execute(text("UPDATE rate_limits SET hits = 7"))
        assert storage.get("mine") == 1
        assert storage.get_expiry("mine") == counted_end
        storage.clear("mine")
        assert storage.get("mine") == 0
    with app.test_request_context():
        assert storage.incr("mine", 60) == 1
        with get_engine().begin() as conn:
            conn.execute(text("UPDATE rate_limits SET hits = 7"))
    with app.test_request_context():
        assert storage.get("mine") == 7


def test_hits_counted_ahead_answer_once_and_forget_with_their_counter(app, monkeypatch):
    """The first hit of a plan counts the rest; each answers its own call once, and a counter
    cleared in between is counted again, not answered from before."""
    storage = AppDatabaseStorage("app-database://")
    plan = [PlannedHit("first", 60, 5), PlannedHit("second", 3600, 50)]
    monkeypatch.setattr(ratelimit_storage, "_planner", lambda: plan)
    sent = record_rate_limit_statements(monkeypatch)
    with app.test_request_context():
        assert storage.incr("first", 60) == 1
        assert storage.incr("second", 3600) == 1
        assert len(sent) == 1
        assert storage.incr("second", 3600) == 2  # a second call is a hit of its own
        assert len(sent) == 2
    with app.test_request_context():
        assert storage.incr("first", 60) == 2
        storage.clear("second")
        assert storage.incr("second", 3600) == 1
        assert len(sent) == 5  # the plan's statement, the DELETE, the second's own
    assert counters(app) == {"first": 2, "second": 1}


def test_the_headers_say_what_is_left_of_the_tightest_window(make_app, app):
    limited = make_app(
        IDEA_CREATE_LIMIT="5 per minute;50 per hour", IDEA_CREATE_ADDRESS_LIMIT="100 per minute"
    )
    api = Api(limited.test_client())
    responses = [api.post("/api/ideas", pin_feature()) for _ in range(6)]
    assert [r.status_code for r in responses] == [201] * 5 + [429]
    assert [r.headers["X-RateLimit-Limit"] for r in responses] == ["5"] * 6
    assert [r.headers["X-RateLimit-Remaining"] for r in responses] == ["4", "3", "2", "1", "0", "0"]
    resets = {int(r.headers["X-RateLimit-Reset"]) for r in responses}
    assert len(resets) == 1  # one window
    assert time.time() + 55 < resets.pop() <= time.time() + 61
    assert 55 <= int(responses[-1].headers["Retry-After"]) <= 60


def test_a_new_pin_counts_its_four_windows_in_one_statement(make_app, app, monkeypatch):
    """Its person's and its address's limits, per minute and per hour: one statement for all.

    And no read for the headers: each of those was a round trip to PostgreSQL.
    """
    limited = make_app(
        IDEA_CREATE_LIMIT="5 per minute;50 per hour",
        IDEA_CREATE_ADDRESS_LIMIT="100 per minute;1000 per hour",
    )
    api = Api(limited.test_client())
    sent = record_rate_limit_statements(monkeypatch)
    assert api.post("/api/ideas", pin_feature()).status_code == 201
    assert sent == ["WITH hit_0 AS"]
    assert sorted(counters(app).values()) == [1, 1, 1, 1]


def test_the_plan_is_what_flask_limiter_asks_for_in_its_order(make_app, app, api, monkeypatch):
    """`planned_hits` rebuilds Flask-Limiter's keys and order: were they to differ (a new
    version of it), every hit would still count, one statement each, and this would fail."""
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    limited = make_app()
    asked: list[list[tuple[str, int]]] = []
    planned: list[list[tuple[str, int]]] = []
    incr = AppDatabaseStorage.incr

    def one_at_a_time(storage: AppDatabaseStorage, key: str, expiry: int, amount: int = 1) -> int:
        if not asked[-1]:
            planned.append([(hit.key, hit.expiry) for hit in planned_hits()])
        asked[-1].append((key, expiry))
        return incr(storage, key, expiry, amount)

    monkeypatch.setattr(ratelimit_storage, "_planner", tuple)  # nothing counted ahead
    monkeypatch.setattr(AppDatabaseStorage, "incr", one_at_a_time)
    client = Api(limited.test_client())
    for path, body in (
        ("/api/ideas", pin_feature()),
        (f"/api/ideas/{idea_id}/support", None),
        (f"/api/ideas/{idea_id}/flag", {"reason": "spam"}),
    ):
        asked.append([])
        assert client.post(path, body).status_code == 201, path
    assert planned == asked
    assert [len(hits) for hits in planned] == [4, 5, 4]  # the support's per-pin limit too


def test_the_count_stops_at_the_first_limit_it_is_over(make_app, app):
    """As Flask-Limiter counts one at a time: a pupil refused by their own limit uses up none
    of the school's address windows, which are counted after it."""
    limited = make_app(
        IDEA_CREATE_LIMIT="1 per minute", IDEA_CREATE_ADDRESS_LIMIT="100 per minute;1000 per hour"
    )
    pupil = Api(limited.test_client())
    assert [pupil.post("/api/ideas", pin_feature()).status_code for _ in range(3)] == [
        201,
        429,
        429,
    ]
    by_window = {
        key.rsplit("/", 3)[-3:][0] + " " + key.rsplit("/", 1)[-1]: hits
        for key, hits in counters(app).items()
    }
    assert by_window == {"1 minute": 3, "100 minute": 1, "1000 hour": 1}


def test_every_view_with_limits_is_one_the_filter_lets_through(app):
    """`has_no_limits` leaves alone any view not marked as limited, so a view limited some
    other way (`limiter.limit` on its own) would never count: every one is marked."""
    with app.app_context():
        limited = {
            endpoint
            for endpoint, view in app.view_functions.items()
            if limiter.limit_manager.decorated_limits(get_qualified_name(view))
        }
        marked = {endpoint for endpoint, view in app.view_functions.items() if is_limited(view)}
    assert limited == marked
    assert {"api.create_idea", "api.support_idea", "planner.login"} <= limited


def counters(app: Flask) -> dict[str, int]:
    """Every counter's hits by key."""
    with app.app_context(), get_engine().connect() as conn:
        return dict(conn.execute(text("SELECT key, hits FROM rate_limits")).tuples().all())


def end_every_window(app: Flask) -> None:
    """Every counter's window ended a second ago."""
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(text("UPDATE rate_limits SET expires_at = now() - interval '1 s'"))


def record_rate_limit_statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The statements about rate limits sent to PostgreSQL from now on, by their first words.

    Read from psycopg's own cursors, below SQLAlchemy, so statements the app hands the driver
    directly count as well. The storage's housekeeping sweep (a DELETE on one hit in 500, at
    random) is off meanwhile: a count of statements with it in would fail now and then.
    """
    monkeypatch.setattr(ratelimit_storage, "SWEEP_CHANCE", 0)
    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def recording(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sql = query if isinstance(query, str) else str(query)
        if "rate_limits" in sql:
            sent.append(" ".join(sql.split()[:3]))
        return execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recording)
    return sent


def test_a_long_wait_is_said_in_minutes(app):
    """'Wait a moment' left a room retrying for the 44 minutes left of an hour's window."""
    from app.errors import rate_limit_message

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert rate_limit_message(30) == "Too many requests. Please wait a moment and try again."
        assert rate_limit_message(2654) == (
            "Too many requests from this network. Please try again in 45 minutes."
        )
    with app.test_request_context():
        assert rate_limit_message(61 * 60 + 1) == (
            "För många förfrågningar från det här nätverket. Försök igen om 62 minuter."
        )
