"""Points from longitude and latitude, and where they are: in which polygon, near which points.

Which polygon contains a point gives a pin its district; which points lie within some metres
of one finds a pin stored already.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, FromClause, ScalarSelect, and_, func, select
from sqlalchemy.orm import Session

from geo.crs import METRES_PER_DEGREE, WGS84


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


def within_metres(geom: Any, lon: Any, lat: Any, metres: float) -> ColumnElement[bool]:
    """True where the WGS 84 point `geom` lies within `metres` of (lon, lat), on the spheroid.

    `lon` and `lat` are numbers or columns. A box around (lon, lat) comes first, so the
    points' spatial index finds the few candidates (a distance on geography would read them
    all); twice the distance wide, as a degree is a little shorter or longer than
    METRES_PER_DEGREE by the latitude.
    """
    d_lat = 2 * metres / METRES_PER_DEGREE
    d_lon = d_lat / func.cos(func.radians(lat), type_=Float)
    point = lonlat_point(lon, lat)
    return and_(
        geom.op("&&")(func.ST_Expand(point, d_lon, d_lat)),
        func.ST_DWithin(func.geography(geom), func.geography(point), metres),
    )


def extent_of(
    session: Session, geom: Any, *where: ColumnElement[bool]
) -> tuple[float, float, float, float] | None:
    """The lon/lat box (min_lon, min_lat, max_lon, max_lat) of `geom` where `where` holds."""
    box = func.ST_Extent(geom)
    row = session.execute(
        select(func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box), func.ST_YMax(box)).where(
            *where
        )
    ).one()
    return None if row[0] is None else (float(row[0]), float(row[1]), float(row[2]), float(row[3]))
