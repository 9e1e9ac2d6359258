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
PIN_WORDS = TextLimit(0, 100)  # the words a pin filter searches for (`q`)
WORKSHOP_DESCRIPTION = TextLimit(0, 2000)
DISPLAY_NAME = TextLimit(1, 40)
GROUP_NAME = TextLimit(1, 40)
NOTE = TextLimit(0, 1000)
# The planners' side.
ANSWER = TextLimit(0, 4000)  # empty clears the answer
STAFF_NOTE = TextLimit(1, 2000)
REASON = TextLimit(3, 500)  # why a moderator hid or redacted a pin
FLAG_NOTE = TextLimit(0, 500)
WORD = TextLimit(2, 60)
EMAIL = TextLimit(3, 254)
PASSWORD = TextLimit(12, 256)

# One bulk answer changes at most this many pins (a cluster or a district of the workspace),
# in one transaction; its body may be larger than MAX_BODY_BYTES (BULK_ANSWER_MAX_BYTES).
BULK_ANSWER_MAX_IDS = 5000

# A district code, as filters, exports and `flask districts load` accept it (the column holds 40).
DISTRICT_CODE_PATTERN = r"[0-9A-Za-z_.-]{1,40}"

TEXT_LIMITS: dict[str, TextLimit] = {
    "title": TITLE,
    "body": BODY,
    "author_name": AUTHOR_NAME,
    "q": PLACE_QUERY,
    "description": WORKSHOP_DESCRIPTION,
    "display_name": DISPLAY_NAME,
    "group_name": GROUP_NAME,
    "note": NOTE,
    "answer": ANSWER,
    "staff_note": STAFF_NOTE,
    "reason": REASON,
    "flag_note": FLAG_NOTE,
    "word": WORD,
    "email": EMAIL,
    "password": PASSWORD,
}


def limits_as_json() -> dict[str, dict[str, int]]:
    """The limits as the page settings hand them to the scripts."""
    return {name: {"min": limit.min, "max": limit.max} for name, limit in TEXT_LIMITS.items()}
