"""The hexagon layer at its default size: the rollups equal the pins grouped straight.

The map's pyramid keeps two rollups of hexagons of DEFAULT_HEX_SIZE (geo.pyramid.Rollup): one
split by kind, category, status and source, one of totals. Whatever the writes and folds, the
layer read from them must be the layer grouped from the published pins, and a write shows in
the very next response.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db import get_engine, get_session
from app.ideas.filters import IdeaFilters
from app.ideas.map_view import fold_map_log
from app.layers.params import DEFAULT_HEX_SIZE
from app.layers.queries import hexgrid_layer
from tests.conftest import CENTRE, HOLMSUND, pin_feature

FILTERS = [
    IdeaFilters(),
    IdeaFilters(kinds=("concern",)),
    IdeaFilters(categories=("traffic", "safety"), statuses=("new",)),
    IdeaFilters(sources=("web",)),
]


def _hexagons(app, filters, *, straight, size=DEFAULT_HEX_SIZE):
    with app.app_context():
        rows = get_session().execute(hexgrid_layer(filters, size=size, straight=straight))
        return sorted((row.id, row.count) for row in rows)


def _assert_paths_agree(app):
    compared = 0
    for filters in FILTERS:
        rolled = _hexagons(app, filters, straight=False)
        assert rolled == _hexagons(app, filters, straight=True), filters
        compared += len(rolled)
    assert compared > 0


def _sql(app, statement, **params):
    with app.app_context(), get_engine().begin() as conn:
        return conn.execute(text(statement), params)


def _fold(app):
    with app.app_context():
        return fold_map_log(get_session())


def _sql_of(app, filters, size=DEFAULT_HEX_SIZE):
    with app.app_context():
        return str(hexgrid_layer(filters, size=size).compile(get_engine()))


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["demo", "pins", "1500", "--seed", "23"])
    assert result.exit_code == 0, result.output
    _sql(app, "UPDATE ideas SET status = 'planned' WHERE id % 7 = 0")
    return app


def test_rollups_equal_the_straight_grouping_through_writes_and_folds(seeded, api):
    app = seeded
    _assert_paths_agree(app)  # demo pins folded, statuses changed since: rollups + log
    for lon_lat in (CENTRE, HOLMSUND, CENTRE):
        api.post("/api/ideas", pin_feature(lon_lat, kind="concern", category="traffic"))
    _sql(app, "UPDATE ideas SET visibility = 'hidden' WHERE id % 5 = 0")
    _sql(app, "UPDATE ideas SET category = 'safety' WHERE id % 11 = 0")
    _sql(app, "DELETE FROM ideas WHERE id % 17 = 0")
    _assert_paths_agree(app)
    assert _fold(app) > 0
    _assert_paths_agree(app)  # all in the rollups now
    _sql(app, "UPDATE ideas SET visibility = 'published' WHERE id % 10 = 0")
    _sql(app, "UPDATE ideas SET geom = ST_SetSRID(ST_MakePoint(20.3, 63.83), 4326) WHERE id < 40")
    _assert_paths_agree(app)
    _fold(app)
    _assert_paths_agree(app)
    for table in ("map_hexagons", "map_hexagon_totals"):
        assert _sql(app, f"SELECT count(*) FROM {table} WHERE n <= 0").scalar_one() == 0
        assert _sql(app, f"SELECT count(*) FROM {table}").scalar_one() > 0


def test_only_what_the_rollups_hold_is_read_from_them(app):
    assert "map_hexagon_totals" in _sql_of(app, IdeaFilters())
    split = _sql_of(app, IdeaFilters(kinds=("idea",), statuses=("new",)))
    assert "map_hexagons " in split and "map_hexagon_totals" not in split
    for filters, size in [
        (IdeaFilters(), DEFAULT_HEX_SIZE + 1),  # another size
        (IdeaFilters(bbox=(20.2, 63.8, 20.3, 63.85)), DEFAULT_HEX_SIZE),
        (IdeaFilters(districts=("1",)), DEFAULT_HEX_SIZE),
        (IdeaFilters(ids=(1, 2)), DEFAULT_HEX_SIZE),
    ]:
        assert "map_hexagon" not in _sql_of(app, filters, size), (filters, size)


def test_the_layer_shows_a_write_in_the_very_next_response(seeded, api, client):
    def total(**params):
        body = client.get("/api/layers/hexgrid", query_string=params).get_json()
        assert body["size"] == DEFAULT_HEX_SIZE
        return sum(feature["properties"]["count"] for feature in body["features"])

    before, concerns = total(), total(kind="concern")
    new_id = api.post("/api/ideas", pin_feature(CENTRE, kind="concern")).get_json()["id"]
    assert (total(), total(kind="concern")) == (before + 1, concerns + 1)
    _sql(seeded, "UPDATE ideas SET visibility = 'hidden' WHERE id = :id", id=new_id)
    assert (total(), total(kind="concern")) == (before, concerns)
    _fold(seeded)
    assert (total(), total(kind="concern")) == (before, concerns)
