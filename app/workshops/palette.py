"""The colours annotations and groups may have: a name from the palette, or strict #rrggbb."""

from __future__ import annotations

import re
from typing import Any

from app.common.errors import InvalidField
from geo.i18n import N_

# Dark enough for white text and visible on the OpenStreetMap tiles.
PALETTE: dict[str, str] = {
    "red": "#c62828",
    "orange": "#e65100",
    "yellow": "#f9a825",
    "green": "#2e7d32",
    "teal": "#00796b",
    "blue": "#1565c0",
    "purple": "#6a1b9a",
    "pink": "#ad1457",
    "brown": "#5d4037",
    "black": "#212121",
}
DEFAULT_COLOR = PALETTE["blue"]
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def parse_color(value: Any, field: str = "color", *, default: str | None = None) -> str:
    """A palette name or `#rrggbb`, as lower-case `#rrggbb`; `default` when not given."""
    if value is None and default is not None:
        return default
    if isinstance(value, str):
        if value in PALETTE:
            return PALETTE[value]
        if _HEX.fullmatch(value):
            return value.lower()
    raise InvalidField(
        N_("Choose a colour from the palette or write it as #rrggbb."),
        field=field,
        code="invalid_color",
    )
