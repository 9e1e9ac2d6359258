"""The palette's colours with names people read (the API takes the names or #rrggbb)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.workshops.palette import PALETTE

COLOR_LABELS: dict[str, LazyString] = {
    "red": _l("Red"),
    "orange": _l("Orange"),
    "yellow": _l("Yellow"),
    "green": _l("Green"),
    "teal": _l("Teal"),
    "blue": _l("Blue"),
    "purple": _l("Purple"),
    "pink": _l("Pink"),
    "brown": _l("Brown"),
    "black": _l("Black"),
}


def palette_as_json() -> list[dict[str, str]]:
    """The palette for templates and scripts: `[{"name", "color", "label"}]`, in order."""
    return [
        {"name": name, "color": color, "label": str(COLOR_LABELS[name])}
        for name, color in PALETTE.items()
    ]
