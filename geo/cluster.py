"""Clustering points: DBSCAN density clusters in metres.

DBSCAN runs on the points transformed to SWEREF 99 TM, so `eps` is in metres: PostGIS
projects them (`metric_points`), compiled code labels them (geo/dbscan.py), NumPy sums each
cluster up (geo/cluster_members.py), and PostGIS draws the rows (`dbscan_clusters`). The
map's screen-sized grid cells are geo/grid.py's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    FromClause,
    Integer,
    LargeBinary,
    Select,
    Text,
    bindparam,
    case,
    func,
    literal,
    select,
)
from sqlalchemy import column as sql_column
from sqlalchemy.dialects.postgresql import ARRAY

from geo.cluster_members import ClusterSummary
from geo.crs import SWEREF99TM, WGS84

# A cluster with no area (one point, points on a line) is drawn as a buffer of half eps around
# it; so is a hull whose area is under its perimeter times this (thinner than ~2 m).
HULL_PAD_OF_EPS = 0.5
THIN_HULL_METRES = 1.0


def metric_points(
    rows: Select[Any],
    *,
    columns: Sequence[str] = (),
    id_column: str = "id",
    geom_column: str = "geom",
) -> Select[Any]:
    """The points of `rows` in SWEREF 99 TM metres, one row per combination of `columns`.

    Each row holds the values of `columns`, then packs its points' `ids` and `xy` in binary
    (geo.cluster_members.decode_points reads them): for a million pins psycopg parses a few
    dozen values, not three million numbers, and no value becomes a million strings. With a
    JSON array per column instead of a row per value, a 1M-pin layer grew the worker's peak
    memory by 450 MB, against 200 MB. `ids` and `xy` come from the same aggregate over the
    same rows, so the n-th id is the n-th point's.
    """
    points = rows.subquery("points")
    metric = once_per_row(
        select(
            points.c[id_column].label("id"),
            func.ST_Transform(points.c[geom_column], SWEREF99TM).label("metric_geom"),
            *(points.c[name] for name in columns),
        ),
        "metric",
    )
    xy = func.float8send(func.ST_X(metric.c.metric_geom)).op("||")(
        func.float8send(func.ST_Y(metric.c.metric_geom))
    )
    grouping = [metric.c[name] for name in columns]
    return select(
        *grouping,
        func.string_agg(func.int8send(metric.c.id), literal(b"", LargeBinary)).label("ids"),
        func.string_agg(xy, literal(b"", LargeBinary)).label("xy"),
    ).group_by(*grouping)


def dbscan_clusters(
    summary: ClusterSummary,
    *,
    eps: float,
    breakdown: Sequence[str] = (),
    top: str | None = None,
    id_column: str = "id",
    geom_column: str = "geom",
    members_column: str = "member_ids",
) -> Select[Any]:
    """The density clusters summed up in `summary` (geo/cluster_members.py), as rows.

    One row per cluster, numbered 1, 2, ... in the order of each cluster's smallest member id:
    `id` and `cluster_id`, `geom` (the members' convex hull in WGS 84; a buffer of half `eps`
    around one point or points in a line, which have no area), `count`, the sorted member ids
    as `members_column`, `by_<column>` ({value: count}) for each `breakdown` column, and
    `top_<top>`, the most frequent value of that column (ties: the smallest).
    """
    arrays: list[tuple[str, Any, list[Any]]] = [
        ("hull", LargeBinary(), summary.hulls),
        ("count", Integer(), summary.sizes),
        ("member_ids", Text(), summary.member_ids),
        *((f"by_{name}", Text(), summary.counts[name]) for name in breakdown),
        *(((f"top_{top}", Text(), summary.most_frequent[top]),) if top else ()),
    ]
    clusters = (
        func.unnest(*(bindparam(name, values, type_=ARRAY(kind)) for name, kind, values in arrays))
        .table_valued(
            *(sql_column(name, kind) for name, kind, _ in arrays), with_ordinality="number"
        )
        .render_derived(name="clusters")
    )
    hull = func.ST_SetSRID(func.ST_GeomFromWKB(clusters.c.hull), SWEREF99TM)
    # No area (a point, a line), or a sliver thinner than a couple of metres: draw the reach.
    degenerate = (func.ST_Dimension(hull) < 2) | (
        func.ST_Area(hull) < func.ST_Perimeter(hull) * THIN_HULL_METRES
    )
    padded = case(
        (degenerate, func.ST_Buffer(hull, eps * HULL_PAD_OF_EPS, "quad_segs=4")), else_=hull
    )
    number = clusters.c.number.cast(Integer)
    return select(
        number.label(id_column),
        number.label("cluster_id"),
        func.ST_Transform(padded, WGS84).label(geom_column),
        clusters.c["count"].label("count"),
        clusters.c.member_ids.cast(ARRAY(BigInteger)).label(members_column),
        *(clusters.c[f"by_{name}"].cast(JSON).label(f"by_{name}") for name in breakdown),
        *((clusters.c[f"top_{top}"].label(f"top_{top}"),) if top else ()),
    )


def once_per_row(stmt: Select[Any], name: str) -> FromClause:
    """`stmt` as a subquery whose expressions PostgreSQL computes once per row.

    The planner otherwise pulls a subquery up into its parent and copies each expression to
    every place that uses it: a transform used five times ran five times per point.
    OFFSET 0 keeps the subquery a unit of its own.
    """
    return stmt.offset(0).subquery(name)
