"""Points from longitude and latitude, and which polygon contains one (a pin's district)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import FromClause, ScalarSelect, func, select

from geo.crs import WGS84


def lonlat_point(lon: Any, lat: Any) -> Any:
    """The WGS 84 point at (lon, lat): numbers, or columns of longitudes and latitudes."""
    return func.ST_SetSRID(func.ST_MakePoint(lon, lat), WGS84)


def containing_polygon_id(
    polygons: FromClause,
    point: Any,
    *,
    id_column: str = "id",
    geom_column: str = "geom",
) -> ScalarSelect[Any]:
    """A scalar subquery: the id of the polygon in `polygons` covering `point` (lowest id on a tie).

    Uses the polygons' spatial index; points on a shared border get one district, not two.
    """
    return (
        select(polygons.c[id_column])
        .where(func.ST_Covers(polygons.c[geom_column], point))
        .order_by(polygons.c[id_column])
        .limit(1)
        .scalar_subquery()
    )
