"""The map-view grid: screen-sized cells per zoom, and the clusters a view shows.

The grid is laid in Web Mercator, the projection the map is drawn in, so a cell is the same
number of screen pixels wherever it is, and it is aligned the same way for every view: two
neighbouring views share their cells, and a cell can be counted once and kept (geo/pyramid.py).

A view at a zoom shows every cell whose members' mean position lies inside its bbox, whole
(as Supercluster does): the count is the cell's, not the part of it that happens to be in view.
A cell of one shows that member itself; a cell of more shows a cluster at the mean position
with the count and the cell's extent to zoom to.

Cells are summed exactly: coordinates in whole micro-degrees (0.1 m, the precision GeoJSON is
written with), ids as integers, so the sum of a million pins does not depend on the order in
which they were added, removed or folded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    Integer,
    Select,
    Text,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.expression import ColumnElement

from geo.errors import GeometryError
from geo.geojson import (
    COORDINATE_DECIMALS,
    bbox_json,
    joined_text,
    micro_degrees,
    millionths_text,
    point_json,
    sql_text,
)
from geo.i18n import N_

EARTH_RADIUS_M = 6_378_137.0  # Web Mercator's sphere
TILE_PX = 256
CELL_PX = 60  # about the size of a cluster icon with its margin
MAX_CELLS_ACROSS = 256  # a 4K screen is 64 cells wide: a bigger view is not a screen's
E6 = 1_000_000  # micro-degrees per degree
MAX_MERCATOR_LAT = 85.05112878  # Web Mercator's edge; poles have no y


def cell_size_m(zoom: int, *, cell_px: int = CELL_PX) -> float:
    """The width in Web Mercator metres of `cell_px` screen pixels at `zoom`."""
    return 2 * math.pi * EARTH_RADIUS_M / (TILE_PX * 2**zoom) * cell_px


def cell_index(lon: Any, lat: Any, size: Any) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """SQL: the (cx, cy) of the cell holding lon/lat, for cells `size` metres wide.

    `size` is `cell_size_m(zoom)`, as a number or a column carrying that same number: every
    path gets the very same double, so a point on a cell edge falls the same way in all.
    """
    x = func.radians(lon) * EARTH_RADIUS_M
    y = func.ln(func.tan(_over(func.pi(), 4) + _over(func.radians(lat), 2))) * EARTH_RADIUS_M
    return func.floor(x / size).cast(Integer), func.floor(y / size).cast(Integer)


def _lon_of(cx: Any, size: float) -> Any:
    return func.degrees(cx * size / EARTH_RADIUS_M)


def _lat_of(cy: Any, size: float) -> Any:
    return func.degrees(2 * func.atan(func.exp(cy * size / EARTH_RADIUS_M)) - _over(func.pi(), 2))


def _over(value: Any, divisor: int) -> Any:
    """SQL: a double divided by a whole number, written into the statement as a double.

    SQLAlchemy's `func.pi() / 2` sends the 2 as a numeric parameter, which a prepared
    statement converts to a double in every row (pi() / 2 is then not computed once); the
    quotient is the same double.
    """
    return value / literal_column(str(divisor), Float)


@dataclass(frozen=True)
class CellRange:
    """The cells that may hold members of a view.

    Every cell meeting its bbox, and one more on each side, so that floating-point edges
    never drop a cell.
    """

    zoom: int
    cx: tuple[int, int]
    cy: tuple[int, int]
    bbox: tuple[float, float, float, float]

    @classmethod
    def of(cls, bbox: tuple[float, float, float, float], zoom: int) -> CellRange:
        """The range for a view (minLon, minLat, maxLon, maxLat) at `zoom`."""
        size = cell_size_m(zoom)
        min_lon, min_lat, max_lon, max_lat = bbox

        def x(lon: float) -> int:
            return math.floor(math.radians(lon) * EARTH_RADIUS_M / size)

        def y(lat: float) -> int:
            lat = max(-MAX_MERCATOR_LAT, min(MAX_MERCATOR_LAT, lat))
            return math.floor(
                math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * EARTH_RADIUS_M / size
            )

        view = cls(zoom, (x(min_lon) - 1, x(max_lon) + 1), (y(min_lat) - 1, y(max_lat) + 1), bbox)
        if max(view.cx[1] - view.cx[0], view.cy[1] - view.cy[0]) > MAX_CELLS_ACROSS:
            raise GeometryError(
                "bbox_too_large",
                N_("The view is too large for this zoom: at most %(n)s map cells across."),
                "bbox",
                n=MAX_CELLS_ACROSS,
            )
        return view

    @property
    def size(self) -> float:
        """The cells' width in Web Mercator metres."""
        return cell_size_m(self.zoom)

    def columns(self) -> Any:
        """SQL: the columns (cx) of the range, as an array."""
        return literal(list(range(self.cx[0], self.cx[1] + 1)), ARRAY(Integer))

    def bounds(self) -> tuple[Any, Any, Any, Any]:
        """SQL: the view's bbox, in degrees."""
        min_lon, min_lat, max_lon, max_lat = (literal(v, Float) for v in self.bbox)
        return min_lon, min_lat, max_lon, max_lat

    def envelope(self) -> tuple[float, float, float, float]:
        """The lon/lat box of the range (to find its members with a spatial index)."""
        size = cell_size_m(self.zoom)

        def lon(cx: int) -> float:
            return math.degrees(cx * size / EARTH_RADIUS_M)

        def lat(cy: int) -> float:
            return math.degrees(2 * math.atan(math.exp(cy * size / EARTH_RADIUS_M)) - math.pi / 2)

        return (
            max(-180.0, lon(self.cx[0])),
            max(-90.0, lat(self.cy[0])),
            min(180.0, lon(self.cx[1] + 1)),
            min(90.0, lat(self.cy[1] + 1)),
        )


class ViewCells(Protocol):
    """What the grid's SQL needs of a view: numbers (`CellRange`) or parameters (`BoundView`)."""

    @property
    def zoom(self) -> Any: ...  # noqa: D102

    @property
    def size(self) -> Any: ...  # noqa: D102

    @property
    def cx(self) -> tuple[Any, Any]: ...  # noqa: D102

    @property
    def cy(self) -> tuple[Any, Any]: ...  # noqa: D102

    def columns(self) -> Any: ...  # noqa: D102

    def bounds(self) -> tuple[Any, Any, Any, Any]: ...  # noqa: D102

    def envelope(self) -> tuple[Any, Any, Any, Any]: ...  # noqa: D102


@dataclass(frozen=True)
class BoundView:
    """A view whose numbers are named SQL parameters; `values` gives them for a `CellRange`.

    A statement built on it serves every view of its shape, so it is built once, not per
    request (building one per request cost about as much as running it).
    """

    zoom: Any = bindparam("view_zoom", type_=Integer)
    size: Any = bindparam("view_size", type_=Float)
    cx: tuple[Any, Any] = (
        bindparam("view_cx0", type_=Integer),
        bindparam("view_cx1", type_=Integer),
    )
    cy: tuple[Any, Any] = (
        bindparam("view_cy0", type_=Integer),
        bindparam("view_cy1", type_=Integer),
    )

    def columns(self) -> Any:
        """SQL: the parameter for the columns of the range."""
        return bindparam("view_columns", type_=ARRAY(Integer))

    def bounds(self) -> tuple[Any, Any, Any, Any]:
        """SQL: the parameters for the view's bbox, in degrees."""
        return tuple(bindparam(f"view_bbox{i}", type_=Float) for i in range(4))  # type: ignore[return-value]

    def envelope(self) -> tuple[Any, Any, Any, Any]:
        """SQL: the parameters for the lon/lat box of the range."""
        return tuple(bindparam(f"view_envelope{i}", type_=Float) for i in range(4))  # type: ignore[return-value]

    @staticmethod
    def values(view: CellRange) -> dict[str, Any]:
        """The parameters' values for a view."""
        return {
            "view_zoom": view.zoom,
            "view_size": view.size,
            "view_cx0": view.cx[0],
            "view_cx1": view.cx[1],
            "view_cy0": view.cy[0],
            "view_cy1": view.cy[1],
            "view_columns": list(range(view.cx[0], view.cx[1] + 1)),
            **{f"view_bbox{i}": v for i, v in enumerate(view.bbox)},
            **{f"view_envelope{i}": v for i, v in enumerate(view.envelope())},
        }


def grid_cells(rows: Select[Any], view: ViewCells, *, geom_column: str = "geom") -> Select[Any]:
    """The cells of a view counted straight from `rows` (id, geom, ...): the reference path.

    Columns: cx, cy, n, sum_lon, sum_lat, sum_id; only cells whose mean is in the view.
    """
    points = rows.subquery("points")
    lon, lat = func.ST_X(points.c[geom_column]), func.ST_Y(points.c[geom_column])
    cx, cy = cell_index(lon, lat, view.size)
    cells = (
        select(
            cx.label("cx"),
            cy.label("cy"),
            func.count().label("n"),
            func.sum(micro_degrees(lon)).label("sum_lon"),
            func.sum(micro_degrees(lat)).label("sum_lat"),
            func.sum(points.c.id).label("sum_id"),
        )
        .where(cx.between(*view.cx), cy.between(*view.cy))
        .group_by(cx, cy)
    )
    return mean_in_view(cells.subquery("cells"), view)


def mean_in_view(cells: Any, view: ViewCells) -> Select[Any]:
    """Keep the cells (cx, cy, n, sum_lon, sum_lat, sum_id) whose mean lies in the view's bbox.

    Every path computes the same expression in doubles, so paths that count the same members
    keep the same cells; a double holds the integer sums exactly (below 2**53). Casting them
    to numeric first gave the same cells and cost 4-8% of PostgreSQL's CPU over 216 views of
    bench.http's set (interleaved, 1.82M pins).
    """
    min_lon, min_lat, max_lon, max_lat = view.bounds()
    n = cells.c.n.cast(Float)
    sum_lon, sum_lat = cells.c.sum_lon.cast(Float), cells.c.sum_lat.cast(Float)
    return select(cells).where(
        cells.c.n > 0,
        sum_lon >= n * min_lon * E6,
        sum_lon <= n * max_lon * E6,
        sum_lat >= n * min_lat * E6,
        sum_lat <= n * max_lat * E6,
    )


def cluster_features(
    cells: Select[Any], members: Select[Any], *, view: ViewCells, id_column: str = "id"
) -> Select[Any]:
    """One row per cell: the member itself for a cell of one, else a cluster.

    Columns: `id` (JSON: the member's id, or "cluster-z<zoom>-<cx>-<cy>"), `geom` (GeoJSON
    already written: the member's point, or the cell's mean, which feature_select takes as it
    is), `count`, `cluster`, `bbox` (the cell's extent, for clusters) and the members' other
    columns (NULL for clusters). A lone member is found by its id, which is the cell's sum of
    ids.
    """
    cell = cells.subquery("view_cells")
    single = cell.c.n == 1
    # A lateral lookup by primary key per lone cell: a join would make PostgreSQL hash all
    # members (a million rows) to find the few hundred it needs. The key is NULL for a cell
    # of more, so the index is not searched for it: with `single` as a condition beside the
    # key, PostgreSQL searched it for every cell and filtered afterwards (831 buffers for a
    # view of 277 clusters).
    looked_up = members.subquery("candidates")
    lone_id = case((single, cell.c.sum_id), else_=None)
    member = select(looked_up).where(looked_up.c[id_column] == lone_id).lateral("member")
    zoom, size = view.zoom, view.size
    # Written as text from whole micro-degrees (geo.geojson.millionths_text), joined with
    # `||`: 2.9 µs a cluster, where numerics' text and concat() took 6.4 µs (51,231 cells of
    # zoom 14; bench/README.md).
    sums = (cell.c.sum_lon, cell.c.sum_lat)
    lon, lat = (millionths_text(mean_micro_degrees(total, cell.c.n)) for total in sums)
    mean = point_json(lon, lat)
    corners = (
        _lon_of(cell.c.cx, size),
        _lat_of(cell.c.cy, size),
        _lon_of(cell.c.cx + 1, size),
        _lat_of(cell.c.cy + 1, size),
    )
    bbox = bbox_json(corners)
    dash = sql_text("-")
    cluster_id = joined_text(
        sql_text('"cluster-z'), zoom, dash, cell.c.cx, dash, cell.c.cy, sql_text('"')
    )
    member_columns = [
        case((single, member.c[c.name]), else_=None).label(c.name)
        for c in member.c
        if c.name not in (id_column, "geom")
    ]
    return (
        select(
            type_coerce(case((single, cell.c.sum_id.cast(Text)), else_=cluster_id), JSON).label(
                id_column
            ),
            type_coerce(
                case(
                    (single, func.ST_AsGeoJSON(member.c.geom, COORDINATE_DECIMALS)),
                    else_=mean,
                ),
                JSON,
            ).label("geom"),
            cell.c.n.cast(Integer).label("count"),
            (~single).label("cluster"),
            case((single, literal(None)), else_=bbox).label("bbox"),
            *member_columns,
        )
        .select_from(cell)
        .outerjoin(member, true())
    )


def mean_micro_degrees(total: Any, n: Any) -> ColumnElement[Any]:
    """SQL: whole micro-degrees of a mean, from their sum, rounded half away from zero.

    In integers, as a numeric division rounded to six places rounds it.
    """
    whole, count = total.cast(BigInteger), n.cast(BigInteger)
    two = literal_column("2", BigInteger)
    half_up = (two * func.abs(whole, type_=BigInteger) + count) // (two * count)
    return case((whole < 0, -half_up), else_=half_up)
