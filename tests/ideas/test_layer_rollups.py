"""The layers read from rollups equal the same layers counted from the pins.

The map's pyramid keeps rollups (geo.pyramid.Rollup) for the hexagon layer at its default size
(split by kind, category, status and source together, by each alone, and as totals) and for
the district layer.
Whatever the writes and folds, a layer read from them must be the layer counted from the
published pins, and a write shows in the very next response.
"""

from __future__ import annotations

from app.db import get_engine, get_session
from app.ideas.counts import PYRAMID
from app.ideas.filters import IdeaFilters
from app.layers.params import DEFAULT_HEX_SIZE
from app.layers.queries import district_layer, hexgrid_layer
from tests.conftest import CENTRE, pin_feature
from tests.ideas.conftest import churn, fold, run_sql

FILTERS = [
    IdeaFilters(),
    IdeaFilters(kinds=("concern",)),
    IdeaFilters(categories=("traffic", "safety")),
    IdeaFilters(statuses=("new", "planned")),
    IdeaFilters(categories=("traffic", "safety"), statuses=("new",)),
    IdeaFilters(sources=("web",)),
]


def _hexagons(app, filters, *, straight, size=DEFAULT_HEX_SIZE):
    with app.app_context():
        rows = get_session().execute(hexgrid_layer(filters, size=size, straight=straight))
        return sorted((row.id, row.count, bytes(row.geom.data)) for row in rows)


def _districts(app, filters, *, straight):
    with app.app_context():
        rows = get_session().execute(district_layer(filters, straight=straight)).mappings()
        return sorted(
            (row["code"], row["count"], row["by_kind"], row["by_category"], row["share"])
            for row in rows
        )


def _assert_paths_agree(app):
    compared = 0
    for filters in FILTERS:
        rolled = _hexagons(app, filters, straight=False)
        assert rolled == _hexagons(app, filters, straight=True), filters
        districts = _districts(app, filters, straight=False)
        assert districts == _districts(app, filters, straight=True), filters
        compared += len(rolled) + sum(row[1] for row in districts)
    assert compared > 0


def _sql_of(app, filters, size=DEFAULT_HEX_SIZE):
    with app.app_context():
        return str(hexgrid_layer(filters, size=size).compile(get_engine()))


def test_rollups_equal_the_straight_grouping_through_writes_and_folds(seeded, api):
    app = seeded
    churn(app, api, _assert_paths_agree)
    for table in [rollup.table.name for rollup in PYRAMID.rollups]:
        assert run_sql(app, f"SELECT count(*) FROM {table} WHERE n <= 0").scalar_one() == 0
        assert run_sql(app, f"SELECT count(*) FROM {table}").scalar_one() > 0


def test_only_what_the_rollups_hold_is_read_from_them(app):
    def district_sql(filters):
        with app.app_context():
            return str(district_layer(filters).compile(get_engine()))

    assert "map_districts" in district_sql(IdeaFilters(kinds=("idea",)))
    for filters in (IdeaFilters(bbox=(20.2, 63.8, 20.3, 63.85)), IdeaFilters(districts=("1",))):
        assert "map_districts" not in district_sql(filters)
    assert "FROM map_hexagon_totals UNION ALL" in _sql_of(app, IdeaFilters())
    split = _sql_of(app, IdeaFilters(kinds=("idea",), statuses=("new",)))
    assert "FROM map_hexagons " in split and "FROM map_hexagon_totals" not in split
    for name, filters in [  # one dimension alone: the table split by that one
        ("kind", IdeaFilters(kinds=("idea", "concern"))),
        ("category", IdeaFilters(categories=("traffic",))),
        ("status", IdeaFilters(statuses=("done",))),
        ("source", IdeaFilters(sources=("web",))),
    ]:
        one = _sql_of(app, filters)
        assert f"FROM map_hexagons_by_{name} " in one and "FROM map_hexagons " not in one
    for filters in (IdeaFilters(), IdeaFilters(kinds=("idea",))):  # the outlines stored
        assert "JOIN map_hexagon_totals AS outlines" in _sql_of(app, filters)
    for filters, size in [
        (IdeaFilters(), DEFAULT_HEX_SIZE + 1),  # another size
        (IdeaFilters(bbox=(20.2, 63.8, 20.3, 63.85)), DEFAULT_HEX_SIZE),
        (IdeaFilters(districts=("1",)), DEFAULT_HEX_SIZE),
        (IdeaFilters(ids=(1, 2)), DEFAULT_HEX_SIZE),
    ]:
        assert "map_hexagon" not in _sql_of(app, filters, size), (filters, size)


def test_the_district_layer_shows_a_write_in_the_very_next_response(seeded, api, client):
    def counts():
        body = client.get("/api/layers/districts").get_json()
        return {f["properties"]["name"]: f["properties"]["count"] for f in body["features"]}

    before = counts()
    created = api.post("/api/ideas", pin_feature(CENTRE)).get_json()
    after = counts()
    grown = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    assert grown == {created["properties"]["district"]: 1}


def test_the_layer_shows_a_write_in_the_very_next_response(seeded, api, client):
    def total(**params):
        body = client.get("/api/layers/hexgrid", query_string=params).get_json()
        assert body["size"] == DEFAULT_HEX_SIZE
        return sum(feature["properties"]["count"] for feature in body["features"])

    before, concerns = total(), total(kind="concern")
    new_id = api.post("/api/ideas", pin_feature(CENTRE, kind="concern")).get_json()["id"]
    assert (total(), total(kind="concern")) == (before + 1, concerns + 1)
    run_sql(seeded, "UPDATE ideas SET visibility = 'hidden' WHERE id = :id", id=new_id)
    assert (total(), total(kind="concern")) == (before, concerns)
    fold(seeded)
    assert (total(), total(kind="concern")) == (before, concerns)
