"""UI strings of the map controls every map page shares (static/js/map/create-map.js).

Leaflet names its zoom buttons in English; each page's strings include these, so the buttons
speak the page's language.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STRINGS = {
    "zoomIn": _l("Zoom in"),
    "zoomOut": _l("Zoom out"),
}


def map_strings() -> dict[str, str]:
    """The map controls' strings in the request's language."""
    return {key: str(value) for key, value in STRINGS.items()}
