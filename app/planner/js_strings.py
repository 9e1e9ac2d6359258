"""UI strings the planner pages' scripts show, translated per request (see citizen/js_strings)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.common.map_strings import map_strings

STRINGS = {
    "networkError": _l("Could not reach the server. Check your connection and try again."),
    "serverError": _l("Something went wrong. Please try again."),
    "saving": _l("Saving…"),
    "mapLabel": _l("Map showing where the pin is."),
    "templateApplied": _l("The answer template was put into the answer fields."),
    "noTemplate": _l("There is no template for this status yet."),
}


def js_strings() -> dict[str, str]:
    """The strings in the request's language."""
    return {**map_strings(), **{key: str(value) for key, value in STRINGS.items()}}
