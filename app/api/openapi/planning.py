"""Paths of the planners' side: reports, moderation, answers, history, notes, templates.

Everything but reporting a pin needs a planner's session (the cookie from signing in at
/login): 401 without one, 403 for a role below the one an operation needs.
"""

from __future__ import annotations

from typing import Any

from app.api.moderation import QUEUE_DEFAULT, QUEUE_MAX
from app.api.openapi.parts import JSON, NULLABLE_TEXT, answer, operation, query, ref
from app.categories import CATEGORIES, KINDS, STATUSES, VISIBILITIES
from app.common import limits
from app.converters import MAX_ID
from app.planning.enums import FLAG_REASONS, HISTORY_ACTIONS, MODERATED_VISIBILITIES, ROLES
from app.planning.imports import DEFAULT_IMPORT_SOURCE, IMPORT_SOURCES, MAX_IMPORT_FEATURES

ID = ref("parameters", "Id")
PIN_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
STATUS = {"enum": list(STATUSES)}


def text(limit: limits.TextLimit, *, nullable: bool = False) -> dict[str, Any]:
    """A text field with the server's limits."""
    schema: dict[str, Any] = {"type": ["string", "null"] if nullable else "string"}
    schema["maxLength"] = limit.max
    if limit.min and not nullable:
        schema["minLength"] = limit.min
    return schema


def obj(properties: dict[str, Any], *required: str, closed: bool = False) -> dict[str, Any]:
    """An object schema; `closed` when the server refuses members it does not know."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


STAFF_PIN = obj(
    {
        "id": {"type": "integer"},
        "kind": {"enum": list(KINDS)},
        "category": {"type": "string"},
        "title": {"type": "string"},
        "body": {"type": "string"},
        "author_name": NULLABLE_TEXT,
        "visibility": {"enum": list(VISIBILITIES)},
        "status": STATUS,
        "answer": NULLABLE_TEXT,
        "answer_en": NULLABLE_TEXT,
        "answered_at": NULLABLE_TEXT,
        "duplicate_of": {"type": ["integer", "null"]},
        "source": {"type": "string"},
        "district": NULLABLE_TEXT,
        "created_at": {"type": "string"},
        "updated_at": {"type": "string"},
        "support_count": {"type": "integer"},
        "open_reports": {"type": "integer"},
        "lon": {"type": "number"},
        "lat": {"type": "number"},
        "changed": {
            "type": "array",
            "items": {"enum": list(HISTORY_ACTIONS)},
            "description": "the history actions this request took (none when nothing changed)",
        },
    },
    "id",
    "visibility",
    "status",
)
LAST_CHANGE_SEEN = {
    "type": "integer",
    "minimum": 0,
    "maximum": MAX_ID,
    "description": "the id of the newest history entry the client showed (0: none): if the "
    "pin has a newer one (a colleague's change), 409 changed_meanwhile and nothing is changed",
}
CHANGEABLE = ("status", "answer", "answer_en", "category", "duplicate_of", "visibility")
PIN_CHANGES = {
    **obj(
        {
            "status": STATUS,
            "answer": {
                **text(limits.ANSWER, nullable=True),
                "description": "the public answer in Swedish; empty or null clears it, and "
                "answer_en too unless sent with it",
            },
            "answer_en": text(limits.ANSWER, nullable=True),
            "category": {"enum": [c.slug for c in CATEGORIES]},
            "duplicate_of": {
                "type": ["integer", "null"],
                "minimum": 1,
                "maximum": MAX_ID,
                "description": "a published original (not itself a duplicate); null unlinks",
            },
            "visibility": {
                "enum": list(MODERATED_VISIBILITIES),
                "description": "moderators only; hidden needs a reason",
            },
            "visibility_was": {
                "enum": list(VISIBILITIES),
                "description": "the visibility the client showed: if the pin's is another now "
                "(a colleague changed it), 409 visibility_changed and nothing is changed",
            },
            "last_change_seen": LAST_CHANGE_SEEN,
            "open_reports_was": {
                "type": "integer",
                "minimum": 0,
                "maximum": 2**31 - 1,
                "description": "the open reports the client showed: if the pin has another "
                "number now, 409 reports_changed and nothing is changed",
            },
            "reason": {**text(limits.REASON, nullable=True), "description": "why, for history"},
        },
        closed=True,
    ),
    "anyOf": [{"required": [name]} for name in CHANGEABLE],
}
BULK_ANSWER = obj(
    {
        "ids": {
            "type": "array",
            "items": PIN_ID,
            "minItems": 1,
            "maxItems": limits.BULK_ANSWER_MAX_IDS,
            "description": "published pins; one that is missing or not public refuses the batch",
        },
        "status": STATUS,
        "answer": {**text(limits.ANSWER), "minLength": 1},
        "answer_en": text(limits.ANSWER, nullable=True),
    },
    "ids",
    "status",
    "answer",
    closed=True,
)
BULK_RESULT = obj(
    {
        "updated": {"type": "integer"},
        "ids": {"type": "array", "items": {"type": "integer"}},
        "history_rows": {"type": "integer"},
    },
    "updated",
    "ids",
    "history_rows",
)
# A position as a GIS writes it: [lon, lat] or [lon, lat, altitude] (the altitude is dropped).
_GIS_POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
IMPORTED_PIN = obj(
    {
        "type": {"const": "Feature"},
        "geometry": {
            "anyOf": [
                obj({"type": {"const": "Point"}, "coordinates": _GIS_POSITION}, "type"),
                obj(
                    {
                        "type": {"const": "MultiPoint"},
                        "coordinates": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 1,
                            "items": _GIS_POSITION,
                        },
                    },
                    "type",
                ),
            ],
            "description": "a Point, with or without an altitude (QGIS's PointZ), or a "
            "MultiPoint of one point; the altitude is dropped",
        },
        # NewPin's properties; a refused `kind` or `category` names the values taken.
        "properties": {"$ref": "#/components/schemas/NewPin/properties/properties"},
    },
    "type",
    "geometry",
    "properties",
)
# A paper form's pin as QGIS exports it in SWEREF 99 TM: Rådhustorget (EXAMPLE_PLACE).
IMPORT_EXAMPLE = {
    "type": "FeatureCollection",
    "source": "paper",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}},
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [758803.4, 7088280.8]},
            "properties": {
                "kind": "concern",
                "category": "traffic",
                "title": "Svårt att korsa gatan vid torget",
            },
        }
    ],
}
PIN_IMPORT = obj(
    {
        "type": {"const": "FeatureCollection"},
        "source": {
            "enum": list(IMPORT_SOURCES),
            "default": DEFAULT_IMPORT_SOURCE,
            "description": "where the pins came from: paper forms, or a file of an earlier "
            "dialogue",
        },
        "crs": {
            **obj(
                {
                    "type": {"const": "name"},
                    "properties": obj({"name": {"type": "string"}}, "name"),
                },
                "type",
                "properties",
            ),
            "type": ["object", "null"],  # GeoJSON 2008's "no CRS said": WGS 84, as when missing
            "description": "the file's CRS, as GDAL and QGIS write it (GeoJSON 2008): WGS 84 "
            "(`urn:ogc:def:crs:OGC:1.3:CRS84`, `EPSG:4326`, `urn:ogc:def:crs:EPSG::4326`, "
            "`http://www.opengis.net/def/crs/EPSG/0/4326`; lon/lat, as without `crs`) or SWEREF "
            "99 TM (the same spellings of EPSG:3006; easting, northing in metres, transformed to "
            "WGS 84 by PostGIS before the points are checked); another CRS is refused (422, "
            "field `crs`)",
        },
        "import_duplicates": {
            "type": "boolean",
            "default": False,
            "description": "import features that match a pin already stored (the same title "
            "within 1 m, the same source, not withdrawn); without it they refuse the import "
            "with a 409 `duplicate_pins`, its `field` the first such feature "
            "(`features[<index from 0>]`), beside the error `duplicate_of` (that pin's id) and "
            "`duplicates` (how many features match)",
        },
        "features": {
            "type": "array",
            "items": IMPORTED_PIN,
            "minItems": 1,
            "maxItems": MAX_IMPORT_FEATURES,
            "description": "each validated as a citizen's pin; the first that is not "
            "acceptable refuses the batch, its field named `features[<index from 0>].<field>` "
            "(`features[3].title`) with the feature's own message",
        },
    },
    "type",
    "features",
)
IMPORT_RESULT = obj(
    {
        "created": {"type": "integer", "minimum": 1},
        "held": {
            "type": "integer",
            "minimum": 0,
            "description": "of them, held for review (they matched the moderators' word list)",
        },
        "ids": {
            "type": "array",
            "items": {"type": "integer"},
            "description": "the new pins' ids, in the order of the features",
        },
    },
    "created",
    "held",
    "ids",
)
HISTORY_ENTRY = obj(
    {
        "id": {"type": "integer"},
        "at": {"type": "string", "format": "date-time"},
        "by": {"type": "string", "description": 'the e-mail address of who acted, or "system"'},
        "user_id": {"type": ["integer", "null"]},
        "action": {"enum": list(HISTORY_ACTIONS)},
        "action_label": {"type": "string"},
        "from": NULLABLE_TEXT,
        "to": NULLABLE_TEXT,
        "reason": NULLABLE_TEXT,
        "reason_label": {
            **NULLABLE_TEXT,
            "description": "`reason` in the request's language (an automatic hold's count "
            'of reports, "3" in `reason`, as "3 reports")',
        },
    },
    "id",
    "at",
    "by",
    "action",
)
NOTE = obj(
    {
        "id": {"type": "integer"},
        "body": {"type": "string"},
        "by": {"type": "string"},
        "at": {"type": "string", "format": "date-time"},
    },
    "id",
    "body",
    "by",
    "at",
)
TEMPLATE = obj(
    {
        "status": STATUS,
        "status_label": {"type": "string"},
        "answer": NULLABLE_TEXT,
        "answer_en": NULLABLE_TEXT,
        "updated_by": NULLABLE_TEXT,
        "updated_at": NULLABLE_TEXT,
    },
    "status",
    "answer",
)
QUEUE = obj(
    {
        "total": {"type": "integer"},
        "items": {
            "type": "array",
            "items": obj(
                {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "kind": {"enum": list(KINDS)},
                    "category": {"type": "string"},
                    "visibility": {"enum": list(VISIBILITIES)},
                    "status": STATUS,
                    "created_at": {"type": "string"},
                    "waiting_since": NULLABLE_TEXT,
                    "report_count": {"type": "integer"},
                    "reasons": {
                        "type": "object",
                        "additionalProperties": {"type": "integer"},
                        "description": "open reports by reason",
                    },
                    "held_because": {
                        **NULLABLE_TEXT,
                        "description": "a held pin's last hold in the request's language "
                        "(the word list's word, a moderator's reason, the reports); null when "
                        "the pin is not held",
                    },
                },
                "id",
                "visibility",
                "report_count",
                "reasons",
            ),
        },
    },
    "total",
    "items",
)
WORD = obj(
    {
        "id": {"type": "integer"},
        "word": {"type": "string"},
        "added_by": NULLABLE_TEXT,
        "added_at": {"type": "string"},
    },
    "id",
    "word",
)

ACCOUNT = obj(
    {
        "id": {"type": "integer"},
        "email": {"type": "string"},
        "role": {"enum": list(ROLES)},
        "disabled": {"type": "boolean"},
        "created_at": {"type": "string"},
        "last_login_at": NULLABLE_TEXT,
    },
    "id",
    "email",
    "role",
    "disabled",
)

PATHS = {
    "/api/ideas/{id}": {
        "patch": operation(
            "updateIdea",
            "Change a pin: status, answer, category, duplicate link; moderators also visibility",
            answer(200, "the pin as staff see it", JSON, STAFF_PIN),
            parameters=[ID],
            body=PIN_CHANGES,
            errors=(403, 404, 409, 422),
            writes=True,
            role="planner",
        )
    },
    "/api/ideas/answer": {
        "post": operation(
            "answerIdeas",
            f"The same status and answer for up to {limits.BULK_ANSWER_MAX_IDS} published "
            "pins, all in one transaction or none",
            answer(200, "all were answered", JSON, BULK_RESULT),
            body=BULK_ANSWER,
            errors=(404, 422),
            writes=True,
            role="planner",
        )
    },
    "/api/ideas/import": {
        "post": operation(
            "importIdeas",
            f"Pins from a GeoJSON FeatureCollection of up to {MAX_IMPORT_FEATURES} Points "
            "(paper forms, a file of an earlier dialogue), all in one transaction or none",
            answer(201, "all were stored", JSON, IMPORT_RESULT),
            body=PIN_IMPORT | {"examples": [IMPORT_EXAMPLE]},
            errors=(409, 422),
            writes=True,
            role="planner",
        )
    },
    "/api/ideas/{id}/history": {
        "get": operation(
            "ideaHistory",
            "Every change to a pin, oldest first: who, when, what, from, to, why",
            answer(
                200,
                "the history",
                JSON,
                obj(
                    {
                        "id": {"type": "integer"},
                        "history": {"type": "array", "items": HISTORY_ENTRY},
                    },
                    "id",
                    "history",
                ),
            ),
            parameters=[ID],
            errors=(404,),
            role="planner",
        )
    },
    "/api/ideas/{id}/notes": {
        "get": operation(
            "ideaNotes",
            "A pin's internal notes (staff only, never public)",
            answer(
                200,
                "the notes",
                JSON,
                obj({"id": {"type": "integer"}, "notes": {"type": "array", "items": NOTE}}),
            ),
            parameters=[ID],
            errors=(404,),
            role="planner",
        ),
        "post": operation(
            "addIdeaNote",
            "Add an internal note to a pin",
            answer(201, "the note", JSON, NOTE),
            parameters=[ID],
            body=obj({"body": text(limits.STAFF_NOTE)}, "body"),
            errors=(404, 422),
            writes=True,
            role="planner",
        ),
    },
    "/api/ideas/{id}/flag": {
        "post": operation(
            "flagIdea",
            "Report a published pin, once per person (the signed supporter cookie)",
            answer(
                201,
                "reported",
                JSON,
                obj({"id": {"type": "integer"}, "reported": {"const": True}}, "id", "reported"),
            ),
            parameters=[ID],
            body=obj(
                {
                    "reason": {"enum": list(FLAG_REASONS)},
                    "note": text(limits.FLAG_NOTE, nullable=True),
                },
                "reason",
            ),
            errors=(404, 409, 422),
            writes=True,
        )
    },
    "/api/ideas/{id}/redact": {
        "post": operation(
            "redactIdea",
            "Take personal details out of a pin's title or body (the original stays in history)",
            answer(200, "the pin as staff see it", JSON, STAFF_PIN),
            parameters=[ID],
            body={
                **obj(
                    {
                        "title": text(limits.TITLE),
                        "body": text(limits.BODY, nullable=True),
                        "reason": text(limits.REASON, nullable=True),
                        "last_change_seen": LAST_CHANGE_SEEN,
                    }
                ),
                "anyOf": [{"required": ["title"]}, {"required": ["body"]}],
            },
            errors=(404, 409, 422),
            writes=True,
            role="moderator",
        )
    },
    "/api/moderation/queue": {
        "get": operation(
            "moderationQueue",
            "Held and reported pins, the longest waiting first, with report counts and reasons",
            answer(200, "the queue", JSON, QUEUE),
            parameters=[
                query(
                    "limit",
                    f"1 to {QUEUE_MAX}, default {QUEUE_DEFAULT}",
                    {"type": "integer", "minimum": 1, "maximum": QUEUE_MAX},
                )
            ],
            errors=(422,),
            role="moderator",
        )
    },
    "/api/moderation/words": {
        "get": operation(
            "listWords",
            "The word list that holds new pins for review",
            answer(200, "the list", JSON, {"type": "array", "items": WORD}),
            role="moderator",
        ),
        "post": operation(
            "addWord",
            "Add a word or phrase (whole words, case and accents ignored)",
            answer(201, "added", JSON, WORD),
            body=obj({"word": text(limits.WORD)}, "word"),
            errors=(409, 422),
            writes=True,
            role="moderator",
        ),
    },
    "/api/moderation/words/{id}": {
        "delete": {
            **operation(
                "removeWord",
                "Remove a word from the list",
                {"204": {"description": "removed"}},
                parameters=[ID],
                errors=(404,),
                writes=True,
                role="moderator",
            )
        }
    },
    "/api/answer-templates": {
        "get": operation(
            "listAnswerTemplates",
            "One answer template per status",
            answer(200, "the templates", JSON, {"type": "array", "items": TEMPLATE}),
            role="planner",
        )
    },
    "/api/answer-templates/{status}": {
        "put": operation(
            "putAnswerTemplate",
            "Write the answer template of a status",
            answer(200, "the template", JSON, TEMPLATE),
            parameters=[
                {
                    "name": "status",
                    "in": "path",
                    "required": True,
                    "schema": STATUS,
                }
            ],
            body=obj(
                {
                    "answer": {**text(limits.ANSWER), "minLength": 1},
                    "answer_en": text(limits.ANSWER, nullable=True),
                },
                "answer",
                closed=True,
            ),  # fmt: skip
            errors=(404, 422),
            writes=True,
            role="planner",
        ),
        "delete": operation(
            "deleteAnswerTemplate",
            "Remove the answer template of a status (204 also when it had none)",
            {"204": {"description": "removed, or there was none"}},
            parameters=[{"name": "status", "in": "path", "required": True, "schema": STATUS}],
            errors=(404,),
            writes=True,
            role="planner",
        ),
    },
    "/api/users": {
        "get": operation(
            "listUsers",
            "The staff accounts (accounts are made with `flask users create`)",
            answer(200, "the accounts", JSON, {"type": "array", "items": ACCOUNT}),
            role="admin",
        )
    },
    "/api/users/{id}": {
        "patch": operation(
            "updateUser",
            "Change another account's role, or disable it (ending its sessions) or enable it",
            answer(200, "the account", JSON, ACCOUNT),
            parameters=[ID],
            body={
                **obj(
                    {"role": {"enum": list(ROLES)}, "disabled": {"type": "boolean"}}, closed=True
                ),
                "minProperties": 1,
            },
            errors=(404, 409, 422),
            writes=True,
            role="admin",
        )
    },
}
