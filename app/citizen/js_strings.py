"""UI strings the browser scripts show, translated per request and handed over in data-settings.

Add a key here for every text the JavaScript puts on the page: the scripts never hold UI text.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STRINGS = {
    "mapLabel": _l("Map of Umeå with pins. Use arrow keys to move the map, Enter to place a pin."),
}


def js_strings() -> dict[str, str]:
    """The strings in the request's language."""
    return {key: str(value) for key, value in STRINGS.items()}
