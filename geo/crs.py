"""Coordinate reference systems and the configured area of interest.

Stored geometry is WGS 84 lon/lat (EPSG:4326); metric work happens in SWEREF 99 TM (EPSG:3006).
A GeoJSON file may say which of the two it is in (`declared_crs`); positions in SWEREF 99 TM
are brought to WGS 84 by PostGIS (`transformed_positions`), as the exports do the reverse.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, bindparam, column, func, select
from sqlalchemy.dialects.postgresql import ARRAY, DOUBLE_PRECISION
from sqlalchemy.orm import Session

from geo.errors import GeometryError
from geo.i18n import N_

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


# --- A file's own CRS ---------------------------------------------------------------------

# The CRS names GDAL reads in a GeoJSON `crs` member (GeoJSON 2008, `{"type": "name", ...}`):
# an OGC URN (`urn:ogc:def:crs:EPSG::3006`, with or without a version), an OGC http URI
# (`http://www.opengis.net/def/crs/EPSG/0/3006`) or `EPSG:3006`; OGC's CRS84 is WGS 84 in
# lon/lat order. EPSG:4326 is lat/lon by its definition, but GDAL writes GeoJSON in lon/lat
# whatever the CRS (traditional GIS order), and so does every GIS a planner has: taken as lon/lat.
_CRS_NAME = re.compile(
    r"urn:(?:x-)?ogc:def:crs:(?P<urn_authority>EPSG|OGC):[0-9.]*:(?P<urn_code>[A-Z0-9]+)"
    r"|https?://www\.opengis\.net/def/crs/(?P<uri_authority>EPSG|OGC)/[0-9.]+/(?P<uri_code>[A-Z0-9]+)"
    r"|(?P<authority>EPSG|OGC):(?P<code>[A-Z0-9]+)",
    re.IGNORECASE,
)
_TAKEN = {("EPSG", "4326"): WGS84, ("OGC", "CRS84"): WGS84, ("EPSG", "3006"): SWEREF99TM}
# A name is quoted back to its sender, not stored: a bound keeps the message a sentence.
_NAME_SHOWN = 80


def declared_crs(member: Any, *, field: str = "crs") -> int:
    """The EPSG code (WGS84 or SWEREF99TM) of a GeoJSON `crs` member, or a GeometryError.

    A CRS other than these two is refused naming it ("EPSG:3857"); so is a member that is
    not a named CRS. A missing or null `crs` is the caller's (RFC 7946: WGS 84).
    """
    properties = member.get("properties") if isinstance(member, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if not isinstance(name, str) or member.get("type") != "name":
        raise GeometryError(
            "invalid_crs",
            N_(
                'crs must be written {"type": "name", "properties": {"name": "…"}}, '
                "as QGIS and GDAL write it."
            ),
            field,
        )
    found = _CRS_NAME.fullmatch(name.strip())
    if found is None:
        # Quoted back without control, format and lone surrogate characters (a NUL, U+202E):
        # the message is read as text, and such characters are refused in any text sent.
        printable = "".join(ch for ch in name.strip() if ch.isprintable())
        shown = printable[:_NAME_SHOWN] or '""'
    else:
        authority = (found["urn_authority"] or found["uri_authority"] or found["authority"]).upper()
        code = (found["urn_code"] or found["uri_code"] or found["code"]).upper()
        if (authority, code) in _TAKEN:
            return _TAKEN[(authority, code)]
        shown = f"{authority}:{code}"
    raise GeometryError(
        "unsupported_crs",
        N_(
            "The file is in %(crs)s. Files in WGS 84 (EPSG:4326, CRS84) or SWEREF 99 TM "
            "(EPSG:3006) are taken: save it in one of them."
        ),
        field,
        crs=shown,
    )


# SWEREF 99 TM's area of use (Sweden, on land and at sea, as EPSG gives it) in its own metres,
# rounded outward: easting about 182,000-1,086,000 m, northing 6,090,000-7,690,000 m. Umeå's
# pins are near 760,000 and 7,090,000. Outside it, PROJ may refuse to transform a point at all.
SWEREF99TM_BOUNDS = (181_000.0, 6_090_000.0, 1_087_000.0, 7_690_000.0)


def in_sweref99tm_bounds(x: float, y: float) -> bool:
    """True when (x, y) can be SWEREF 99 TM metres (easting, northing) of a place in Sweden."""
    min_x, min_y, max_x, max_y = SWEREF99TM_BOUNDS
    return min_x <= x <= max_x and min_y <= y <= max_y


def transformed_positions(
    session: Session | Connection,
    positions: Sequence[tuple[float, float]],
    *,
    source: int,
    target: int = WGS84,
) -> list[tuple[float, float]]:
    """`positions` (x, y in `source`) in `target`, in the same order, by PostGIS in one statement.

    PostGIS transforms as the exports do (geo.export), so a pin exported in SWEREF 99 TM and
    imported again lands where it was. The caller keeps positions within the source's area
    of use (`in_sweref99tm_bounds`): outside it PROJ may refuse.
    """
    if not positions:
        return []
    numbers = ARRAY(DOUBLE_PRECISION)
    given = (
        func.unnest(
            bindparam("xs", [x for x, _ in positions], type_=numbers),
            bindparam("ys", [y for _, y in positions], type_=numbers),
        )
        .table_valued(
            column("x", DOUBLE_PRECISION), column("y", DOUBLE_PRECISION), with_ordinality="n"
        )
        .render_derived(name="given")
    )
    point = func.ST_Transform(
        func.ST_SetSRID(func.ST_MakePoint(given.c.x, given.c.y), source), target
    )
    moved = select(given.c.n, point.label("point")).subquery("moved")
    rows = session.execute(
        select(func.ST_X(moved.c.point), func.ST_Y(moved.c.point)).order_by(moved.c.n)
    ).all()
    return [(float(x), float(y)) for x, y in rows]
