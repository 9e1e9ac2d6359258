"""The planners' bench cases tell a refusal by design (a 4xx) from a failure, and count bytes."""

from __future__ import annotations

import pytest

from bench.planners import Refused, revalidated_get, streamed_get
from tests.pins import add_pins, random_points

CITY = (20.20, 63.80, 20.34, 63.86)  # central Umeå


def test_a_refused_layer_names_its_status_and_code(app, client, monkeypatch):
    """As at a million pins, where DBSCAN with min_points 1 would make one cluster a pin."""
    from app.layers import queries

    monkeypatch.setattr(queries, "MAX_CLUSTERS", 20)
    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(60, seed=6, box=CITY)])
    with pytest.raises(Refused, match=r"^refused: HTTP 422 \(too_much_work\)$"):
        streamed_get(client, "/api/layers/clusters?eps=10&min_points=1")()


def test_a_refused_page_names_its_status(client):
    """An HTML page's refusal has no API error code to name."""
    with pytest.raises(Refused, match=r"^refused: HTTP 401$"):
        streamed_get(client, "/planner/report")()


def test_an_answered_case_counts_every_byte_streamed(app, client):
    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(30, seed=7, box=CITY)])
    whole = client.get("/api/layers/districts").get_data()
    assert len(whole) > 1000
    assert streamed_get(client, "/api/layers/districts")() == len(whole)


def test_a_revalidated_case_is_a_304_until_a_pin_changes(app, client):
    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(30, seed=8, box=CITY)])
    again = revalidated_get(client, "/api/layers/hexgrid")
    assert again() == 0 and again() == 0
    add_pins(app, [{"lon": 20.26, "lat": 63.825}])
    with pytest.raises(RuntimeError, match=r"^HTTP 200, not 304$"):
        again()
