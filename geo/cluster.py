"""Map-view clustering: group points into screen-sized grid cells for one zoom level.

The grid is laid in Web Mercator, the projection the map is drawn in, so a cell is the same
number of screen pixels wherever it is. Cells with one member return that member's own columns;
cells with more return a count, the mean position of the members and their extent.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Integer, Numeric, Select, case, func, literal, select
from sqlalchemy.sql.expression import ColumnElement

from geo.crs import WGS84
from geo.geojson import COORDINATE_DECIMALS

EARTH_RADIUS_M = 6_378_137.0  # Web Mercator's sphere
TILE_PX = 256


def cell_size_m(zoom: int, *, cell_px: int) -> float:
    """The width in Web Mercator metres of `cell_px` screen pixels at `zoom`."""
    return 2 * math.pi * EARTH_RADIUS_M / (TILE_PX * 2**zoom) * cell_px


def _mercator_xy(lon: Any, lat: Any) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Web Mercator metres from lon/lat in SQL arithmetic (no reprojection per point)."""
    x = func.radians(lon) * EARTH_RADIUS_M
    y = func.ln(func.tan(func.pi() / 4 + func.radians(lat) / 2)) * EARTH_RADIUS_M
    return x, y


def grid_clusters(
    rows: Select[Any],
    *,
    zoom: int,
    cell_px: int = 60,
    id_column: str = "id",
    geom_column: str = "geom",
) -> Select[Any]:
    """One row per occupied grid cell, for the map at `zoom`.

    Columns: `id`, `geom`, `count`, `cluster`, `bbox` and, for a cell with a single member,
    that member's other columns (NULL for clusters). `id` is JSON: the member's own id for a
    single pin, "cluster-<first id>-z<zoom>" otherwise.
    """
    points = rows.subquery("points")
    lon, lat = func.ST_X(points.c[geom_column]), func.ST_Y(points.c[geom_column])
    x, y = _mercator_xy(lon, lat)
    size = cell_size_m(zoom, cell_px=cell_px)
    # Plain number aggregates over whole-number cell keys: a hash aggregate, no geometry work.
    cells = (
        select(
            func.min(points.c[id_column]).label("first_id"),
            func.count().label("count"),
            func.avg(lon).label("lon"),
            func.avg(lat).label("lat"),
            func.min(lon).label("min_lon"),
            func.min(lat).label("min_lat"),
            func.max(lon).label("max_lon"),
            func.max(lat).label("max_lat"),
        )
        .group_by(func.floor(x / size), func.floor(y / size))
        .subquery("cells")
    )
    single = cells.c.count == 1
    # A lone pin's own columns: a correlated lookup by id, run only for the cells that need it.
    members = rows.subquery("members")
    member_columns = [
        case(
            (single, select(c).where(members.c[id_column] == cells.c.first_id).scalar_subquery()),
            else_=None,
        ).label(c.name)
        for c in members.c
        if c.name not in (id_column, geom_column)
    ]
    corners = (cells.c.min_lon, cells.c.min_lat, cells.c.max_lon, cells.c.max_lat)
    bbox = func.json_build_array(
        *(func.round(c.cast(Numeric), COORDINATE_DECIMALS) for c in corners)
    )
    cluster_id = func.concat("cluster-", cells.c.first_id, f"-z{zoom}")
    return select(
        case((single, func.to_json(cells.c.first_id)), else_=func.to_json(cluster_id)).label(
            id_column
        ),
        func.ST_SetSRID(func.ST_MakePoint(cells.c.lon, cells.c.lat), WGS84).label(geom_column),
        cells.c.count.cast(Integer).label("count"),
        (~single).label("cluster"),
        case((single, literal(None)), else_=bbox).label("bbox"),
        *member_columns,
    ).select_from(cells)
