"""geo/ helpers of the layers, exports and report, against PostGIS and pyproj."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pyproj import Transformer
from sqlalchemy import BigInteger, func, literal, select, text

from app.db import get_session
from geo.aggregate import hexagon_cells_bound, metric_extent, smallest_hexagon_size
from geo.geojson import feature_select, millionths_text
from geo.grid import mean_micro_degrees
from geo.report import PALETTE, class_breaks, colour_for

UMEA = (19.681, 63.391, 21.075, 64.394)


@pytest.mark.parametrize(
    ("whole", "written"),
    [
        (20_104_980, "20.10498"),
        (20_000_000, "20"),
        (-1_234_567, "-1.234567"),
        (-500, "-0.0005"),
        (0, "0"),
        (179_999_999, "179.999999"),
    ],
)
def test_millionths_are_written_as_decimals(app, whole, written):
    with app.app_context():
        text_of = get_session().execute(select(millionths_text(literal(whole, BigInteger))))
        assert text_of.scalar_one() == written


def test_millionths_text_is_the_exact_decimal(app):
    """Every whole number of micro-degrees reads back as itself, to JSON and to PostgreSQL."""
    whole = func.floor(func.random() * 360_000_001 - 180_000_000).cast(BigInteger)
    numbers = select(whole.label("whole")).select_from(func.generate_series(1, 20_000)).subquery()
    written = select(numbers.c.whole, millionths_text(numbers.c.whole))
    with app.app_context():
        rows = get_session().execute(written).all()
    assert len(rows) == 20_000
    for whole_number, text_written in rows:
        assert Decimal(text_written) == Decimal(whole_number).scaleb(-6), text_written
        assert json.loads(text_written) == float(Decimal(whole_number).scaleb(-6))


@pytest.mark.parametrize(
    ("total", "n", "mean"),
    [(3, 2, 2), (-3, 2, -2), (5, 4, 1), (-5, 4, -1), (-1, 4, 0), (-2, 4, -1), (2, 4, 1), (0, 3, 0)],
)
def test_a_mean_is_rounded_half_away_from_zero(app, total, n, mean):
    with app.app_context():
        rounded = get_session().execute(
            select(mean_micro_degrees(literal(total, BigInteger), literal(n, BigInteger)))
        )
        assert rounded.scalar_one() == mean


def test_the_id_is_also_a_property_when_asked(app):
    rows = select(
        literal(7).label("id"),
        func.ST_SetSRID(func.ST_MakePoint(20.1234567, 63.8), 4326).label("geom"),
        literal('He said "hi" \\ then: åäö').label("title"),
        literal(None).label("answer"),
    )
    with app.app_context():
        session = get_session()
        ((with_id, key),) = session.execute(feature_select(rows, id_property=True)).all()
        ((without, _key),) = session.execute(feature_select(rows)).all()
    with_id, without = json.loads(with_id), json.loads(without)
    assert key == 7 and with_id["id"] == 7 and with_id["properties"]["id"] == 7
    assert with_id["geometry"] == {"type": "Point", "coordinates": [20.123457, 63.8]}
    assert with_id["properties"] == {"id": 7, "title": 'He said "hi" \\ then: åäö', "answer": None}
    with_id["properties"].pop("id")
    assert with_id == without


@pytest.mark.parametrize(("box", "size"), [((20.1, 63.7, 20.4, 63.9), 250), (UMEA, 2000)])
def test_the_cell_bound_is_never_below_postgis_grid(app, box, size):
    width, height = metric_extent(box)
    sql = text(
        "SELECT count(*) FROM ST_HexagonGrid(:size, "
        "ST_Transform(ST_MakeEnvelope(:a, :b, :c, :d, 4326), 3006))"
    )
    with app.app_context():
        cells = (
            get_session()
            .execute(sql, {"size": size, "a": box[0], "b": box[1], "c": box[2], "d": box[3]})
            .scalar_one()
        )
    assert cells <= hexagon_cells_bound(width, height, size) <= cells * 1.3


def test_metric_extent_covers_the_true_one():
    to_sweref = Transformer.from_crs(4326, 3006, always_xy=True)
    xs, ys = to_sweref.transform(
        [UMEA[0], UMEA[2], UMEA[0], UMEA[2]], [UMEA[1], UMEA[1], UMEA[3], UMEA[3]]
    )
    width, height = metric_extent(UMEA)
    assert max(xs) - min(xs) <= width <= (max(xs) - min(xs)) * 1.05
    assert max(ys) - min(ys) <= height <= (max(ys) - min(ys)) * 1.05


@pytest.mark.parametrize("cells", [10, 1000, 100_000])
def test_smallest_size_is_the_smallest(cells):
    width, height = metric_extent(UMEA)
    size = smallest_hexagon_size(width, height, cells)
    assert hexagon_cells_bound(width, height, size) <= cells
    assert hexagon_cells_bound(width, height, size - 1) > cells


def test_class_breaks_and_colours():
    assert class_breaks([0, 0]) == []
    assert class_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == [2, 4, 6, 8, 10]
    assert class_breaks([5, 5, 5]) == [5]
    breaks = class_breaks([1, 2, 3, 4, 100])
    assert colour_for(0, breaks) == colour_for(None, breaks) != PALETTE[0]
    assert colour_for(100, breaks) == PALETTE[-1]
    assert colour_for(1, breaks) == PALETTE[0]
    assert colour_for(5, [5]) == PALETTE[-1]  # one class takes the darkest colour
