"""Reading polygon layers from GeoJSON files, validated and normalised to MultiPolygons."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shapely.errors import ShapelyError
from shapely.geometry import MultiPolygon, Polygon, shape

from geo.errors import GeometryError
from geo.i18n import N_


def _read_collection(path: str | Path) -> list[Any]:
    """The features of a GeoJSON FeatureCollection file, or a GeometryError saying why not."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise GeometryError(
            "invalid_file", N_("The file is not readable GeoJSON: %(reason)s"), "file", reason=exc
        ) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or data.get("type") != "FeatureCollection":
        raise GeometryError(
            "invalid_file", N_("The file must be a GeoJSON FeatureCollection."), "file"
        )
    return features


def _polygon(feature: Any, field: str) -> MultiPolygon:
    """A feature's geometry as a valid MultiPolygon."""
    try:
        geom = shape(feature["geometry"])
    except (KeyError, TypeError, AttributeError, ValueError, ShapelyError):
        raise GeometryError(
            "invalid_geometry", N_("The feature has no readable geometry."), field
        ) from None
    if isinstance(geom, Polygon):
        geom = MultiPolygon([geom])
    if not isinstance(geom, MultiPolygon):
        raise GeometryError("invalid_geometry", N_("Every feature must be a polygon."), field)
    if not geom.is_valid:
        raise GeometryError("invalid_geometry", N_("The polygon is not valid."), field)
    return geom


def read_polygon_features(path: str | Path) -> Iterator[tuple[dict[str, Any], MultiPolygon]]:
    """Yield (properties, multipolygon) for each feature of a GeoJSON FeatureCollection."""
    for index, feature in enumerate(_read_collection(path)):
        field = f"features[{index}]"
        geom = _polygon(feature, field)
        properties = feature.get("properties") if isinstance(feature, dict) else None
        yield (properties if isinstance(properties, dict) else {}), geom
