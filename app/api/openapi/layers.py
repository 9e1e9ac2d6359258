"""Paths of the planners' layers: DBSCAN clusters, districts, hexagons."""

from __future__ import annotations

from typing import Any

from app.api.openapi.parts import BBOX, BBOX_DESCRIPTION, FILTERS, GEOJSON, answer, operation, query
from app.layers import params

PIN_FILTERS = [query("bbox", f"pins inside: {BBOX_DESCRIPTION}", BBOX), *FILTERS]
EPS = query(
    "eps",
    f"DBSCAN's distance in metres (SWEREF 99 TM), {params.MIN_EPS} to {params.MAX_EPS}; "
    f"default {params.DEFAULT_EPS:g}",
    {"type": "number", "minimum": params.MIN_EPS, "maximum": params.MAX_EPS},
)
MIN_POINTS = query(
    "min_points",
    f"pins within eps (itself included) that make a core, {params.MIN_MIN_POINTS} to "
    f"{params.MAX_MIN_POINTS}; default {params.DEFAULT_MIN_POINTS}. One too small for the "
    "pins that match (too many clusters) is refused: 422 `too_much_work`, whose top-level "
    "`suggested.min_points` is the smallest these filters take",
    {"type": "integer", "minimum": params.MIN_MIN_POINTS, "maximum": params.MAX_MIN_POINTS},
)
HEX_SIZE = query(
    "size",
    f"hexagon edge in metres, {params.MIN_HEX_SIZE} to {params.MAX_HEX_SIZE}, default "
    f"{params.DEFAULT_HEX_SIZE}; and at most {params.MAX_HEX_CELLS} hexagons over the bbox "
    "(or the municipality): a smaller size needs a bbox (422 `too_many_cells` names the "
    "smallest size, and its top-level `suggested.size` holds it)",
    {"type": "integer", "minimum": params.MIN_HEX_SIZE, "maximum": params.MAX_HEX_SIZE},
)
COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}


def layer(properties: dict[str, Any], members: dict[str, Any] | None = None) -> dict[str, Any]:
    """A FeatureCollection schema whose features carry `properties`."""
    return {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": {"const": "Feature"},
                        "geometry": {"type": "object"},
                        "properties": {
                            "type": "object",
                            "required": list(properties),
                            "properties": properties,
                        },
                    },
                },
            },
            "numberReturned": {"type": "integer"},
            **(members or {}),
        },
    }


CLUSTER_PROPERTIES = {
    "cluster_id": {"type": "integer", "minimum": 1},
    "count": {"type": "integer", "minimum": 1},
    "idea_ids": {"type": "array", "items": {"type": "integer"}},
    "by_kind": COUNTS,
    "by_category": COUNTS,
    "top_category": {"type": "string"},
}
DISTRICT_PROPERTIES = {
    "name": {"type": "string"},
    "code": {"type": "string"},
    "population": {"type": ["integer", "null"]},
    "count": {"type": "integer", "minimum": 0},
    "by_kind": COUNTS,
    "by_category": COUNTS,
    "share": {"type": "number", "minimum": 0, "maximum": 1},
    "per_1000": {"type": ["number", "null"]},
}
HEXAGON_PROPERTIES = {
    "i": {"type": "integer"},
    "j": {"type": "integer"},
    "count": {"type": "integer", "minimum": 1},
}

PATHS = {
    "/api/layers/clusters": {
        "get": operation(
            "clusterLayer",
            "DBSCAN density clusters of the published pins, computed in SWEREF 99 TM",
            answer(
                200,
                "one Feature per cluster: its hull (a buffer where the pins have no area), "
                "members and counts; pins in no cluster (noise) are left out. With an ETag: "
                "If-None-Match gets a 304 while no pin has changed",
                GEOJSON,
                layer(
                    CLUSTER_PROPERTIES,
                    {"eps": {"type": "number"}, "min_points": {"type": "integer"}},
                ),
            ),
            parameters=[EPS, MIN_POINTS, *PIN_FILTERS],
            errors=(422,),
        )
    },
    "/api/layers/districts": {
        "get": operation(
            "districtLayer",
            "Every district (or those of `district`) with the pins' counts",
            answer(
                200,
                "district polygons with counts by kind and category, share of all the pins "
                "that match, and per 1,000 residents where the population is known",
                GEOJSON,
                layer(DISTRICT_PROPERTIES),
            ),
            parameters=PIN_FILTERS,
            errors=(422,),
        )
    },
    "/api/layers/hexgrid": {
        "get": operation(
            "hexgridLayer",
            "The non-empty hexagons of ST_HexagonGrid in SWEREF 99 TM with their pin counts",
            answer(
                200,
                "one Feature per hexagon holding pins; id is `i_j`, its place in the grid. "
                "With an ETag: If-None-Match gets a 304 while no pin has changed",
                GEOJSON,
                layer(HEXAGON_PROPERTIES, {"size": {"type": "integer"}}),
            ),
            parameters=[HEX_SIZE, *PIN_FILTERS],
            errors=(422,),
        )
    },
}
