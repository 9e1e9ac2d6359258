"""Spatial predicates to compose into any select."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, func
from sqlalchemy.sql.expression import ColumnElement

from geo.crs import WGS84


def envelope(bbox: tuple[float, float, float, float]) -> ColumnElement[Any]:
    """The bbox (minLon, minLat, maxLon, maxLat) as a WGS 84 polygon."""
    return func.ST_MakeEnvelope(*bbox, WGS84)


def within_bbox(point: Any, bbox: tuple[float, float, float, float]) -> ColumnElement[bool]:
    """True where the point lies in the bbox, its edges and corners included (a closed box).

    For points. `&&` finds the candidates in the GiST index, but it compares boxes rounded
    outwards to float4 (4e-6 degrees here, 0.4 m of latitude): alone, as this was, it kept
    pins up to about a metre outside the bbox. The point's coordinates are then compared
    with the bbox's as the doubles they are, which also holds a bbox of no area (a point, a
    line). Inside COALESCE, so that PostgreSQL, which has no statistics for ST_X and ST_Y,
    takes the comparisons to keep half the candidates: as four conditions it took them to
    keep 5 of 437,652, and sorted them all for a page of the newest 100.

    Measured on a copy of bench.http's uniform database (1.78M pins), a bbox of 437,652
    pins, one process, in turn: counting them took 77-81 ms with `&&` alone, 133-141 with
    these comparisons, 314-379 with ST_Intersects (exact too, but empty for a flat bbox as
    ST_MakeEnvelope draws it). A page of the newest 100: 2-4 ms with `&&` alone or with
    this, 14-16 with ST_Intersects (its cost drew a parallel plan), 636 ms with the
    comparisons outside COALESCE. The map's prepared views kept their plans and indexes
    (EXPLAIN ANALYZE of generic plans), and took 0.867-0.877 ms a view against 0.840-0.847
    (medians of bench.map_views' 720 views, 15 rounds each way; bench/README.md).
    """
    return and_(point.op("&&")(envelope(bbox)), inside_bbox(point, bbox))


def inside_bbox(point: Any, bbox: tuple[float, float, float, float]) -> ColumnElement[bool]:
    """True where the point lies in the closed bbox, each point tested on its own, by no index.

    `within_bbox`'s exact test without its `&&`: for a walk that tests rows one by one as
    another index yields them (the newest pins by id, app.ideas.map_view), where a spatial
    index would first find every pin in the bbox. In COALESCE, as `within_bbox` says why.
    """
    min_lon, min_lat, max_lon, max_lat = bbox
    lon, lat = func.ST_X(point), func.ST_Y(point)
    exact = and_(lon >= min_lon, lon <= max_lon, lat >= min_lat, lat <= max_lat)
    return func.coalesce(exact, false())


def bbox_shape(bbox: tuple[float, float, float, float]) -> ColumnElement[Any]:
    """The bbox as the shape it covers: a polygon, or the point or the line of a flat bbox.

    ST_MakeEnvelope draws a bbox of no area as a polygon of no area, which intersects nothing
    (GEOS 3.11, psql); a layer's features met it only as a plan happened to test them, so a
    test of a flat bbox passed or failed with the table's statistics.
    """
    min_lon, min_lat, max_lon, max_lat = bbox
    if min_lon == max_lon and min_lat == max_lat:
        return func.ST_SetSRID(func.ST_MakePoint(min_lon, min_lat), WGS84)
    if min_lon == max_lon or min_lat == max_lat:
        line = func.ST_MakeLine(
            func.ST_MakePoint(min_lon, min_lat), func.ST_MakePoint(max_lon, max_lat)
        )
        return func.ST_SetSRID(line, WGS84)
    return envelope(bbox)


def intersects_bbox(geom: Any, bbox: tuple[float, float, float, float]) -> ColumnElement[bool]:
    """True where the geometry itself (not only its box) meets the bbox, edges included."""
    return func.ST_Intersects(geom, bbox_shape(bbox))
