"""UI strings every map page shares: its controls and its reference layers' credit.

The controls are create-map.js's, the credit reference-layers.js's and the report's map's.
Leaflet names its zoom buttons in English; each page's strings include these, so the buttons
speak the page's language.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# As data/SOURCE.md asks it to be shown (in Swedish; the English catalog translates it).
DATA_CREDIT = _l(
    "Stadsdelar © 2023 Umeå kommun Lantmäteri (MIT). Tätorter och kommungräns: SCB (CC0)."
)

STRINGS = {
    "districtAttribution": DATA_CREDIT,
    "zoomIn": _l("Zoom in"),
    "zoomOut": _l("Zoom out"),
}


def map_strings() -> dict[str, str]:
    """The map controls' strings in the request's language."""
    return {key: str(value) for key, value in STRINGS.items()}
