"""Coordinate reference systems and the configured area of interest.

Stored geometry is WGS 84 lon/lat (EPSG:4326); metric work happens in SWEREF 99 TM (EPSG:3006).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

WGS84 = 4326
SWEREF99TM = 3006


@dataclass(frozen=True)
class AreaOfInterest:
    """The polygon inside which input is accepted, prepared for fast point tests."""

    geometry: BaseGeometry

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat) of the area."""
        minx, miny, maxx, maxy = self.geometry.bounds
        return (minx, miny, maxx, maxy)

    def covers(self, geom: BaseGeometry) -> bool:
        """True when `geom` lies inside the area or on its edge."""
        return bool(self.geometry.covers(geom))


@lru_cache(maxsize=8)
def load_area(path: str) -> AreaOfInterest:
    """Read the area of interest from a GeoJSON file (Feature, FeatureCollection or geometry)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("type") == "FeatureCollection":
        parts = [shape(f["geometry"]) for f in data["features"]]
        geometry = shapely.union_all(parts)
    elif data.get("type") == "Feature":
        geometry = shape(data["geometry"])
    else:
        geometry = shape(data)
    shapely.prepare(geometry)
    return AreaOfInterest(geometry)


# Metres in a degree of latitude (and of longitude at the equator), on the WGS 84 sphere's mean.
METRES_PER_DEGREE = 111_320.0


def bbox_around(lon: float, lat: float, metres: float) -> tuple[float, float, float, float]:
    """The lon/lat box that holds every point within `metres` of (lon, lat).

    Longitude degrees shrink with the cosine of the latitude (at Umeå's 63.8° a degree is
    about 49 km east-west, 111 km north-south); away from the poles, which no pin is near.
    """
    d_lat = metres / METRES_PER_DEGREE
    d_lon = metres / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return (lon - d_lon, lat - d_lat, lon + d_lon, lat + d_lat)
