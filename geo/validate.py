"""GeoJSON in, Shapely geometry out, or a GeometryError naming what is wrong."""

from __future__ import annotations

from typing import Any

from shapely.geometry import Point

from geo.crs import AreaOfInterest
from geo.errors import GeometryError
from geo.i18n import N_
from geo.numbers import finite_float, parse_decimal


def parse_point(geometry: Any, area: AreaOfInterest, *, field: str = "geometry") -> Point:
    """Validate a GeoJSON Point inside `area` and return it as a Shapely point (lon, lat)."""
    if not isinstance(geometry, dict):
        raise GeometryError("invalid_geometry", N_("Geometry must be a GeoJSON object."), field)
    if geometry.get("type") != "Point":
        raise GeometryError(
            "invalid_geometry", N_("Geometry must be a GeoJSON Point."), f"{field}.type"
        )
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or len(coords) != 2:
        raise GeometryError(
            "invalid_geometry",
            N_("A Point needs exactly two coordinates: [longitude, latitude]."),
            f"{field}.coordinates",
        )
    lon, lat = finite_float(coords[0]), finite_float(coords[1])
    if lon is None or lat is None:
        raise GeometryError(
            "invalid_geometry", N_("Coordinates must be finite numbers."), f"{field}.coordinates"
        )
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeometryError(
            "invalid_geometry",
            N_("Coordinates are out of range: longitude first, then latitude."),
            f"{field}.coordinates",
        )
    point = Point(lon, lat)
    if not area.covers(point):
        raise GeometryError(
            "outside_area",
            N_("The place is outside the area this map covers."),
            f"{field}.coordinates",
        )
    return point


def parse_bbox(raw: str, *, field: str = "bbox") -> tuple[float, float, float, float]:
    """Parse `minLon,minLat,maxLon,maxLat` strictly into four finite, ordered numbers."""
    parts = raw.split(",")
    if len(parts) != 4:
        raise GeometryError(
            "invalid_bbox", N_("bbox needs four numbers: minLon,minLat,maxLon,maxLat."), field
        )
    parsed = [parse_decimal(p.strip()) for p in parts]
    values = [v for v in parsed if v is not None]
    if len(values) != 4:
        raise GeometryError("invalid_bbox", N_("bbox values must be finite numbers."), field)
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise GeometryError("invalid_bbox", N_("bbox longitudes must lie within -180..180."), field)
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise GeometryError("invalid_bbox", N_("bbox latitudes must lie within -90..90."), field)
    if min_lon > max_lon or min_lat > max_lat:
        raise GeometryError(
            "invalid_bbox", N_("bbox minimums must not exceed its maximums."), field
        )
    return (min_lon, min_lat, max_lon, max_lat)
