"""Random points inside polygons, for demo data and benchmarks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import FromClause, Select, func, select


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
