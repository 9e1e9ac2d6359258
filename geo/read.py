"""Reading polygon layers from GeoJSON files, validated and normalised to MultiPolygons."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shapely.geometry import MultiPolygon, Polygon, shape

from geo.errors import GeometryError
from geo.i18n import N_


def read_polygon_features(path: str | Path) -> Iterator[tuple[dict[str, Any], MultiPolygon]]:
    """Yield (properties, multipolygon) for each feature of a GeoJSON FeatureCollection."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("type") != "FeatureCollection":
        raise GeometryError(
            "invalid_file", N_("The file must be a GeoJSON FeatureCollection."), "file"
        )
    for index, feature in enumerate(data.get("features", [])):
        geom = shape(feature["geometry"])
        if isinstance(geom, Polygon):
            geom = MultiPolygon([geom])
        if not isinstance(geom, MultiPolygon):
            raise GeometryError(
                "invalid_geometry", N_("Every feature must be a polygon."), f"features[{index}]"
            )
        if not geom.is_valid:
            raise GeometryError(
                "invalid_geometry", N_("The polygon is not valid."), f"features[{index}]"
            )
        yield feature.get("properties") or {}, geom
