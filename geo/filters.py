"""Spatial predicates to compose into any select."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.sql.expression import ColumnElement

from geo.crs import WGS84


def envelope(bbox: tuple[float, float, float, float]) -> ColumnElement[Any]:
    """The bbox (minLon, minLat, maxLon, maxLat) as a WGS 84 polygon."""
    return func.ST_MakeEnvelope(*bbox, WGS84)


def within_bbox(geom: Any, bbox: tuple[float, float, float, float]) -> ColumnElement[bool]:
    """True where the geometry's bounding box meets the bbox (the GiST index's `&&`).

    Exact for points, which is what it filters; for lines and areas it keeps every geometry
    whose box meets the bbox, which is what a map view wants drawn anyway.
    """
    return geom.op("&&")(envelope(bbox))


def intersects_bbox(geom: Any, bbox: tuple[float, float, float, float]) -> ColumnElement[bool]:
    """True where the geometry itself (not only its box) meets the bbox, edges included."""
    return func.ST_Intersects(geom, envelope(bbox))
