"""Clustering points: DBSCAN density clusters, and the densities that bound their cost.

`ST_ClusterDBSCAN` on the points transformed to SWEREF 99 TM, so `eps` is in metres. The map's
screen-sized grid cells are geo/grid.py's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import FromClause, Integer, Select, Text, case, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from geo.crs import SWEREF99TM, WGS84

# A cluster with no area (one point, points on a line) is drawn as a buffer of half eps around
# it; so is a hull whose area is under its perimeter times this (thinner than ~2 m).
HULL_PAD_OF_EPS = 0.5
THIN_HULL_METRES = 1.0
# Density cells in degrees (`density`): metres per degree taken low (a degree of latitude is
# 110.6-111.7 km), so a cell's area errs small and its density high. A degree of longitude
# spans cos(latitude) of that: twice a latitude step's degrees make cells about square at
# 60° N; MIN_COS keeps a cell at the pole from having no area.
METRES_PER_DEGREE_AT_LEAST = 110_500.0
LON_CELL_STRETCH = 2.0
MIN_COS = 0.01


def dbscan_clusters(
    rows: Select[Any],
    *,
    eps: float,
    min_points: int,
    breakdown: Sequence[str] = (),
    top: str | None = None,
    id_column: str = "id",
    geom_column: str = "geom",
    members_column: str = "member_ids",
) -> Select[Any]:
    """Density clusters (DBSCAN, `ST_ClusterDBSCAN`) of the points in `rows`, in metres.

    Distances are measured in SWEREF 99 TM: `eps` is in metres, `min_points` counts a point
    itself. Points in no cluster (noise) are left out. One row per cluster, numbered 1, 2, ...
    in the order of each cluster's smallest member id (so the numbering does not depend on the
    plan): `id` and `cluster_id`, `geom` (the members' convex hull in WGS 84; a buffer of half
    `eps` around one point or points in a line, which have no area), `count`, the sorted
    member ids as `members_column`, `by_<column>` ({value: count}) for each `breakdown`
    column, and `top_<top>`, the most frequent value of that column (ties: the smallest).
    """
    points = rows.subquery("points")
    counted = [points.c[name] for name in dict.fromkeys([*breakdown, *([top] if top else [])])]
    projected = once_per_row(
        select(
            points.c[id_column].label("member_id"),
            func.ST_Transform(points.c[geom_column], SWEREF99TM).label("metric_geom"),
            *counted,
        ),
        "projected",
    )
    labelled = select(
        projected,
        func.ST_ClusterDBSCAN(projected.c.metric_geom, eps, min_points).over().label("label"),
    ).subquery("labelled")
    members = select(labelled).where(labelled.c.label.is_not(None)).cte("members")
    hull = func.ST_ConvexHull(func.ST_Collect(members.c.metric_geom))
    clusters = (
        select(
            members.c.label,
            func.count().label("count"),
            func.min(members.c.member_id).label("first_id"),
            func.array_agg(aggregate_order_by(members.c.member_id, members.c.member_id)).label(
                "member_ids"
            ),
            hull.label("hull"),
        )
        .group_by(members.c.label)
        .subquery("clusters")
    )
    hull_area = func.ST_Area(clusters.c.hull)
    # No area (a point, a line), or a sliver thinner than a couple of metres: draw the reach.
    degenerate = (func.ST_Dimension(clusters.c.hull) < 2) | (
        hull_area < func.ST_Perimeter(clusters.c.hull) * THIN_HULL_METRES
    )
    padded = case(
        (degenerate, func.ST_Buffer(clusters.c.hull, eps * HULL_PAD_OF_EPS, "quad_segs=4")),
        else_=clusters.c.hull,
    )
    number = func.row_number().over(order_by=clusters.c.first_id)
    columns: list[Any] = [
        number.label(id_column),
        number.label("cluster_id"),
        func.ST_Transform(padded, WGS84).label(geom_column),
        clusters.c.count.cast(Integer).label("count"),
        clusters.c.member_ids.label(members_column),
    ]
    stmt = select(*columns).select_from(clusters)
    # One tally per column, for its counts and its most frequent value: with the top category
    # tallied apart, 1.04M pins at eps 50 m took 8.4-9.8 s in psql, against 8.2-8.8 s (3 each).
    summaries = {
        name: value_summary(
            members, name, key="label", counts=name in breakdown, most_frequent=name == top
        ).subquery(f"by_{name}")
        for name in dict.fromkeys([*breakdown, *([top] if top else [])])
    }
    for summary in summaries.values():
        stmt = stmt.outerjoin(summary, summary.c.label == clusters.c.label)
    stmt = stmt.add_columns(*(summaries[name].c.counts.label(f"by_{name}") for name in breakdown))
    if top is not None:
        stmt = stmt.add_columns(summaries[top].c.most_frequent.label(f"top_{top}"))
    return stmt


def _tally(source: FromClause, column: str, key: str, weight: str | None) -> Select[Any]:
    """How many rows of `source` have each value of `column`, per `key` (or the sum of `weight`)."""
    n = func.count() if weight is None else func.sum(source.c[weight])
    return select(
        source.c[key].label("label"), source.c[column].label("value"), n.label("n")
    ).group_by(source.c[key], source.c[column])


def value_summary(
    source: FromClause,
    column: str,
    *,
    key: str,
    weight: str | None = None,
    counts: bool = True,
    most_frequent: bool = False,
) -> Select[Any]:
    """Per `key`, as asked: `counts` and `most_frequent` of the values of `column`.

    `counts` is a JSON object {value: count}; `most_frequent` the value with the largest count
    (ties go to the smallest value). With `weight`, rows are pre-counted groups and their
    `weight` column is summed.
    """
    tally = _tally(source, column, key, weight).subquery("tally")
    summary: list[Any] = []
    if counts:
        json_counts = func.json_object_agg(func.coalesce(tally.c.value.cast(Text), ""), tally.c.n)
        summary.append(json_counts.label("counts"))
    if most_frequent:
        ranked = func.array_agg(aggregate_order_by(tally.c.value, tally.c.n.desc(), tally.c.value))
        summary.append(ranked[1].label("most_frequent"))
    return select(tally.c.label, *summary).group_by(tally.c.label)


def once_per_row(stmt: Select[Any], name: str) -> FromClause:
    """`stmt` as a subquery whose expressions PostgreSQL computes once per row.

    The planner otherwise pulls a subquery up into its parent and copies each expression to
    every place that uses it: a transform used five times ran five times per point.
    OFFSET 0 keeps the subquery a unit of its own.
    """
    return stmt.offset(0).subquery(name)


def density(rows: Select[Any], *, cell_metres: float, geom_column: str = "geom") -> Select[Any]:
    """`(points, densest)`: how many points `rows` has, and the most per square metre in a cell.

    The cells are `cell_metres` tall and LON_CELL_STRETCH times as many degrees wide, and each
    cell's area is taken at its middle latitude: the densest cell bounds how many neighbours a
    point can have within a distance, which is what DBSCAN's work grows with. Degrees, not
    SWEREF 99 TM: transforming every point took over half of the check (1.04M pins in psql,
    3 runs each: 2,156-2,281 ms in metres, 890-1,036 ms in degrees).
    """
    points = rows.subquery("points")
    lat_step = cell_metres / METRES_PER_DEGREE_AT_LEAST
    lon_step = lat_step * LON_CELL_STRETCH
    row = func.floor(func.ST_Y(points.c[geom_column]) / lat_step)
    cells = (
        select(row.label("row"), func.count().label("n"))
        .select_from(points)
        .group_by(func.floor(func.ST_X(points.c[geom_column]) / lon_step), row)
        .subquery("cells")
    )
    middle = func.radians((cells.c.row + 0.5) * lat_step)
    width = lon_step * METRES_PER_DEGREE_AT_LEAST * func.greatest(func.cos(middle), MIN_COS)
    area = width * (lat_step * METRES_PER_DEGREE_AT_LEAST)
    return select(
        func.coalesce(func.sum(cells.c.n), 0).cast(Integer).label("points"),
        func.coalesce(func.max(cells.c.n / area), 0.0).label("densest"),
    )


def dbscan_candidates(points: int, densest: float, *, eps: float) -> float:
    """About how many neighbour candidates DBSCAN looks at, erring high.

    Each point queries a square of side 2·eps around it, as crowded as the densest cell at
    most (`densest` points per square metre), and never holding more than all the points.
    """
    return points * min(points, densest * (2 * eps) ** 2)


def largest_eps(points: int, densest: float, *, candidates: float) -> float:
    """The eps at which `dbscan_candidates` reaches `candidates`."""
    return math.sqrt(candidates / points / densest) / 2
