"""Random points inside polygons or around places, for demo data and benchmarks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import FromClause, Select, func, select, true

from geo.crs import METRES_PER_DEGREE
from geo.lookup import lonlat_point


def random_points_in(
    polygons: FromClause, count: int, *, geom_column: str = "geom", seed: int | None = None
) -> Select[Any]:
    """Select `count` rows of (geom) spread uniformly over the union of `polygons`."""
    area = select(func.ST_Union(polygons.c[geom_column]).label("geom")).scalar_subquery()
    generated = (
        func.ST_GeneratePoints(area, count, seed) if seed else func.ST_GeneratePoints(area, count)
    )
    dumped = func.ST_Dump(generated).table_valued("path", "geom").alias("p")
    return select(func.ST_SetSRID(dumped.c.geom, 4326).label("geom")).select_from(dumped)


def _uniform(n: Any, seed: Any) -> Any:
    """SQL: a number in (0, 1) fixed by (n, seed) alone, whatever order rows are made in."""
    mantissa = func.hashint8extended(n, seed).op("&")(2**52 - 1)
    return (mantissa + 0.5) / float(2**52)


def scattered_points(centres: FromClause, *, seed: int) -> Select[Any]:
    """Select (key, n, geom): `count` points per row of `centres`, around its lon/lat.

    `centres` has the columns key, lon, lat, count and spread_m: each centre gets `count`
    points (n = 1, 2, ...) in a normal distribution of `spread_m` metres on each axis.
    Reproducible: a point's place depends on the seed, its key's position and n only.
    """
    n = func.generate_series(1, centres.c["count"]).table_valued("n").render_derived(name="g")
    ordinal = func.hashtext(centres.c.key)
    u1 = _uniform(n.c.n, ordinal + seed)
    u2 = _uniform(n.c.n, ordinal + seed + 1)
    radius = func.sqrt(-2 * func.ln(u1)) * centres.c.spread_m
    angle = 2 * func.pi() * u2
    lon = centres.c.lon + radius * func.cos(angle) / (
        METRES_PER_DEGREE * func.cos(func.radians(centres.c.lat))
    )
    lat = centres.c.lat + radius * func.sin(angle) / METRES_PER_DEGREE
    return select(centres.c.key, n.c.n, lonlat_point(lon, lat).label("geom")).select_from(
        centres.join(n, true())
    )
