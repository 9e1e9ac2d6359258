"""A bbox is a closed box, exact to the coordinate, wherever one is taken: the pins API, OGC
items, exports and the citizen map's listed pins.

PostGIS's `&&` compares boxes rounded outwards to float4 (about 0.4 m in latitude here), so
pins a fraction of a metre outside a bbox passed it; GDAL (`-spat`) then disagreed with
`numberMatched`. Pins on an edge or a corner are inside.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db import get_engine
from tests.pins import add_pins

BBOX = (20.25, 63.82, 20.27, 63.83)
BBOX_ARG = ",".join(map(str, BBOX))
ON_EDGE = [
    (20.26, 63.83),
    (20.26, 63.82),
    (20.25, 63.825),
    (20.27, 63.825),
    (20.25, 63.82),
    (20.27, 63.83),
    (20.26, 63.825),  # well inside
]
# Within float4 rounding of the edges: each passes `&&` (checked below), none is inside.
JUST_OUTSIDE = [
    (20.26, 63.830001),
    (20.26, 63.830003),
    (20.26, 63.830005),
    (20.26, 63.819999),
    (20.270001, 63.825),
    (20.249999, 63.825),
    (20.270001, 63.830001),
]


@pytest.fixture
def edge_pins(app):
    """(ids on the edges or inside, ids just outside), stored through the app's own path."""
    inside = add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in ON_EDGE])
    outside = add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in JUST_OUTSIDE])
    with app.app_context(), get_engine().connect() as conn:
        overlapping = conn.execute(
            text(
                "SELECT id FROM ideas WHERE id = ANY(:ids)"
                " AND geom && ST_MakeEnvelope(:a, :b, :c, :d, 4326)"
            ),
            {"ids": outside, "a": BBOX[0], "b": BBOX[1], "c": BBOX[2], "d": BBOX[3]},
        ).scalars()
        # What made the old filter wrong: PostGIS's box test alone lets these through.
        assert sorted(overlapping) == sorted(outside)
    return sorted(inside), sorted(outside)


def _ids(body):
    return sorted(f["id"] for f in body["features"])


def test_pins_api(client, edge_pins):
    inside, _outside = edge_pins
    body = client.get(f"/api/ideas?bbox={BBOX_ARG}&limit=1000").get_json()
    assert _ids(body) == inside


def test_ogc_items_and_their_count(client, edge_pins):
    inside, _outside = edge_pins
    body = client.get(f"/ogc/collections/ideas/items?bbox={BBOX_ARG}&limit=1000").get_json()
    assert _ids(body) == inside
    assert body["numberMatched"] == body["numberReturned"] == len(inside)


@pytest.mark.parametrize("query", ["", "&kind=idea"])
def test_exports(client, edge_pins, query):
    inside, _outside = edge_pins
    body = client.get(f"/api/export/ideas.geojson?bbox={BBOX_ARG}{query}").get_json()
    assert _ids(body) == inside
    csv_rows = client.get(f"/api/export/ideas.csv?bbox={BBOX_ARG}{query}").get_data(as_text=True)
    assert len(csv_rows.strip().splitlines()) == 1 + len(inside)


@pytest.mark.parametrize("zoom", [14, 17, 20])
@pytest.mark.parametrize(
    "query",
    [
        "",  # the pyramid's statement, built once
        "&kind=idea",  # the same, with a dimension bound
        "&kind=idea&category=parks-nature&status=new&source=web",  # sought by the map key
        "&since=2000-01-01",  # counted straight from the pins
    ],
)
def test_map_lists_the_pins_in_view(client, edge_pins, zoom, query):
    inside, _outside = edge_pins
    response = client.get(f"/api/map/clusters?bbox={BBOX_ARG}&zoom={zoom}{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["clustered"] is False
    assert _ids(body) == inside


@pytest.mark.parametrize(
    ("bbox", "expected"),
    [
        ((20.26, 63.825, 20.26, 63.825), [(20.26, 63.825)]),  # a point
        ((20.25, 63.825, 20.27, 63.825), [(20.25, 63.825), (20.27, 63.825), (20.26, 63.825)]),
        ((20.26, 63.82, 20.26, 63.83), [(20.26, 63.83), (20.26, 63.82), (20.26, 63.825)]),
    ],
)
def test_a_flat_bbox_holds_what_lies_on_it(app, client, edge_pins, bbox, expected):
    """A bbox of no area is the point or the line it is (not an empty polygon)."""
    inside, _outside = edge_pins
    by_place = dict(zip(ON_EDGE, inside, strict=True))
    wanted = sorted(by_place[place] for place in expected)
    arg = ",".join(map(str, bbox))
    assert _ids(client.get(f"/api/ideas?bbox={arg}").get_json()) == wanted
    assert _ids(client.get(f"/ogc/collections/ideas/items?bbox={arg}").get_json()) == wanted
    # A layer keeps the features that meet it: the district the point lies in.
    districts = client.get(f"/ogc/collections/districts/items?bbox={arg}").get_json()
    assert districts["numberMatched"] >= 1
