"""Paths of the citizens' pins: create, list, one, support, the map view."""

from __future__ import annotations

from typing import Any

from app.api.map import ALWAYS_PINS_FROM_ZOOM, MAX_ZOOM
from app.api.openapi.parts import (
    BBOX,
    BBOX_DESCRIPTION,
    FILTERS,
    GEOJSON,
    JSON,
    LIMIT,
    answer,
    linked,
    operation,
    query,
    ref,
)
from app.common import limits
from app.ideas.similar import NEAR_M, SIMILAR_LIMIT, SIMILAR_MAX, WORDS

ID = ref("parameters", "Id")
SUPPORT_STATE = {
    "type": "object",
    "required": ["id", "supported"],
    "properties": {
        "id": {"type": "integer"},
        "support_count": {"type": "integer"},
        "supported": {"type": "boolean"},
    },
}


def created() -> dict[str, Any]:
    """The 201 of a new pin, with links to what can be done with it next."""
    response = linked(
        answer(201, "the stored pin", GEOJSON, ref("schemas", "Pin")),
        201,
        {"path.id": "$response.body#/id"},
        [
            "getIdea",
            "supportIdea",
            "supportedByMe",
            "flagIdea",
            # the planners' operations on the new pin (they need a signed-in planner)
            "updateIdea",
            "ideaHistory",
            "ideaNotes",
            "addIdeaNote",
            "redactIdea",
        ],
    )
    held = {
        "type": "object",
        "required": ["id", "held", "message"],
        "properties": {
            "id": {"type": "integer"},
            "held": {"const": True},
            "message": {"type": "string"},
        },
    }
    return {
        **response,
        **answer(
            202,
            "stored, but held for a moderator (it matched the word list): not public yet",
            JSON,
            held,
        ),
    }


PATHS = {
    "/api/ideas": {
        "get": operation(
            "listIdeas",
            "Published pins, newest first",
            answer(
                200,
                "a page of pins; next_cursor and a next link when there is more",
                GEOJSON,
                ref("schemas", "FeatureCollection"),
            ),
            parameters=[
                query("bbox", BBOX_DESCRIPTION, BBOX),
                *FILTERS,
                LIMIT,
                query("cursor", "next_cursor of the previous page", {"type": "string"}),
            ],
            errors=(422,),
        ),
        "post": operation(
            "createIdea",
            "Create a pin",
            created(),
            body=ref("schemas", "NewPin"),
            errors=(422,),
            writes=True,
        ),
    },
    "/api/ideas/similar": {
        "get": operation(
            "similarIdeas",
            f"Published pins within {NEAR_M} m of a place that share a word of a title, "
            "newest first (the new-pin form's hint)",
            answer(
                200,
                f"the pins; none when the title has no word of three letters (of its first "
                f"{WORDS} such words, any one matches, stemmed as Swedish)",
                GEOJSON,
                ref("schemas", "FeatureCollection"),
            ),
            parameters=[
                query(
                    "at",
                    "lon,lat inside the municipality",
                    {"type": "string"},
                    required=True,
                ),
                query(
                    "title",
                    "the title being written",
                    {"type": "string", "maxLength": limits.TITLE.max},
                    required=True,
                ),
                query(
                    "limit",
                    f"1 to {SIMILAR_MAX}, default {SIMILAR_LIMIT}",
                    {"type": "integer", "minimum": 1, "maximum": SIMILAR_MAX},
                ),
            ],
            errors=(422,),
        )
    },
    "/api/ideas/{id}": {
        "get": operation(
            "getIdea",
            "One published pin",
            answer(200, "the pin", GEOJSON, ref("schemas", "Pin")),
            parameters=[ID],
            errors=(404,),
        )
    },
    "/api/ideas/{id}/support": {
        "post": operation(
            "supportIdea",
            "Support a pin, once per person (the signed supporter cookie)",
            answer(201, "counted", JSON, SUPPORT_STATE),
            parameters=[ID],
            errors=(404, 409),
            writes=True,
        )
    },
    "/api/ideas/{id}/supported": {
        "get": operation(
            "supportedByMe",
            "Whether this browser supported the pin",
            answer(200, "yes or no", JSON, SUPPORT_STATE),
            parameters=[ID],
            errors=(404,),
        )
    },
    "/api/map/clusters": {
        "get": operation(
            "mapClusters",
            "What the map draws at a view: every pin, or grid clusters when crowded",
            answer(
                200,
                f"features with count and cluster; clusters (below zoom {ALWAYS_PINS_FROM_ZOOM}) "
                "have bbox",
                GEOJSON,
                ref("schemas", "FeatureCollection"),
            ),
            parameters=[
                query("bbox", BBOX_DESCRIPTION, BBOX, required=True),
                query(
                    "zoom",
                    f"0 to {MAX_ZOOM}",
                    {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM},
                    required=True,
                ),
                *FILTERS,
            ],
            errors=(422,),
        )
    },
}
