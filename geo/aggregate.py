"""Aggregating points into areas: counts per polygon (districts) and a hexagon grid.

Both take any selectable of points, so the same code serves every set of filters. Metric work
(hexagon sizes) happens in SWEREF 99 TM (EPSG:3006); results come back in WGS 84.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    Numeric,
    Select,
    Text,
    case,
    func,
    select,
)

from geo.cluster import once_per_row
from geo.crs import SWEREF99TM, WGS84

SQRT3 = math.sqrt(3)
# Metres per degree, rounded up (meridian arc ~111.7 km at the pole; equator 111.32 km), and
# SWEREF 99 TM's largest scale factor inside Sweden: a metric extent from degrees that is never
# smaller than the true one.
METRES_PER_DEGREE = 111_700.0
TM_SCALE_MARGIN = 1.01
SWEREF99TM_MERIDIAN = 15.0  # its central meridian, degrees east


def counts_per_polygon(
    rows: Select[Any],
    polygons: FromClause,
    *,
    key_column: str,
    breakdown: Sequence[str] = (),
    population_column: str | None = None,
    polygon_id_column: str = "id",
    weight_column: str | None = None,
) -> Select[Any]:
    """Every polygon of `polygons` with how many rows of `rows` belong to it.

    Each row names its polygon in `key_column` (looked up once, when the point was stored;
    see geo/lookup.py), so counting is a grouping, not a spatial join per request. With
    `weight_column`, each row stands for that many points (rows already counted). The
    result has every column of `polygons`, then `count` (0 for an empty polygon), `by_<column>`
    ({value: count}) for each `breakdown` column, `share` (of all rows, including those in no
    polygon; 0 when there are none) and, with `population_column`, `per_1000` (NULL where the
    population is unknown or 0).
    """
    points = rows.subquery("points")
    # One pass over the points, grouped by polygon and every breakdown column; the rest is
    # arithmetic over those few groups.
    groups = (
        select(
            points.c[key_column].label("key"),
            *(points.c[name] for name in breakdown),
            (func.count() if weight_column is None else func.sum(points.c[weight_column])).label(
                "n"
            ),
        )
        .group_by(points.c[key_column], *(points.c[name] for name in breakdown))
        .cte("groups")
    )
    totals = select(groups.c.key, func.sum(groups.c.n).label("n")).group_by(groups.c.key).subquery()
    everything = select(func.coalesce(func.sum(groups.c.n), 0)).scalar_subquery()
    count = func.coalesce(totals.c.n, 0)
    stmt = (
        select(polygons, count.cast(Integer).label("count"))
        .select_from(polygons)
        .outerjoin(totals, totals.c.key == polygons.c[polygon_id_column])
    )
    for name in breakdown:
        tally = value_counts(groups, name, key="key", weight="n").subquery(f"by_{name}")
        stmt = stmt.add_columns(
            func.coalesce(tally.c.counts, func.json_build_object()).label(f"by_{name}")
        ).outerjoin(tally, tally.c.label == polygons.c[polygon_id_column])
    share = func.round(count.cast(Numeric) / func.nullif(everything, 0), 4)
    stmt = stmt.add_columns(func.coalesce(share, 0).label("share"))
    if population_column is not None:
        population = func.nullif(polygons.c[population_column], 0)
        per_1000 = func.round(count.cast(Numeric) * 1000 / population, 2)
        stmt = stmt.add_columns(per_1000.label("per_1000"))
    return stmt


def hexagon_counts(
    rows: Select[Any],
    *,
    size: float,
    geom_column: str = "geom",
) -> Select[Any]:
    """The hexagons of `ST_HexagonGrid(size, …)` in SWEREF 99 TM that hold points, with `count`.

    `size` is the hexagon's edge (= circumradius) in metres; columns `id` ("i_j", the cell's
    column and row in PostGIS's grid), `i`, `j`, `geom` (WGS 84) and `count`. A point's cell is
    found by arithmetic on its coordinates (`hexagon_of`), so the cost grows with the points,
    never with the empty cells of the extent.
    """
    points = rows.subquery("points")
    metric = func.ST_Transform(points.c[geom_column], SWEREF99TM)
    projected = once_per_row(
        select(func.ST_X(metric).label("x"), func.ST_Y(metric).label("y")), "projected"
    )
    i, j = hexagon_of(projected.c.x, projected.c.y, size)
    cells = select(i.label("i"), j.label("j")).subquery("cells")
    counted = (
        select(cells.c.i, cells.c.j, func.count().label("count"))
        .group_by(cells.c.i, cells.c.j)
        .subquery("counted")
    )
    return hexagons(counted, size=size, geom_column=geom_column)


def hexagon_of(x: Any, y: Any, size: float) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """SQL: the column and row (i, j) of the hexagon of edge `size` holding SWEREF 99 TM (x, y).

    PostGIS's cell (i, j) is centred at (1.5·size·i, h·j + h/2 if i is odd), h = √3·size: the
    even columns form one rectangular lattice of centres, the odd columns another. A point
    lies in the hexagon of the nearer of its nearest centres in the two lattices. `x` and `y`
    appear several times: pass columns, not expressions to compute (see `once_per_row`).
    """
    step_x, step_y = 3.0 * size, SQRT3 * size  # between centres of the same lattice
    even_a, even_b = func.round(x / step_x), func.round(y / step_y)
    odd_a = func.round((x - step_x / 2) / step_x)
    odd_b = func.round((y - step_y / 2) / step_y)
    even_distance = _squared(x - even_a * step_x, y - even_b * step_y)
    odd_distance = _squared(x - odd_a * step_x - step_x / 2, y - odd_b * step_y - step_y / 2)
    in_even = even_distance <= odd_distance
    return (
        case((in_even, even_a * 2), else_=odd_a * 2 + 1).cast(Integer),
        case((in_even, even_b), else_=odd_b).cast(Integer),
    )


def hexagons(
    counted: FromClause,
    *,
    size: float,
    geom_column: str = "geom",
    outlines: FromClause | None = None,
) -> Select[Any]:
    """Hexagon features of a grouping with columns `i`, `j` and `count`.

    Each cell's polygon is `hexagon_outline`: the same cell `ST_HexagonGrid` yields for (i, j),
    in WGS 84. `outlines`, a table of cells of this size already drawn (columns `i`, `j`,
    `outline`), gives those it holds; the others are drawn.
    """
    outline = hexagon_outline(size, counted.c.i, counted.c.j)
    cells: FromClause = counted
    if outlines is not None:
        stored = outlines.alias("outlines")
        cells = counted.outerjoin(stored, (stored.c.i == counted.c.i) & (stored.c.j == counted.c.j))
        outline = func.coalesce(stored.c.outline, outline)  # COALESCE draws only when it must
    return select(
        func.concat(counted.c.i, "_", counted.c.j).label("id"),
        counted.c.i,
        counted.c.j,
        outline.label(geom_column),
        counted.c.count.cast(Integer).label("count"),
    ).select_from(cells)


def hexagon_outline(size: float, i: Any, j: Any) -> Any:
    """SQL: the polygon in WGS 84 of cell (i, j) of `ST_HexagonGrid(size, …)` in SWEREF 99 TM."""
    origin = func.ST_SetSRID(func.ST_MakePoint(0, 0), SWEREF99TM)
    return func.ST_Transform(func.ST_Hexagon(size, i, j, origin), WGS84)


def _squared(dx: Any, dy: Any) -> Any:
    """dx² + dy² in SQL."""
    return dx * dx + dy * dy


def metric_extent(bbox: tuple[float, float, float, float]) -> tuple[float, float]:
    """Width and height in metres of a lon/lat box's extent in SWEREF 99 TM, never smaller.

    A degree of longitude is measured at the latitude nearest the equator, where it is
    widest; the box then turns by the meridian convergence (up to (lon - 15°) · sin(lat)),
    which widens its extent in the grid.
    """
    min_lon, min_lat, max_lon, max_lat = bbox
    widest = min(abs(min_lat), abs(max_lat)) if min_lat * max_lat > 0 else 0.0
    width = (max_lon - min_lon) * METRES_PER_DEGREE * math.cos(math.radians(widest))
    height = (max_lat - min_lat) * METRES_PER_DEGREE
    off_meridian = max(abs(min_lon - SWEREF99TM_MERIDIAN), abs(max_lon - SWEREF99TM_MERIDIAN))
    steepest = max(abs(min_lat), abs(max_lat))
    turn = math.radians(off_meridian) * math.sin(math.radians(steepest))
    cos, sin = math.cos(turn), math.sin(abs(turn))
    return (
        (width * cos + height * sin) * TM_SCALE_MARGIN,
        (height * cos + width * sin) * TM_SCALE_MARGIN,
    )


def hexagon_cells_bound(width: float, height: float, size: float) -> int:
    """At most how many hexagons of edge `size` can meet a `width` x `height` metre rectangle."""
    columns = math.floor(width / (1.5 * size)) + 2
    rows = math.floor(height / (SQRT3 * size)) + 2
    return columns * rows


def smallest_hexagon_size(width: float, height: float, max_cells: int) -> int:
    """The smallest whole-metre edge whose grid over the rectangle stays within `max_cells`."""
    # From the area alone (each hexagon covers 1.5 * sqrt(3) * size^2), then up to the bound.
    size = max(1, math.floor(math.sqrt(width * height / (1.5 * SQRT3 * max_cells))))
    while hexagon_cells_bound(width, height, size) > max_cells:
        size += 1
    return size


def value_counts(source: FromClause, column: str, *, key: str, weight: str) -> Select[Any]:
    """Per `key` (as `label`), `counts`: a JSON object {value of `column`: the sum of `weight`}.

    The rows of `source` are pre-counted groups; a NULL value is counted under "".
    """
    tally = (
        select(
            source.c[key].label("label"),
            source.c[column].label("value"),
            func.sum(source.c[weight]).label("n"),
        )
        .group_by(source.c[key], source.c[column])
        .subquery("tally")
    )
    counts = func.json_object_agg(func.coalesce(tally.c.value.cast(Text), ""), tally.c.n)
    return select(tally.c.label, counts.label("counts")).group_by(tally.c.label)
