"""Paths of OGC API – Features under /ogc (Part 1 Core, GeoJSON).

OGC answers 400 (not 422) for a parameter it does not know, one given twice with different
values, or a value it cannot take, and lowers a `limit` above its maximum instead of refusing
it.
"""

from __future__ import annotations

from typing import Any

from app.api.openapi.layers import EPS, HEX_SIZE, MIN_POINTS
from app.api.openapi.parts import (
    BBOX,
    BBOX_DESCRIPTION,
    FILTERS,
    GEOJSON,
    JSON,
    answer,
    linked,
    operation,
    query,
    ref,
)
from app.ogc.collections import COLLECTIONS
from app.ogc.params import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET

LINKS = {"type": "array", "items": {"type": "object", "required": ["href", "rel"]}}
DOCUMENT = {"type": "object", "required": ["links"], "properties": {"links": LINKS}}
COLLECTION = {
    "type": "object",
    "required": ["id", "links"],
    "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "links": LINKS},
}
FORMAT = query("f", "json (the only encoding)", {"type": "string", "enum": ["json", "geojson"]})
COLLECTION_ID = {
    "name": "collection_id",
    "in": "path",
    "required": True,
    "description": "ideas (the pins), districts, hexagons or clusters",
    "schema": {"type": "string", "enum": list(COLLECTIONS)},
}
FEATURE_ID = {
    "name": "feature_id",
    "in": "path",
    "required": True,
    "description": "a pin's or district's id, a hexagon's `i_j`, a cluster's number",
    "schema": {"type": "string"},
}
# Under this name in components, as OGC's own API document has it: QGIS's OGC API client
# reads its `default` there (components/parameters/limit) and, paging on, asks for pages of
# at least 1,000 when it finds one, of 100 when it does not (its source: qgsoapifprovider.cpp;
# GDAL 3.6 reads none of it). No `maximum`: a larger limit is lowered, not refused, which a
# maximum in the schema would declare invalid.
PARAMETERS = {
    "limit": query(
        "limit",
        f"features per page, default {DEFAULT_LIMIT}; above {MAX_LIMIT} it is {MAX_LIMIT}",
        {"type": "integer", "minimum": 1, "default": DEFAULT_LIMIT},
    )
}
SNAPSHOT = query(
    "snapshot",
    "clusters only, set by their links: the later pages, and a cluster's own link, read the "
    "clusters that the first page found",
    {"type": "string", "pattern": "^[0-9a-f]{32}$"},
)
ITEM_PARAMETERS = [
    query(
        "bbox",
        f"features that meet it: {BBOX_DESCRIPTION} (for layers the counts stay those of all "
        "the pins)",
        BBOX,
    ),
    query(
        "datetime",
        "pins created at an instant or in an interval start/end (RFC 3339, `..` for open)",
        {"type": "string"},
    ),
    ref("parameters", "limit"),
    query(
        "offset",
        "features to skip (the next link of a layer sets it)",
        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
    ),
    query("cursor", "the next link of the pins sets it", {"type": "string"}),
    SNAPSHOT,
    *FILTERS,
    EPS,
    MIN_POINTS,
    HEX_SIZE,
    FORMAT,
]
FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features", "links", "numberMatched", "numberReturned", "timeStamp"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": {"type": "object"}},
        "links": LINKS,
        "numberMatched": {"type": "integer", "minimum": 0},
        "numberReturned": {"type": "integer", "minimum": 0},
        "timeStamp": {"type": "string", "format": "date-time"},
    },
}


def _get(operation_id: str, summary: str, ok: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A GET under /ogc: unknown parameters and bad values are a 400."""
    errors = tuple(sorted({400, *kwargs.pop("errors", ())}))
    params = [*kwargs.pop("parameters", []), *([] if kwargs.pop("items", False) else [FORMAT])]
    return {"get": operation(operation_id, summary, ok, parameters=params, errors=errors)}


PATHS = {
    "/ogc": _get(
        "ogcLanding",
        "OGC API – Features: the landing page",
        answer(200, "links to the API definition, conformance and collections", JSON, DOCUMENT),
    ),
    "/ogc/conformance": _get(
        "ogcConformance",
        "The conformance classes (Part 1 Core, GeoJSON)",
        answer(
            200,
            "conformsTo",
            JSON,
            {
                "type": "object",
                "required": ["conformsTo"],
                "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
            },
        ),
    ),
    "/ogc/collections": _get(
        "ogcCollections",
        "The collections: pins, districts, hexagons, clusters",
        answer(
            200,
            "each collection with its extent (CRS84) and items link",
            JSON,
            {
                "type": "object",
                "required": ["collections", "links"],
                "properties": {"collections": {"type": "array", "items": COLLECTION}},
            },
        ),
    ),
    "/ogc/collections/{collection_id}": _get(
        "ogcCollection",
        "One collection",
        answer(200, "the collection", JSON, COLLECTION),
        parameters=[COLLECTION_ID],
        errors=(404,),
    ),
    "/ogc/collections/{collection_id}/items": _get(
        "ogcItems",
        "A page of a collection's features (GeoJSON, CRS84)",
        linked(
            answer(
                200,
                "features with numberMatched, numberReturned and a next link while there is more",
                GEOJSON,
                FEATURE_COLLECTION,
            ),
            200,
            {
                "path.collection_id": "$request.path.collection_id",
                "path.feature_id": "$response.body#/features/0/id",
            },
            ["ogcItem"],
        ),
        parameters=[COLLECTION_ID, *ITEM_PARAMETERS],
        items=True,
        errors=(404,),
    ),
    "/ogc/collections/{collection_id}/items/{feature_id}": _get(
        "ogcItem",
        "One feature",
        answer(200, "the feature with its links", GEOJSON, {"type": "object"}),
        parameters=[COLLECTION_ID, FEATURE_ID, SNAPSHOT, EPS, MIN_POINTS, HEX_SIZE, *FILTERS],
        errors=(404,),
    ),
}
