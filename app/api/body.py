"""Reading JSON request bodies strictly: NaN, Infinity and non-JSON are refused with a 400."""

from __future__ import annotations

import json
from typing import Any, NoReturn

from flask import request

from app.common.errors import MalformedRequest
from geo.i18n import N_

JSON_TYPES = ("application/json", "application/geo+json")


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def json_body() -> Any:
    """The request's JSON body (any body over MAX_CONTENT_LENGTH has already become a 413)."""
    if request.mimetype not in JSON_TYPES:
        raise MalformedRequest(
            N_("Send the body as application/json."),
            field="Content-Type",
            code="invalid_content_type",
        )
    raw = request.get_data(cache=False)
    try:
        # json.loads reads bytes with "surrogatepass": lone surrogates become text here and
        # are refused by the text cleaner, field by field.
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise MalformedRequest(N_("The body is not valid JSON."), code="invalid_json") from None
