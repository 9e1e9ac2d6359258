"""Map views take their turns (app.map_gates): a full gate answers 503, and only its own views."""

import pytest

from app.map_gates import EXTENSION
from tests.conftest import CENTRE, assert_busy, pin_feature

VIEW = "/api/map/clusters?bbox=20.2,63.8,20.3,63.85&zoom=14"
STRAIGHT = VIEW + "&since=2026-01-01"  # a date: counted from the pins, not the pyramid
BUSY_SV = "Kartan har fler vyer att rita än den hinner just nu. Försök igen."
BUSY_EN = "The map has more views to draw than it can just now. Please try again."


@pytest.fixture
def gated(make_app):
    """An app with one place a gate that waits 0.1 s, and its gates."""
    gated = make_app(MAP_VIEWS_AT_ONCE=1, MAP_STRAIGHT_VIEWS_AT_ONCE=1, MAP_VIEW_WAIT_S=0.1)
    return gated, gated.extensions[EXTENSION]


def test_a_view_that_waits_too_long_for_its_turn_answers_503_busy(gated):
    app, gates = gated
    client = app.test_client()
    assert gates.kept.enter(0)  # every place taken, as by a view of another request
    try:
        assert_busy(client.get(VIEW), BUSY_SV)
        assert_busy(client.get(VIEW, headers={"Accept-Language": "en"}), BUSY_EN)
    finally:
        gates.kept.leave()
    assert gates.kept.waiting == 0
    assert client.get(VIEW).status_code == 200


def test_views_counted_straight_wait_for_each_other_not_for_the_map(gated, api):
    app, gates = gated
    api.post("/api/ideas", pin_feature(CENTRE))
    client = app.test_client()
    assert gates.straight.enter(0)
    try:
        assert client.get(VIEW).get_json()["numberReturned"] == 1
        assert_busy(client.get(STRAIGHT), BUSY_SV)
    finally:
        gates.straight.leave()
    assert client.get(STRAIGHT).get_json()["numberReturned"] == 1
    assert gates.kept.enter(0)
    try:
        assert client.get(STRAIGHT).status_code == 200
    finally:
        gates.kept.leave()


def test_an_unchanged_view_is_a_304_without_waiting_its_turn(gated):
    app, gates = gated
    client = app.test_client()
    first = client.get(VIEW)
    assert gates.kept.enter(0)
    try:
        again = client.get(VIEW, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        assert_busy(client.get(VIEW, headers={"If-None-Match": '"stale"'}), BUSY_SV)
    finally:
        gates.kept.leave()
