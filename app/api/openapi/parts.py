"""Building blocks of the document: parameters, error answers and shared schemas."""

from __future__ import annotations

from typing import Any

from app.categories import CATEGORIES, KINDS, SOURCES, STATUSES
from app.common import limits
from app.converters import MAX_ID
from app.ideas.filters import MAX_DISTRICTS, MAX_IDS, MAX_LIMIT

GEOJSON = "application/geo+json"
JSON = "application/json"

ERROR_MEANINGS = {
    400: "the request cannot be read: not JSON, wrong content type, or no valid CSRF token",
    401: "a planner must sign in",
    403: "the signed-in planner may not do this",
    404: "no such thing",
    405: "method not allowed here (see the Allow header)",
    409: "conflicts with the current state",
    413: "the body is over the size limit",
    422: "a value is not acceptable; `field` names it",
    429: "a rate limit was reached; retry later",
    503: "the database is unavailable",
}


def ref(kind: str, name: str) -> dict[str, str]:
    """A $ref into components."""
    return {"$ref": f"#/components/{kind}/{name}"}


def choice_list(values: list[str] | tuple[str, ...]) -> str:
    """A pattern for a comma list of known values, or empty (a filter form's "all")."""
    one = "(?:" + "|".join(values) + ")"
    return f"^(?:{one}(?:,{one})*)?$"


def query(name: str, description: str, schema: dict[str, Any], required: bool = False) -> dict:
    """A query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


FILTERS = [
    query(
        "kind",
        "idea or concern; a comma list; empty for all",
        {"type": "string", "pattern": choice_list(tuple(KINDS))},
    ),
    query(
        "category",
        "category slugs; a comma list; empty for all",
        {"type": "string", "pattern": choice_list([c.slug for c in CATEGORIES])},
    ),
    query(
        "status",
        "planning statuses; a comma list; empty for all",
        {"type": "string", "pattern": choice_list(tuple(STATUSES))},
    ),
    query(
        "since",
        "created at or after: a date (its midnight in Umeå, Europe/Stockholm) or a "
        "date-time with its zone (taken as given)",
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
            ]
        },
    ),
    query(
        "until",
        "created at or before: a date (the whole day in Umeå, Europe/Stockholm) or a "
        "date-time with its zone (taken as given)",
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
            ]
        },
    ),
    query(
        "district",
        f"district codes (as `GET /api/districts` gives them); a comma list of at most "
        f"{MAX_DISTRICTS}; a code no district has matches nothing; empty for all",
        {
            "type": "string",
            "pattern": (
                f"^(?:{limits.DISTRICT_CODE_PATTERN}"
                f"(?:,{limits.DISTRICT_CODE_PATTERN}){{0,{MAX_DISTRICTS - 1}}})?$"
            ),
        },
    ),
    query(
        "source",
        "where pins came from; a comma list; empty for all",
        {"type": "string", "pattern": choice_list(SOURCES)},
    ),
    query(
        "ids",
        f"pin ids; a comma list of at most {MAX_IDS}",
        {"type": "string", "pattern": "^[0-9]+(?:,[0-9]+)*$"},
    ),
    query(
        "workshop",
        "pins promoted from this workshop (its id)",
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    ),
    query(
        "q",
        "words in the title or description, stemmed as Swedish, as a search box takes them: "
        'all of them; `or` between two for either; `-word` without it; "a phrase" in quotes. '
        f"At most {limits.PIN_WORDS.max} characters; empty for all",
        {"type": "string", "maxLength": limits.PIN_WORDS.max},
    ),
]
BBOX_DESCRIPTION = "minLon,minLat,maxLon,maxLat (WGS 84 decimal degrees)"
# Examples a reader can paste, and that schemathesis's examples phase sends: inside the
# municipality, where places are accepted (random data almost never is).
EXAMPLE_PLACE = [20.2630, 63.8258]  # Rådhustorget, in Umeå's centre
BBOX = {"type": "string", "examples": ["20.20,63.80,20.33,63.85"]}


def error_answers(*statuses: int) -> dict[str, Any]:
    """The error responses an operation can give."""
    return {str(status): ref("responses", f"Error{status}") for status in sorted(statuses)}


def operation(
    operation_id: str,
    summary: str,
    ok: dict[str, Any],
    *,
    parameters: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    errors: tuple[int, ...] = (),
    writes: bool = False,
    role: str | None = None,
) -> dict[str, Any]:
    """An operation; a write also takes the CSRF header and may answer 400, 413 and 429.

    With a `role`, it needs a signed-in planner's session cookie: 401 without one, and 403
    for a role below `role` (every signed-in user is at least a planner). The cookie is not
    declared as a security scheme: it also carries the CSRF token, so a request without it
    fails CSRF (400) before it could fail the login (401).
    """
    params = list(parameters or [])
    statuses = set(errors) | {503}
    if writes:
        params.append(ref("parameters", "CSRF"))
        statuses |= {400, 413, 429}
    if role is not None:
        statuses |= {401} if role == "planner" else {401, 403}
    result: dict[str, Any] = {"operationId": operation_id, "summary": summary}
    if role is not None:
        result["description"] = (
            f"Needs a signed-in {role} (or a higher role): the session cookie from POST /login."
        )
    if params:
        result["parameters"] = params
    if body is not None:
        result["requestBody"] = {"required": True, "content": {JSON: {"schema": body}}}
    result["responses"] = {**ok, **error_answers(*statuses)}
    return result


def answer(status: int, description: str, media: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A successful response."""
    return {str(status): {"description": description, "content": {media: {"schema": schema}}}}


def linked(
    response: dict[str, Any],
    status: int,
    parameters: dict[str, str],
    operation_ids: list[str],
    body: dict[str, str] | None = None,
) -> dict[str, Any]:
    """`response` with OpenAPI links from its `status` to what a client can do next.

    Each link is named after its operation and fills `parameters` (`path.id`,
    `header.X-...`) from the response or the request, so a client (and schemathesis's
    stateful phase) can follow a new object to the operations on it. `body`: fields of the
    request body taken from the response (a join code), each a runtime expression.
    """
    links = response[str(status)].setdefault("links", {})
    for operation_id in operation_ids:
        link: dict[str, Any] = {"operationId": operation_id, "parameters": parameters}
        if body is not None:
            link["requestBody"] = body
        links[operation_id[0].upper() + operation_id[1:]] = link
    return response


NULLABLE_TEXT = {"type": ["string", "null"]}
PIN_PROPERTIES = {
    "kind": {"enum": list(KINDS)},
    "category": {"type": "string"},
    "title": {"type": "string"},
    "body": {"type": "string"},
    "status": {"enum": list(STATUSES)},
    "answer": NULLABLE_TEXT,
    "answered_at": NULLABLE_TEXT,
    "source": {"enum": list(SOURCES)},
    "workshop_id": {"type": ["integer", "null"], "description": "the workshop it came from"},
    "annotation_id": {"type": ["integer", "null"], "description": "the annotation promoted"},
    "district_id": {"type": ["integer", "null"]},
    "district": NULLABLE_TEXT,
    "created_at": {"type": "string", "format": "date-time"},
    "support_count": {"type": "integer", "minimum": 0},
    "answer_en": {**NULLABLE_TEXT, "description": "the answer in English, where there is one"},
    "duplicate_of": {
        "type": ["integer", "null"],
        "description": "the published pin this one duplicates (supports are not moved)",
    },
    "duplicate_of_title": NULLABLE_TEXT,
}

COMPONENTS: dict[str, Any] = {
    "parameters": {
        "Id": {
            "name": "id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        },
        "CSRF": {
            "name": "X-CSRFToken",
            "in": "header",
            "required": True,
            "description": 'the token of <meta name="csrf-token"> on any page, with its cookie',
            "schema": {"type": "string", "minLength": 1},
        },
    },
    "responses": {
        f"Error{status}": {
            "description": meaning,
            "content": {JSON: {"schema": ref("schemas", "Error")}},
        }
        for status, meaning in ERROR_MEANINGS.items()
    },
    "schemas": {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message", "field"],
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "field": NULLABLE_TEXT,
                    },
                }
            },
        },
        "Point": {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {
                "type": {"const": "Point"},
                "coordinates": {
                    "type": "array",
                    "minItems": 2,
                    "maxItems": 2,
                    "items": {"type": "number"},
                },
            },
        },
        "NewPin": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "examples": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": EXAMPLE_PLACE},
                    "properties": {
                        "kind": "idea",
                        "category": "parks-nature",
                        "title": "Fler bänkar vid Rådhustorget",
                    },
                }
            ],
            "properties": {
                "type": {"const": "Feature"},
                "geometry": ref("schemas", "Point"),
                "properties": {
                    "type": "object",
                    "required": ["kind", "category", "title"],
                    "properties": {
                        "kind": {"enum": list(KINDS)},
                        "category": {"enum": [c.slug for c in CATEGORIES]},
                        "title": {
                            "type": "string",
                            "minLength": limits.TITLE.min,
                            "maxLength": limits.TITLE.max,
                        },
                        "body": {"type": ["string", "null"], "maxLength": limits.BODY.max},
                        "author_name": {
                            "type": ["string", "null"],
                            "maxLength": limits.AUTHOR_NAME.max,
                            "description": "kept for the municipality, never published",
                        },
                    },
                },
            },
        },
        "Pin": {
            "type": "object",
            "required": ["type", "id", "geometry", "properties"],
            "properties": {
                "type": {"const": "Feature"},
                "id": {"type": "integer"},
                "geometry": ref("schemas", "Point"),
                "properties": {"type": "object", "properties": PIN_PROPERTIES},
            },
        },
        "FeatureCollection": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "features": {"type": "array", "items": {"type": "object"}},
                "numberReturned": {"type": "integer"},
                "next_cursor": {"type": "string"},
                "links": {"type": "array"},
            },
        },
    },
}

LIMIT = query(
    "limit",
    f"1 to {MAX_LIMIT}, default 100",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
)
