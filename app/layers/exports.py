"""What each export holds.

The public columns of the pins, and the layers with their counts spread into one column per
kind and category (GIS fields are flat).

No export selects a personal column: author names, supporter ids and anything staff-only
stay out, because every export starts from `public_idea_rows()` or the layers over
`published_ideas()`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, Select, String, func, literal, select
from sqlalchemy.orm import Session

from app.categories import CATEGORIES, KINDS
from app.ideas.filters import IdeaFilters
from app.ideas.queries import public_idea_rows
from app.layers.params import ClusterParams
from app.layers.queries import cluster_layer, district_layer, hexgrid_layer
from app.models import District


def _field(value: str) -> str:
    """A GIS-friendly field name part: `walking-cycling` -> `walking_cycling`."""
    return value.replace("-", "_")


def _spread(counts: Any, prefix: str, values: list[str]) -> list[Any]:
    """A JSON {value: count} column as one integer column per value (0 where absent)."""
    return [
        func.coalesce(counts.op("->>")(literal(value)).cast(Integer), 0).label(
            f"{prefix}_{_field(value)}"
        )
        for value in values
    ]


def _counts(layer: Any) -> list[Any]:
    """The kind and category breakdowns of a layer, spread into columns."""
    return [
        *_spread(layer.c.by_kind, "kind", list(KINDS)),
        *_spread(layer.c.by_category, "category", [c.slug for c in CATEGORIES]),
    ]


def pin_export(filters: IdeaFilters) -> Select[Any]:
    """The published pins with every public column and their district's code."""
    rows = public_idea_rows(filters, every_pin=True)
    return rows.add_columns(District.code.label("district_code"))


def cluster_export(session: Session, filters: IdeaFilters, params: ClusterParams) -> Select[Any]:
    """DBSCAN clusters: id, size, member ids (comma-separated), counts, the top category."""
    layer = cluster_layer(session, filters, params).subquery("clusters")
    return select(
        layer.c.cluster_id.cast(Integer).label("cluster_id"),
        layer.c.count,
        func.array_to_string(layer.c.idea_ids, ",").cast(String).label("idea_ids"),
        *_counts(layer),
        layer.c.top_category,
        layer.c.geom,
    )


def district_export(filters: IdeaFilters) -> Select[Any]:
    """Districts with exact outlines, counts, share and per 1,000 residents."""
    layer = district_layer(filters).subquery("districts_counted")
    return select(
        layer.c.code,
        layer.c.name,
        layer.c.population,
        layer.c.count,
        *_counts(layer),
        layer.c.share.cast(Float).label("share"),
        layer.c.per_1000.cast(Float).label("per_1000"),
        layer.c.geom,
    )


def hexgrid_export(filters: IdeaFilters, *, size: int) -> Select[Any]:
    """The non-empty hexagons: id (`i_j`), grid column and row, count."""
    layer = hexgrid_layer(filters, size=size).subquery("hexagons")
    return select(
        layer.c.id.cast(String).label("id"), layer.c.i, layer.c.j, layer.c.count, layer.c.geom
    )
