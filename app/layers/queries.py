"""The layers as selectables: published pins, filtered, handed to the spatial functions."""

from __future__ import annotations

import math
import subprocess
from typing import Any

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.common.errors import Busy, InvalidField
from app.ideas.counts import (
    DISTRICTS,
    HEXAGON_ROLLUPS,
    HEXAGON_TOTALS,
    PYRAMID,
    pyramid_filters,
)
from app.ideas.filters import IdeaFilters
from app.ideas.queries import apply_filters, published_ideas
from app.layers.params import DEFAULT_HEX_SIZE, ClusterParams
from app.map_gates import cluster_job_turn
from app.models import District, Idea
from geo.aggregate import counts_per_polygon, hexagon_counts, hexagons
from geo.cluster import dbscan_clusters, metric_points
from geo.cluster_work import ClusterJob, find_clusters
from geo.i18n import N_
from geo.pyramid import rollup_counts, serving

BREAKDOWN = ("kind", "category")
TOP = "category"
# Every DBSCAN cluster holds at least min_points pins, so pins / min_points bounds the clusters
# a request can make, and each cluster's row is drawn by PostGIS: about 65 µs each (35,596
# clusters at eps 10 m over 1M pins: 2.3 s), so 250,000 would take ~16 s, inside the 30 s
# statement timeout. The default min_points (5) still runs over a million pins.
MAX_CLUSTERS = 250_000


def layer_pins(filters: IdeaFilters) -> Select[Any]:
    """The published pins a layer counts: only what counting needs, never text or people."""
    stmt = published_ideas().with_only_columns(
        Idea.id, Idea.geom, Idea.kind, Idea.category, Idea.district_id
    )
    return apply_filters(stmt, filters)


def cluster_layer(session: Session, filters: IdeaFilters, params: ClusterParams) -> Select[Any]:
    """DBSCAN clusters with hulls, member ids, counts by kind and category, the top category.

    The clusters are found now (geo/cluster_work.py), so a min_points too small for this many
    pins is refused here, before a response starts; the select only draws them.
    """
    counted = tuple(dict.fromkeys([*BREAKDOWN, TOP]))
    rows = session.execute(metric_points(layer_pins(filters), columns=counted)).all()
    job = ClusterJob(
        [tuple(row) for row in rows], counted, eps=params.eps, min_points=params.min_points
    )
    if job.points > MAX_CLUSTERS * params.min_points:
        least = math.ceil(job.points / MAX_CLUSTERS)
        raise InvalidField(
            N_(
                "min_points is too small for this many pins: at least %(low)s here. Narrow "
                "the filters or choose a larger min_points."
            ),
            field="min_points",
            code="too_much_work",
            # The value these filters would take, so a client can offer it in one step.
            extra={"suggested": {"min_points": least}},
            low=least,
        )
    # DBSCAN gets the time a statement gets: a million pins take 2-3 s at any eps.
    timeout_ms = current_app.config["DB_STATEMENT_TIMEOUT_MS"]
    try:
        summary = find_clusters(
            job,
            timeout_s=timeout_ms / 1000 if timeout_ms else None,
            child_turn=cluster_job_turn,
        )
    except subprocess.TimeoutExpired as exc:
        raise Busy(
            N_(
                "Finding the clusters takes longer than the server allows. Narrow the filters "
                "or try again soon."
            )
        ) from exc
    return dbscan_clusters(
        summary, eps=params.eps, breakdown=BREAKDOWN, top=TOP, members_column="idea_ids"
    )


def _rollup_filters(filters: IdeaFilters) -> dict[str, tuple[str, ...]] | None:
    """The filters as the rollups' dimensions, or None when the pins must be counted.

    The rollups count the whole municipality: a `bbox` (like any filter off the dimensions)
    needs the pins themselves.
    """
    return None if filters.bbox is not None else pyramid_filters(filters)


def district_layer(
    filters: IdeaFilters, *, for_display: bool = False, straight: bool = False
) -> Select[Any]:
    """Every district (or those of the `district` filter) with its counts and per 1,000.

    For the whole municipality and filters on the map's dimensions, counted from the
    district rollup the map's pyramid keeps; else from the pins. `for_display` draws the
    outlines lighter (a few metres); exports keep them exact. `straight` forces counting the
    pins (tests compare the two).
    """
    geom = District.outline if for_display else District.geom
    polygons = select(
        District.id, geom.label("geom"), District.name, District.code, District.population
    )
    if filters.districts:
        polygons = polygons.where(District.code.in_(filters.districts))
    dimensions = None if straight else _rollup_filters(filters)
    if dimensions is None:
        rows, key, weight = layer_pins(filters), "district_id", None
    else:
        rows = rollup_counts(PYRAMID, DISTRICTS, dimensions, by=BREAKDOWN)
        key, weight = "district_key", "n"
    return counts_per_polygon(
        rows,
        polygons.subquery("districts"),
        key_column=key,
        breakdown=BREAKDOWN,
        population_column="population",
        weight_column=weight,
    )


def hexgrid_layer(filters: IdeaFilters, *, size: int, straight: bool = False) -> Select[Any]:
    """The non-empty hexagons of edge `size` metres with their pin counts.

    At the default size, for the whole municipality and filters on the map's dimensions, from
    the hexagon rollup the map's pyramid keeps, with the outlines it stores; else grouped from
    the pins, and drawn. `straight` forces the grouping (tests compare the two).
    """
    dimensions = None if straight or size != DEFAULT_HEX_SIZE else _rollup_filters(filters)
    if dimensions is None:
        return hexagon_counts(layer_pins(filters), size=size)
    rolled = rollup_counts(PYRAMID, serving(HEXAGON_ROLLUPS, dimensions), dimensions).subquery(
        "rolled"
    )
    counted = select(rolled.c.i, rolled.c.j, rolled.c.n.label("count")).subquery("counted")
    # Every hexagon of a filtered layer is among the totals too, once folded: its outline is
    # stored there (app.models.MapHexagonTotal).
    return hexagons(counted, size=size, outlines=HEXAGON_TOTALS.table)
