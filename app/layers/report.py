"""The data of a planner's report: each chosen layer as GeoJSON, and the district table.

A report holds its layers inside one HTML file, so each is bounded: too many features is a
422 that names the limit (narrow the filters, or choose larger clusters or hexagons).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from app.common.errors import InvalidField
from app.ideas.filters import IdeaFilters
from app.layers.params import ClusterParams
from app.layers.queries import (
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
                "The %(layer)s layer has more than %(n)s features, too many for a report: "
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
    """Each chosen layer's features (districts with light outlines, for the map).

    The districts always come too: the table is made from them.
    """
    rows = {
        "districts": lambda: district_layer(filters, for_display=True),
        "hexgrid": lambda: hexgrid_layer(filters, size=hex_size),
        "clusters": lambda: cluster_layer(session, filters, clusters),
    }
    return {
        name: feature_collection(session, rows[name](), layer=name)
        for name in dict.fromkeys(("districts", *layers))
    }


def district_table(districts: dict[str, Any]) -> list[TableRow]:
    """The district layer's features as table rows, most pins first (then by name)."""
    rows = [
        TableRow(
            name=str(props["name"]),
            code=str(props["code"]),
            count=int(props["count"]),
            share=float(props["share"]),
            per_1000=None if props["per_1000"] is None else float(props["per_1000"]),
        )
        for props in (feature["properties"] for feature in districts["features"])
    ]
    return sorted(rows, key=lambda row: (-row.count, row.name))
