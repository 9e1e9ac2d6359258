"""The data of a planner's report: each chosen layer as GeoJSON, and the district table.

A report holds its layers inside one HTML file, so each is bounded: too many features is a
422 that names the limit (narrow the filters, or choose larger clusters or hexagons).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.common.errors import InvalidField
from app.ideas.filters import IdeaFilters
from app.layers.params import ClusterParams
from app.layers.queries import (
    check_cluster_work,
    cluster_layer,
    district_layer,
    hexgrid_layer,
)
from geo.geojson import feature_select
from geo.i18n import N_
from geo.report import TableRow

MAX_REPORT_FEATURES = 10_000


def feature_collection(session: Session, rows: Select[Any], *, layer: str) -> dict[str, Any]:
    """The rows as a GeoJSON FeatureCollection, or a 422 when there are too many for a file."""
    found = session.execute(
        feature_select(rows, order_by="id", limit=MAX_REPORT_FEATURES + 1)
    ).all()
    if len(found) > MAX_REPORT_FEATURES:
        raise InvalidField(
            N_(
                "The %(layer)s layer has more than %(n)d features, too many for a report: "
                "narrow the filters or choose larger parameters."
            ),
            field="layers",
            code="too_many_features",
            layer=layer,
            n=MAX_REPORT_FEATURES,
        )
    return {"type": "FeatureCollection", "features": [json.loads(row.feature) for row in found]}


def report_layers(
    session: Session,
    filters: IdeaFilters,
    layers: tuple[str, ...],
    *,
    clusters: ClusterParams,
    hex_size: int,
) -> dict[str, dict[str, Any]]:
    """Each chosen layer's features (districts with light outlines, for the map)."""
    if "clusters" in layers:
        check_cluster_work(session, filters, clusters)
    rows = {
        "districts": lambda: district_layer(filters, for_display=True),
        "hexgrid": lambda: hexgrid_layer(filters, size=hex_size),
        "clusters": lambda: cluster_layer(filters, clusters),
    }
    return {name: feature_collection(session, rows[name](), layer=name) for name in layers}


def district_table(session: Session, filters: IdeaFilters) -> list[TableRow]:
    """Every district's counts, most pins first (then by name)."""
    layer = district_layer(filters).subquery("districts_counted")
    found = session.execute(
        select(layer.c.name, layer.c.code, layer.c.count, layer.c.share, layer.c.per_1000).order_by(
            layer.c.count.desc(), layer.c.name
        )
    ).all()
    return [
        TableRow(
            name=name,
            code=code,
            count=int(count),
            share=float(share),
            per_1000=None if per_1000 is None else float(per_1000),
        )
        for name, code, count, share, per_1000 in found
    ]
