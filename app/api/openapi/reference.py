"""Paths of the reference data: health, categories, places, districts, area, this document."""

from __future__ import annotations

from app.api.openapi.parts import EXAMPLE_PLACE, GEOJSON, JSON, answer, operation, query, ref
from app.common import limits

PLACE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "type": {"enum": ["stadsdel", "tatort"]},
        "code": {"type": "string"},
        "lon": {"type": "number"},
        "lat": {"type": "number"},
        "population": {"type": ["integer", "null"]},
    },
}
CATEGORY = {
    "type": "object",
    "required": ["slug", "label", "kinds"],
    "properties": {
        "slug": {"type": "string"},
        "label": {"type": "string"},
        "kinds": {"type": "array", "items": {"enum": ["idea", "concern"]}},
    },
}
PLACE_AT = {
    "type": "object",
    "required": ["at", "district"],
    "properties": {
        "at": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        "district": {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["code", "name"],
                    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
                },
                {"type": "null"},
            ]
        },
    },
}
HEALTH = {
    "type": "object",
    "required": ["status", "database"],
    "properties": {"status": {"type": "string"}, "database": {"type": "string"}},
}

PATHS = {
    "/healthz": {
        "get": {
            "operationId": "health",
            "summary": "Health of the app and PostGIS",
            "responses": {
                **answer(200, "ok", JSON, HEALTH),
                **answer(503, "the database does not answer", JSON, HEALTH),
            },
        }
    },
    "/api/categories": {
        "get": operation(
            "categories",
            "The categories, labels in the request's language",
            answer(200, "categories", JSON, {"type": "array", "items": CATEGORY}),
        )
    },
    "/api/places": {
        "get": operation(
            "places",
            "Districts and localities by name (accents and case ignored)",
            answer(200, "places", JSON, {"type": "array", "items": PLACE}),
            parameters=[
                query(
                    "q",
                    f"search text, at most {limits.PLACE_QUERY.max} characters",
                    {"type": "string", "maxLength": limits.PLACE_QUERY.max},
                )
            ],
            errors=(422,),
        )
    },
    "/api/places/at": {
        "get": operation(
            "placeAt",
            "Whether a pin may be placed at a place, and the district it would belong to",
            answer(200, "the place and its district", JSON, PLACE_AT),
            parameters=[
                query(
                    "at",
                    "lon,lat; outside the municipality is refused (`outside_area`), as a pin is",
                    {"type": "string", "examples": [",".join(map(str, EXAMPLE_PLACE))]},
                    required=True,
                )
            ],
            errors=(422,),
        )
    },
    "/api/districts": {
        "get": operation(
            "districts",
            "District polygons (simplified for display) with name and code",
            answer(200, "districts", GEOJSON, ref("schemas", "FeatureCollection")),
        )
    },
    "/api/area": {
        "get": {
            "operationId": "area",
            "summary": "The outline of the area where pins are accepted",
            "responses": answer(200, "GeoJSON", GEOJSON, {"type": "object"}),
        }
    },
    "/api/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "responses": answer(200, "OpenAPI 3.1", JSON, {"type": "object"}),
        }
    },
}
