"""GeoJSON in, Shapely geometry out, or a GeometryError naming what is wrong."""

from __future__ import annotations

import re
from typing import Any

import shapely
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from geo.crs import AreaOfInterest, in_sweref99tm_bounds
from geo.errors import GeometryError
from geo.i18n import N_
from geo.numbers import finite_float, parse_decimal


def parse_point(
    geometry: Any, area: AreaOfInterest, *, field: str = "geometry", from_gis: bool = False
) -> Point:
    """Validate a GeoJSON Point inside `area` and return it as a Shapely point (lon, lat).

    `from_gis`: a file a GIS wrote (an import). QGIS and QField write a PointZ layer's points
    with an altitude, which RFC 7946 allows as a third number, and a point layer of type
    MultiPoint as one-point MultiPoints; both are taken, the altitude dropped (a pin is a
    place on the map). Clients that draw on our map send [lon, lat] and stay held to it.
    """
    lon, lat = point_position(geometry, field=field, from_gis=from_gis)
    return _point_in_area(lon, lat, area, f"{field}.coordinates")


def point_position(
    geometry: Any, *, field: str = "geometry", from_gis: bool = False
) -> tuple[float, float]:
    """The two finite numbers of a GeoJSON Point, in whatever CRS it is (see `parse_point`)."""
    if not isinstance(geometry, dict):
        raise GeometryError("invalid_geometry", N_("Geometry must be a GeoJSON object."), field)
    coords = geometry.get("coordinates")
    if from_gis and geometry.get("type") == "MultiPoint":
        coords = _only_point(coords, f"{field}.coordinates")
    elif geometry.get("type") != "Point":
        message = (
            N_("Geometry must be a GeoJSON Point (or a MultiPoint of one point).")
            if from_gis
            else N_("Geometry must be a GeoJSON Point.")
        )
        raise GeometryError("invalid_geometry", message, f"{field}.type")
    if from_gis and isinstance(coords, list) and len(coords) == 3:
        coords = _without_altitude(coords, f"{field}.coordinates")
    if not isinstance(coords, list) or len(coords) != 2:
        message = (
            N_("A Point needs two or three coordinates: [longitude, latitude(, altitude)].")
            if from_gis
            else N_("A Point needs exactly two coordinates: [longitude, latitude].")
        )
        raise GeometryError("invalid_geometry", message, f"{field}.coordinates")
    lon, lat = finite_float(coords[0]), finite_float(coords[1])
    if lon is None or lat is None:
        raise GeometryError(
            "invalid_geometry", N_("Coordinates must be finite numbers."), f"{field}.coordinates"
        )
    return lon, lat


def sweref99tm_position(geometry: Any, *, field: str = "geometry") -> tuple[float, float]:
    """(easting, northing) of a GIS file's Point in SWEREF 99 TM, where Sweden's are.

    A file's point as `parse_point(from_gis=True)` takes it; it is still to be transformed
    (geo.crs.transformed_positions) and checked as any pin.
    """
    x, y = point_position(geometry, field=field, from_gis=True)
    if not in_sweref99tm_bounds(x, y):
        raise GeometryError(
            "invalid_geometry",
            N_(
                "Coordinates are out of range for SWEREF 99 TM: easting (x) first, then "
                "northing (y), in metres."
            ),
            f"{field}.coordinates",
        )
    return x, y


def refuse_undeclared_sweref99tm(geometry: Any, *, field: str = "geometry") -> None:
    """Refuse a GIS file's Point that is no lon/lat but SWEREF 99 TM metres in Sweden.

    For a file without a `crs` member: saved without its CRS, its metres would otherwise be
    told they are out of range "longitude first, then latitude", as if swapped. A point
    that cannot be read is left for `parse_point` to refuse.
    """
    try:
        x, y = point_position(geometry, field=field, from_gis=True)
    except GeometryError:
        return
    if not _is_lonlat(x, y) and in_sweref99tm_bounds(x, y):
        raise GeometryError(
            "undeclared_crs",
            N_(
                "These coordinates look like SWEREF 99 TM (metres), but the file does not "
                "say which CRS it is in. Save it with its CRS (EPSG:3006), or as WGS 84."
            ),
            f"{field}.coordinates",
        )


def _only_point(coords: Any, field: str) -> Any:
    """The one position of a MultiPoint's coordinates; several points are not one pin."""
    if not isinstance(coords, list) or len(coords) != 1:
        raise GeometryError(
            "invalid_geometry", N_("A MultiPoint must hold exactly one point for a pin."), field
        )
    return coords[0]


def _without_altitude(coords: list[Any], field: str) -> list[Any]:
    """[lon, lat] of [lon, lat, altitude], once the altitude is seen to be a finite number."""
    if finite_float(coords[2]) is None:
        raise GeometryError("invalid_geometry", N_("Coordinates must be finite numbers."), field)
    return coords[:2]


def parse_position(raw: str, area: AreaOfInterest, *, field: str = "at") -> Point:
    """Parse `lon,lat` from a query string strictly into a point inside `area`."""
    parts = raw.split(",")
    if len(parts) != 2:
        raise GeometryError(
            "invalid_position", N_("%(name)s needs two numbers: lon,lat."), field, name=field
        )
    lon, lat = (parse_decimal(part) for part in parts)
    if lon is None or lat is None:
        raise GeometryError(
            "invalid_position", N_("%(name)s values must be finite numbers."), field, name=field
        )
    return _point_in_area(lon, lat, area, field)


def _is_lonlat(lon: float, lat: float) -> bool:
    """True when (lon, lat) is a position on Earth in degrees."""
    return -180 <= lon <= 180 and -90 <= lat <= 90


def _point_in_area(lon: float, lat: float, area: AreaOfInterest, field: str) -> Point:
    """The point (lon, lat), if it is a position on Earth inside `area`."""
    if not _is_lonlat(lon, lat):
        raise GeometryError(
            "invalid_geometry",
            N_("Coordinates are out of range: longitude first, then latitude."),
            field,
        )
    point = Point(lon, lat)
    if not area.covers(point):
        raise GeometryError(
            "outside_area", N_("The place is outside the area this map covers."), field
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


SHAPE_TYPES = ("Point", "LineString", "Polygon")
# GEOS says what is wrong and where: "Self-intersection[20.26 63.82]".
_REASON = re.compile(r"^(?P<reason>[^\[]*)\[(?P<x>[^ \]]+) (?P<y>[^\]]+)\]$")
_REASONS = {
    "Self-intersection": N_("The shape crosses itself at %(lon).6f, %(lat).6f."),
    "Ring Self-intersection": N_("The shape crosses itself at %(lon).6f, %(lat).6f."),
    "Too few points in geometry component": N_(
        "The shape has too few distinct points (near %(lon).6f, %(lat).6f)."
    ),
    "Hole lies outside shell": N_("A hole of the area lies outside it (at %(lon).6f, %(lat).6f)."),
    "Nested shells": N_("The area has nested outlines (at %(lon).6f, %(lat).6f)."),
    "Interior is disconnected": N_("The area's holes split it in parts (at %(lon).6f, %(lat).6f)."),
}
_OTHER_REASON = N_("The shape is not valid at %(lon).6f, %(lat).6f.")


def _position(value: Any, field: str) -> tuple[float, float]:
    """One [lon, lat] position: two finite numbers within range."""
    if not isinstance(value, list) or len(value) != 2:
        raise GeometryError(
            "invalid_geometry",
            N_("Each position needs exactly two coordinates: [longitude, latitude]."),
            field,
        )
    lon, lat = finite_float(value[0]), finite_float(value[1])
    if lon is None or lat is None:
        raise GeometryError("invalid_geometry", N_("Coordinates must be finite numbers."), field)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise GeometryError(
            "invalid_geometry",
            N_("Coordinates are out of range: longitude first, then latitude."),
            field,
        )
    return (lon, lat)


def _positions(value: Any, field: str, *, minimum: int, budget: list[int]) -> list[Any]:
    """A list of at least `minimum` positions, counted against the shared vertex `budget`."""
    if not isinstance(value, list) or len(value) < minimum:
        raise GeometryError(
            "invalid_geometry", N_("This needs at least %(n)s positions."), field, n=minimum
        )
    budget[0] -= len(value)
    if budget[0] < 0:
        raise GeometryError(
            "too_many_vertices",
            N_("A shape may have at most %(n)s points."),
            field,
            n=budget[1],
        )
    return [_position(item, field) for item in value]


def _build(kind: str, coords: Any, field: str, max_vertices: int) -> BaseGeometry:
    """The Shapely geometry of `kind` from its GeoJSON coordinates, structure checked."""
    budget = [max_vertices, max_vertices]
    if kind == "Point":
        return Point(_position(coords, field))
    if kind == "LineString":
        return LineString(_positions(coords, field, minimum=2, budget=budget))
    if not isinstance(coords, list) or not coords:
        raise GeometryError("invalid_geometry", N_("A Polygon needs at least one ring."), field)
    rings = []
    for index, ring in enumerate(coords):
        ring_field = f"{field}[{index}]"
        points = _positions(ring, ring_field, minimum=4, budget=budget)
        if points[0] != points[-1]:
            raise GeometryError(
                "invalid_geometry",
                N_("A ring must end where it starts."),
                ring_field,
            )
        rings.append(points)
    return Polygon(rings[0], rings[1:])


def _check_valid(geom: BaseGeometry, field: str) -> None:
    """Refuse an invalid shape with what is wrong and where (from GEOS)."""
    if geom.is_valid:
        return
    found = _REASON.match(shapely.is_valid_reason(geom))
    if found is None:
        raise GeometryError("invalid_geometry", N_("The shape is not valid."), field)
    lon, lat = float(found["x"]), float(found["y"])
    message = _REASONS.get(found["reason"].strip(), _OTHER_REASON)
    code = "self_intersection" if "intersection" in found["reason"] else "invalid_geometry"
    raise GeometryError(code, message, field, location=(lon, lat), lon=lon, lat=lat)


def parse_shape(
    geometry: Any,
    area: AreaOfInterest,
    *,
    max_vertices: int,
    field: str = "geometry",
) -> BaseGeometry:
    """Validate a GeoJSON Point, LineString or Polygon inside `area`; a Shapely geometry.

    Positions are [lon, lat] and finite; at most `max_vertices` positions in all; the shape is
    valid (a polygon that crosses itself is refused with where it does) and lies inside the area.
    """
    if not isinstance(geometry, dict):
        raise GeometryError("invalid_geometry", N_("Geometry must be a GeoJSON object."), field)
    kind = geometry.get("type")
    if kind not in SHAPE_TYPES:
        raise GeometryError(
            "invalid_geometry",
            N_("Geometry must be a GeoJSON Point, LineString or Polygon."),
            f"{field}.type",
        )
    shape = _build(str(kind), geometry.get("coordinates"), f"{field}.coordinates", max_vertices)
    _check_valid(shape, f"{field}.coordinates")
    if not area.covers(shape):
        raise GeometryError(
            "outside_area",
            N_("The shape reaches outside the area this map covers."),
            f"{field}.coordinates",
        )
    return shape
