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
    for name in breakdown:
        tally = value_counts(members, name, key="label").subquery(f"by_{name}")
        stmt = stmt.add_columns(tally.c.counts.label(f"by_{name}")).outerjoin(
            tally, tally.c.label == clusters.c.label
        )
    if top is not None:
        ranked = most_frequent(members, top, key="label").subquery(f"top_{top}")
        stmt = stmt.add_columns(ranked.c.value.label(f"top_{top}")).outerjoin(
            ranked, ranked.c.label == clusters.c.label
        )
    return stmt


def _tally(source: FromClause, column: str, key: str, weight: str | None) -> Select[Any]:
    """How many rows of `source` have each value of `column`, per `key` (or the sum of `weight`)."""
    n = func.count() if weight is None else func.sum(source.c[weight])
    return select(
        source.c[key].label("label"), source.c[column].label("value"), n.label("n")
    ).group_by(source.c[key], source.c[column])


def value_counts(
    source: FromClause, column: str, *, key: str, weight: str | None = None
) -> Select[Any]:
    """Per `key`: a JSON object {value of `column`: count}.

    With `weight`, rows are pre-counted groups and their `weight` column is summed.
    """
    tally = _tally(source, column, key, weight).subquery("tally")
    counts = func.json_object_agg(func.coalesce(tally.c.value.cast(Text), ""), tally.c.n)
    return select(tally.c.label, counts.label("counts")).group_by(tally.c.label)


def most_frequent(source: FromClause, column: str, *, key: str) -> Select[Any]:
    """Per `key`: the most frequent value of `column` (ties go to the smallest value)."""
    tally = _tally(source, column, key, None).subquery("tally")
    first = func.array_agg(aggregate_order_by(tally.c.value, tally.c.n.desc(), tally.c.value))[1]
    return select(tally.c.label, first.label("value")).group_by(tally.c.label)


def once_per_row(stmt: Select[Any], name: str) -> FromClause:
    """`stmt` as a subquery whose expressions PostgreSQL computes once per row.

    The planner otherwise pulls a subquery up into its parent and copies each expression to
    every place that uses it: a transform used five times ran five times per point.
    OFFSET 0 keeps the subquery a unit of its own.
    """
    return stmt.offset(0).subquery(name)


def density(rows: Select[Any], *, cell_metres: float, geom_column: str = "geom") -> Select[Any]:
    """`(points, densest)`: how many points `rows` has, and the most in one square grid cell.

    The cells are `cell_metres` wide in SWEREF 99 TM: the densest cell bounds how many
    neighbours a point can have within a distance, which is what DBSCAN's work grows with.
    """
    points = rows.subquery("points")
    metric = func.ST_Transform(points.c[geom_column], SWEREF99TM)
    cells = (
        select(func.count().label("n"))
        .select_from(points)
        .group_by(
            func.floor(func.ST_X(metric) / cell_metres),
            func.floor(func.ST_Y(metric) / cell_metres),
        )
        .subquery("cells")
    )
    return select(
        func.coalesce(func.sum(cells.c.n), 0).cast(Integer).label("points"),
        func.coalesce(func.max(cells.c.n), 0).cast(Integer).label("densest"),
    )


def dbscan_candidates(points: int, densest: int, *, cell_metres: float, eps: float) -> float:
    """About how many neighbour candidates DBSCAN looks at, erring high.

    Each point queries a square of side 2·eps around it, as crowded as the densest cell at
    most (and never holding more than all the points).
    """
    per_square_metre = densest / (cell_metres * cell_metres)
    return points * min(points, per_square_metre * (2 * eps) ** 2)


def largest_eps(points: int, densest: int, *, cell_metres: float, candidates: float) -> float:
    """The eps at which `dbscan_candidates` reaches `candidates`."""
    per_square_metre = densest / (cell_metres * cell_metres)
    return math.sqrt(candidates / points / per_square_metre) / 2
