"""The layers as selectables: published pins, filtered, handed to the spatial functions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from app.ideas.filters import IdeaFilters
from app.ideas.queries import apply_filters, published_ideas
from app.layers.params import ClusterParams
from app.models import District, Idea
from geo.aggregate import counts_per_polygon, hexagon_counts
from geo.cluster import dbscan_clusters
from geo.geojson import simplified_for_display

BREAKDOWN = ("kind", "category")


def layer_pins(filters: IdeaFilters) -> Select[Any]:
    """The published pins a layer counts: only what counting needs, never text or people."""
    stmt = published_ideas().with_only_columns(
        Idea.id, Idea.geom, Idea.kind, Idea.category, Idea.district_id
    )
    return apply_filters(stmt, filters)


def cluster_layer(filters: IdeaFilters, params: ClusterParams) -> Select[Any]:
    """DBSCAN clusters with hulls, member ids, counts by kind and category, the top category."""
    return dbscan_clusters(
        layer_pins(filters),
        eps=params.eps,
        min_points=params.min_points,
        breakdown=BREAKDOWN,
        top="category",
        members_column="idea_ids",
    )


def district_layer(filters: IdeaFilters, *, for_display: bool = False) -> Select[Any]:
    """Every district (or those of the `district` filter) with its counts and per 1,000.

    `for_display` draws the outlines lighter (a few metres); exports keep them exact.
    """
    geom = simplified_for_display(District.geom) if for_display else District.geom
    polygons = select(
        District.id, geom.label("geom"), District.name, District.code, District.population
    )
    if filters.districts:
        polygons = polygons.where(District.code.in_(filters.districts))
    return counts_per_polygon(
        layer_pins(filters),
        polygons.subquery("districts"),
        key_column="district_id",
        breakdown=BREAKDOWN,
        population_column="population",
    )


def hexgrid_layer(filters: IdeaFilters, *, size: int) -> Select[Any]:
    """The non-empty hexagons of edge `size` metres with their pin counts."""
    return hexagon_counts(layer_pins(filters), size=size)
