"""Paths of the workshops: set up, join, draw, steer, stream, results."""

from __future__ import annotations

from typing import Any

from app.api.openapi.parts import (
    EXAMPLE_PLACE,
    GEOJSON,
    JSON,
    answer,
    linked,
    operation,
    query,
    ref,
)
from app.api.workshops.events import EVENT_STREAM
from app.api.workshops.identity import FACILITATOR_HEADER, MAX_KEY_LENGTH, PARTICIPANT_HEADER
from app.categories import CATEGORIES, KINDS
from app.common import limits
from app.converters import MAX_ID
from app.workshops.annotations import MAX_VERTICES
from app.workshops.codes import JOIN_ALPHABET, JOIN_CODE_LENGTH
from app.workshops.control import MAX_ZOOM, MIN_ZOOM, STATES
from app.workshops.palette import PALETTE
from app.workshops.presence import PRESENCE_ID as PRESENCE_ID_FORMAT
from app.workshops.promote import MAX_PROMOTE
from app.workshops.setup import MAX_GROUPS

ID = ref("parameters", "Id")
ANNOTATION_ID = {
    "name": "annotation_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}

PRESENCE_ID = {
    "name": "presence_id",
    "in": "path",
    "required": True,
    "description": "the id the stream sent first, in its `presence` event",
    "schema": {"type": "string", "pattern": f"^{PRESENCE_ID_FORMAT.pattern}$"},
}

PARTICIPANT_ID = {
    "name": "participant_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}


def header(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """An optional request header."""
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


IDENTITY = [
    header(
        PARTICIPANT_HEADER,
        "a participant's token from join (else the umecom_participant_<id> cookie)",
    ),
    header(
        FACILITATOR_HEADER,
        "the facilitator key (else the umecom_facilitator_<id> cookie, or the session of the "
        "signed-in planner who started the workshop); a wrong key is a 403",
        {"type": "string", "maxLength": MAX_KEY_LENGTH},
    ),
]
MEMBER = (401, 403, 404)
TEXT = {"type": "string"}
NULLABLE_INT = {"type": ["integer", "null"]}
COLOR = {
    "anyOf": [
        {"enum": list(PALETTE)},
        {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
    ],
    "description": "a palette name or #rrggbb",
}
GROUP = {
    "type": "object",
    "required": ["id", "name", "color"],
    "properties": {"id": {"type": "integer"}, "name": TEXT, "color": TEXT},
}
JOIN_CODE = {
    "type": "string",
    "description": f"{JOIN_CODE_LENGTH} of {JOIN_ALPHABET} (spaces, dashes and case ignored)",
}
JOIN_BLOCK = {
    "type": ["object", "null"],
    "properties": {
        "code": TEXT,
        "url": TEXT,
        "qr_svg": TEXT,
        "open": {"type": "boolean", "description": "new people may join now"},
    },
}
WORKSHOP = {
    "type": "object",
    "required": ["id", "title", "state", "groups", "presence", "last_event_id"],
    "properties": {
        "id": {"type": "integer"},
        "title": TEXT,
        "description": TEXT,
        "state": {"enum": list(STATES)},
        "ends_at": {"type": ["string", "null"], "format": "date-time"},
        "ended": {"type": "boolean", "description": "the end time has passed"},
        "district_id": NULLABLE_INT,
        "focus_area": {"type": ["object", "null"], "description": "GeoJSON MultiPolygon"},
        "groups": {"type": "array", "items": GROUP},
        "follow": {"type": "boolean"},
        "view": {"type": ["object", "null"]},
        "presence": {
            "type": "object",
            "properties": {
                "participants": {"type": "integer"},
                "facilitators": {"type": "integer"},
            },
        },
        "last_event_id": {"type": "integer"},
        "me": {"type": ["object", "null"]},
        "join": JOIN_BLOCK,
    },
}
CREATED_WORKSHOP = {
    "allOf": [
        WORKSHOP,
        {
            "type": "object",
            "required": ["join_code", "join_url", "qr_svg", "facilitator_key", "facilitator_url"],
            "properties": {
                "join_code": TEXT,
                "join_url": TEXT,
                "qr_svg": {"type": "string", "description": "the join link's QR code, SVG"},
                "facilitator_key": {"type": "string", "description": "shown once; keep it"},
                "facilitator_url": TEXT,
            },
        },
    ]
}
JOINED = {
    "type": "object",
    "required": ["workshop_id", "participant_id", "name", "group_id", "token"],
    "properties": {
        "workshop_id": {"type": "integer"},
        "participant_id": {"type": "integer"},
        "name": TEXT,
        "group_id": NULLABLE_INT,
        "token": {"type": "string", "description": f"send it as {PARTICIPANT_HEADER}"},
    },
}
NEW_WORKSHOP = {
    "type": "object",
    "required": ["title"],
    "properties": {
        "title": {"type": "string", "minLength": limits.TITLE.min, "maxLength": limits.TITLE.max},
        "description": {
            "type": ["string", "null"],
            "maxLength": limits.WORKSHOP_DESCRIPTION.max,
        },
        "focus_area": {"type": ["object", "null"], "description": "a GeoJSON Polygon"},
        "district_id": {"type": ["integer", "null"], "description": "or a district's outline"},
        "ends_at": {"type": ["string", "null"], "format": "date-time"},
        "groups": {
            "type": ["array", "null"],
            "maxItems": MAX_GROUPS,
            "items": {
                "anyOf": [
                    {"type": "string", "maxLength": limits.GROUP_NAME.max},
                    {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": {"type": "string", "maxLength": limits.GROUP_NAME.max},
                            "color": COLOR,
                        },
                    },
                ]
            },
        },
    },
}
SHAPE = {
    "type": "object",
    "required": ["type", "coordinates"],
    "properties": {"type": {"enum": ["Point", "LineString", "Polygon"]}, "coordinates": {}},
    "description": f"GeoJSON Point, LineString or Polygon inside Umeå, at most {MAX_VERTICES} "
    "positions, valid (a self-intersection is a 422 with its `location`)",
}
ANNOTATION_PROPERTIES = {
    "note": {"type": ["string", "null"], "maxLength": limits.NOTE.max},
    "color": COLOR,
    "category": {"enum": [c.slug for c in CATEGORIES] + [None]},
}
NEW_ANNOTATION = {
    "type": "object",
    "required": ["type", "geometry"],
    "examples": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": EXAMPLE_PLACE},
            "properties": {"note": "Ett övergångsställe här", "color": "blue"},
        }
    ],
    "properties": {
        "type": {"const": "Feature"},
        "geometry": SHAPE,
        "properties": {
            "type": "object",
            "properties": {
                **ANNOTATION_PROPERTIES,
                "client_id": {
                    "type": "string",
                    "pattern": "^[A-Za-z0-9_.:-]{1,64}$",
                    "description": "makes a retry return the same annotation",
                },
                "on_behalf_of": {
                    "type": "string",
                    "maxLength": limits.DISPLAY_NAME.max,
                    "description": "facilitator: whose paper drawing this is",
                },
                "group": {"description": "facilitator, on behalf: a group id or name"},
            },
        },
    },
}
ANNOTATION = {
    "type": "object",
    "required": ["type", "id", "geometry", "properties"],
    "properties": {
        "type": {"const": "Feature"},
        "id": {"type": "integer"},
        "geometry": {"type": "object"},
        "properties": {
            "type": "object",
            "required": ["note", "color", "version", "author_name"],
            "properties": {
                "note": TEXT,
                "color": TEXT,
                "category": {"type": ["string", "null"]},
                "author_id": {"type": "integer"},
                "author_name": TEXT,
                "group_id": NULLABLE_INT,
                "group": {"type": ["string", "null"]},
                "version": {"type": "integer"},
                "hidden": {"type": "boolean"},
                "on_behalf": {"type": "boolean"},
                "client_id": {"type": ["string", "null"]},
                "pin_id": {
                    "type": ["integer", "null"],
                    "description": "the pin it was made into (promote), or null",
                },
            },
        },
    },
}
CHANGES = {
    "type": "object",
    "required": ["version"],
    "properties": {
        "version": {"type": "integer", "minimum": 1, "description": "the version you changed"},
        "geometry": SHAPE,
        "properties": {"type": "object", "properties": ANNOTATION_PROPERTIES},
    },
}
OBJECT = {"type": "object"}
PARTICIPANT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": TEXT,
        "group_id": NULLABLE_INT,
        "group": {"type": ["string", "null"]},
        "removed": {"type": "boolean"},
        "removed_at": {"type": ["string", "null"], "format": "date-time"},
        "connected": {"type": "boolean"},
    },
}


def body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    """A JSON object body."""
    return {"type": "object", "required": required, "properties": properties}


def facilitator_op(operation_id: str, summary: str, ok: dict, request: dict, **kw: Any) -> dict:
    """A facilitator's state-changing operation."""
    return operation(
        operation_id,
        summary,
        ok,
        parameters=[ID, *IDENTITY],
        body=request,
        errors=(*MEMBER, 409, 422),
        writes=True,
        **kw,
    )


# What a new workshop's facilitator, and a new participant, can call next: the links name the
# new id and pass the key or token as its header (a browser has them as cookies).
AS_FACILITATOR = {
    "path.id": "$response.body#/id",
    f"header.{FACILITATOR_HEADER}": "$response.body#/facilitator_key",
}
FACILITATORS_NEXT = [
    "getWorkshop",
    "setWorkshopState",
    "sendView",
    "setFollow",
    "setWorkshopEnd",
    "setJoinsOpen",
    "changeJoinCode",
    "workshopAudit",
    "listAnnotations",
    "createAnnotation",
    "listParticipants",
    "undoLast",
    "promoteAnnotations",
    "exportWorkshop",
    "workshopSummary",
]
AS_PARTICIPANT = {
    "path.id": "$response.body#/workshop_id",
    f"header.{PARTICIPANT_HEADER}": "$response.body#/token",
}
PARTICIPANTS_NEXT = [
    "getWorkshop",
    "listAnnotations",
    "createAnnotation",
    "undoLast",
    "workshopSummary",
]
# An annotation's own operations, by whoever drew it (with the header the drawing was sent with).
ON_THE_ANNOTATION = {
    "path.id": "$request.path.id",
    "path.annotation_id": "$response.body#/id",
    f"header.{FACILITATOR_HEADER}": f"$request.header.{FACILITATOR_HEADER}",
    f"header.{PARTICIPANT_HEADER}": f"$request.header.{PARTICIPANT_HEADER}",
}


def workshop_created() -> dict[str, Any]:
    """The 201 of a new workshop, with links to what its facilitator can do next.

    The facilitator's operations take the key as their header; joining takes the join code,
    and the facilitator's session the key, in the body.
    """
    response = answer(
        201, "the workshop, its join code and links, and the key", JSON, CREATED_WORKSHOP
    )
    linked(response, 201, AS_FACILITATOR, FACILITATORS_NEXT)
    new_id = {"path.id": "$response.body#/id"}
    linked(response, 201, new_id, ["joinWorkshop"], body={"code": "$response.body#/join_code"})
    key = {"key": "$response.body#/facilitator_key"}
    return linked(response, 201, new_id, ["facilitatorSession"], body=key)


PATHS = {
    "/api/workshops": {
        "post": operation(
            "createWorkshop",
            "Start a workshop (no account; rate-limited); this browser gets the facilitator cookie",
            workshop_created(),
            body=NEW_WORKSHOP,
            errors=(422,),
            writes=True,
        )
    },
    "/api/workshops/by-code": {
        "get": operation(
            "findWorkshopByCode",
            "Which workshop a join code opens",
            answer(200, "the workshop", JSON, OBJECT),
            parameters=[query("code", "the join code", JOIN_CODE, required=True)],
            errors=(404, 422, 429),
        )
    },
    "/api/workshops/{id}": {
        "get": operation(
            "getWorkshop",
            "Public state: title, state, groups, focus area, presence counts (members: join)",
            answer(200, "the workshop", JSON, WORKSHOP),
            parameters=[ID, *IDENTITY],
            errors=(403, 404),
        )
    },
    "/api/workshops/{id}/join": {
        "post": operation(
            "joinWorkshop",
            "Join with the code and a display name; the token also comes as a cookie",
            linked(
                answer(201, "the participant and their token", JSON, JOINED),
                201,
                AS_PARTICIPANT,
                PARTICIPANTS_NEXT,
            ),
            parameters=[ID],
            body=body(
                {
                    "code": JOIN_CODE,
                    "name": {"type": "string", "maxLength": limits.DISPLAY_NAME.max},
                    "group": {"description": "a group id or name"},
                },
                ["code", "name"],
            ),
            errors=(404, 409, 422),
            writes=True,
        )
    },
    "/api/workshops/{id}/facilitator": {
        "post": {
            **operation(
                "facilitatorSession",
                "Exchange the secret link's key for a signed facilitator cookie",
                {"204": {"description": "the cookie is set"}},
                parameters=[ID],
                body=body({"key": {"type": "string"}}, ["key"]),
                errors=(403, 404, 422),
                writes=True,
            )
        }
    },
    "/api/workshops/{id}/state": {
        "post": facilitator_op(
            "setWorkshopState",
            "Facilitator: open, pause drawing, or close (for good; the streams end)",
            answer(200, "the new state", JSON, OBJECT),
            body({"state": {"enum": list(STATES)}}, ["state"]),
        )
    },
    "/api/workshops/{id}/view": {
        "post": facilitator_op(
            "sendView",
            "Facilitator: bring everyone here (in follow mode: where the facilitator looks)",
            answer(200, "the view sent", JSON, OBJECT),
            body(
                {
                    "center": {
                        "type": "array",
                        "minItems": 2,
                        "maxItems": 2,
                        "items": {"type": "number"},
                    },
                    "zoom": {"type": "integer", "minimum": MIN_ZOOM, "maximum": MAX_ZOOM},
                },
                ["center", "zoom"],
            )
            | {"examples": [{"center": EXAMPLE_PLACE, "zoom": 15}]},
        )
    },
    "/api/workshops/{id}/follow": {
        "post": facilitator_op(
            "setFollow",
            'Facilitator: "follow me" on or off',
            answer(200, "whether it is on", JSON, OBJECT),
            body({"on": {"type": "boolean"}}, ["on"]),
        )
    },
    "/api/workshops/{id}/ends_at": {
        "post": facilitator_op(
            "setWorkshopEnd",
            "Facilitator: a later end time, or none (after it, joins and participants' "
            "changes are refused with 409 workshop_ended)",
            answer(200, "the new end time", JSON, OBJECT),
            body({"ends_at": {"type": ["string", "null"], "format": "date-time"}}, ["ends_at"]),
        )
    },
    "/api/workshops/{id}/joins": {
        "post": facilitator_op(
            "setJoinsOpen",
            "Facilitator: stop new joins (409 joins_stopped; everyone in stays in), or let new "
            "people join again",
            answer(200, "the join block", JSON, {**JOIN_BLOCK, "type": "object"}),
            body({"open": {"type": "boolean"}}, ["open"]),
        )
    },
    "/api/workshops/{id}/join_code": {
        "post": operation(
            "changeJoinCode",
            "Facilitator: a new join code; the old code, link and QR code open nothing any more",
            answer(200, "the join block", JSON, {**JOIN_BLOCK, "type": "object"}),
            parameters=[ID, *IDENTITY],
            errors=(*MEMBER, 409),
            writes=True,
        )
    },
    "/api/workshops/{id}/audit": {
        "get": operation(
            "workshopAudit",
            "Facilitator: every facilitator action, oldest first",
            answer(200, "the entries", JSON, OBJECT),
            parameters=[ID, *IDENTITY],
            errors=MEMBER,
        )
    },
    "/api/workshops/{id}/annotations": {
        "get": operation(
            "listAnnotations",
            "Members: the annotations (hidden ones for the facilitator), with last_event_id",
            answer(200, "a FeatureCollection", GEOJSON, ref("schemas", "FeatureCollection")),
            parameters=[ID, *IDENTITY],
            errors=MEMBER,
        ),
        "post": operation(
            "createAnnotation",
            "Draw (idempotent with client_id or Idempotency-Key: a retry gets 200, same one)",
            {
                **linked(
                    answer(201, "the annotation", GEOJSON, ANNOTATION),
                    201,
                    ON_THE_ANNOTATION,
                    ["updateAnnotation", "deleteAnnotation", "hideAnnotation"],
                ),
                **answer(200, "a retry: the annotation the first try made", GEOJSON, ANNOTATION),
            },
            parameters=[
                ID,
                *IDENTITY,
                header("Idempotency-Key", "a client-generated id, like client_id"),
            ],
            body=NEW_ANNOTATION,
            errors=(*MEMBER, 409, 422),
            writes=True,
        ),
    },
    "/api/workshops/{id}/annotations/{annotation_id}": {
        "patch": operation(
            "updateAnnotation",
            "Edit (its author or the facilitator) with the version changed; stale: 409 + current",
            answer(200, "the annotation", GEOJSON, ANNOTATION),
            parameters=[ID, ANNOTATION_ID, *IDENTITY],
            body=CHANGES,
            errors=(*MEMBER, 409, 422),
            writes=True,
        ),
        "delete": operation(
            "deleteAnnotation",
            "Delete (its author or the facilitator); ?version= makes it conditional",
            {"204": {"description": "deleted"}},
            parameters=[
                ID,
                ANNOTATION_ID,
                *IDENTITY,
                query("version", "the version you saw", {"type": "integer", "minimum": 1}),
            ],
            errors=(*MEMBER, 409, 422),
            writes=True,
        ),
    },
    "/api/workshops/{id}/annotations/{annotation_id}/hidden": {
        "post": operation(
            "hideAnnotation",
            "Facilitator: hide from participants, or show again",
            answer(200, "the annotation", GEOJSON, ANNOTATION),
            parameters=[ID, ANNOTATION_ID, *IDENTITY],
            body=body({"hidden": {"type": "boolean"}}, ["hidden"]),
            errors=(*MEMBER, 409, 422),
            writes=True,
        )
    },
    "/api/workshops/{id}/participants": {
        "get": operation(
            "listParticipants",
            "Facilitator: everyone who joined, connected or not, removed or not",
            linked(
                answer(
                    200,
                    "the participants",
                    JSON,
                    {
                        "type": "object",
                        "properties": {"participants": {"type": "array", "items": PARTICIPANT}},
                    },
                ),
                200,
                {
                    "path.id": "$request.path.id",
                    "path.participant_id": "$response.body#/participants/0/id",
                    f"header.{FACILITATOR_HEADER}": f"$request.header.{FACILITATOR_HEADER}",
                },
                ["setParticipantRemoved"],
            ),
            parameters=[ID, *IDENTITY],
            errors=MEMBER,
        )
    },
    "/api/workshops/{id}/participants/{participant_id}/removed": {
        "post": operation(
            "setParticipantRemoved",
            "Facilitator: remove a participant (their token changes nothing from then on, and "
            "their drawings are hidden unless hide_drawings is false; their writes answer 403 "
            "removed), or let them back in",
            answer(
                200, "the participant, with hidden: the drawings this call hid", JSON, PARTICIPANT
            ),
            parameters=[ID, PARTICIPANT_ID, *IDENTITY],
            body=body(
                {
                    "removed": {"type": "boolean"},
                    "hide_drawings": {"type": "boolean", "default": True},
                },
                ["removed"],
            ),
            errors=(*MEMBER, 409, 422),
            writes=True,
        )
    },
    "/api/workshops/{id}/undo": {
        "post": {
            **operation(
                "undoLast",
                "Undo the caller's own last change, never another's",
                answer(200, "what was undone and the annotation now", JSON, OBJECT),
                parameters=[ID, *IDENTITY],
                errors=(*MEMBER, 409),
                writes=True,
            ),
            "description": (
                "A change someone else has changed since (or whose annotation they deleted) "
                "is refused once with 409 `changed_since` (with `current`, the annotation as "
                "it is now, unless it is gone) and passed over from then on: the next call "
                "undoes the caller's change before it."
            ),
        }
    },
    "/api/workshops/{id}/events": {
        "get": operation(
            "workshopEvents",
            "Members: Server-Sent Events (see the README for the event types)",
            {
                **answer(200, "the stream", EVENT_STREAM, TEXT),
                "204": {"description": "closed, and nothing left to send: stop reconnecting"},
            },
            parameters=[
                ID,
                *IDENTITY,
                header("Last-Event-ID", "resume after this event (browsers send it)"),
                query(
                    "last_event_id",
                    "resume after this event (the first connect)",
                    {"type": "integer", "minimum": 0},
                ),
                query(
                    "display",
                    "true for a wall or projector: the stream counts as nobody present",
                    {"type": "boolean", "default": False},
                ),
            ],
            errors=(*MEMBER, 422),
        )
    },
    "/api/workshops/{id}/presence/{presence_id}": {
        "delete": operation(
            "workshopPresenceDeparted",
            "Members: the page of this stream is closing; its reader is no longer counted",
            {"204": {"description": "no longer counted"}},
            parameters=[ID, PRESENCE_ID, *IDENTITY],
            errors=MEMBER,
            writes=True,
        )
    },
    "/api/workshops/{id}/promote": {
        "post": operation(
            "promoteAnnotations",
            "Facilitator: make pins of annotations, all or nothing, each once",
            answer(201, "the pins", GEOJSON, ref("schemas", "FeatureCollection")),
            parameters=[ID, *IDENTITY],
            body=body(
                {
                    "annotation_ids": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": MAX_PROMOTE,
                        "items": {"type": "integer", "minimum": 1},
                    },
                    "kind": {"enum": list(KINDS)},
                    "category": {"enum": [c.slug for c in CATEGORIES]},
                },
                ["annotation_ids", "kind"],
            ),
            errors=(*MEMBER, 409, 422),
            writes=True,
        )
    },
    "/api/workshops/{id}/export.geojson": {
        "get": operation(
            "exportWorkshop",
            "Facilitator: the annotations as a GeoJSON file (no display names)",
            answer(200, "a FeatureCollection", GEOJSON, ref("schemas", "FeatureCollection")),
            parameters=[ID, *IDENTITY],
            errors=MEMBER,
        )
    },
    "/api/workshops/{id}/summary": {
        "get": operation(
            "workshopSummary",
            "Members: counts by type, group and category",
            answer(200, "the counts", JSON, OBJECT),
            parameters=[ID, *IDENTITY],
            errors=MEMBER,
        )
    },
}
