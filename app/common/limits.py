"""Input limits, defined once.

Validation, the templates' `maxlength` attributes, the scripts (through `data-settings`) and the
OpenAPI document all read these, so a limit changes in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextLimit:
    """The shortest and longest text a field accepts, in characters after trimming."""

    min: int
    max: int


TITLE = TextLimit(3, 120)
BODY = TextLimit(0, 4000)
AUTHOR_NAME = TextLimit(1, 80)
PLACE_QUERY = TextLimit(0, 100)
# A district code, as filters, exports and `flask districts load` accept it (the column holds 40).
DISTRICT_CODE_PATTERN = r"[0-9A-Za-z_.-]{1,40}"

TEXT_LIMITS: dict[str, TextLimit] = {
    "title": TITLE,
    "body": BODY,
    "author_name": AUTHOR_NAME,
    "q": PLACE_QUERY,
}


def limits_as_json() -> dict[str, dict[str, int]]:
    """The limits as the page settings hand them to the scripts."""
    return {name: {"min": limit.min, "max": limit.max} for name, limit in TEXT_LIMITS.items()}
