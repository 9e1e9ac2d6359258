"""Reading JSON request bodies strictly: NaN, Infinity and non-JSON are refused with a 400."""

from __future__ import annotations

import json
from typing import Any, NoReturn

from flask import request
from flask_babel import gettext

from app.errors import ApiError


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def json_body() -> Any:
    """The request's JSON body; werkzeug has already refused bodies over MAX_CONTENT_LENGTH."""
    if request.mimetype not in ("application/json", "application/geo+json"):
        raise ApiError(
            400,
            "invalid_content_type",
            gettext("Send the body as application/json."),
            "Content-Type",
        )
    raw = request.get_data(cache=False)
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", gettext("The body is not valid JSON.")) from None
