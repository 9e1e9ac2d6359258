"""Instants in and out: one parser of clients' instants, one way our JSON writes them.

The parser takes RFC 3339 dates and date-times, nothing looser.
`datetime.fromisoformat` alone also takes week dates, basic formats and times without a zone,
which the OpenAPI document (format date / date-time) does not allow.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_INSTANT = re.compile(
    rf"{_DATE}(?:[Tt][0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}(?:\.[0-9]{{1,6}})?(?:[Zz]|[+-][0-9]{{2}}:[0-9]{{2}}))?"
)


def parse_instant(text: str) -> datetime | None:
    """A full date (midnight UTC) or a date-time with its offset, as an aware datetime."""
    if not _INSTANT.fullmatch(text):
        return None
    try:
        value = datetime.fromisoformat(text.upper())
    except ValueError:  # 2024-02-30 and the like
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def is_date(text: str) -> bool:
    """True for a bare RFC 3339 date (2026-05-01), which names a whole day."""
    return re.fullmatch(_DATE, text) is not None


def instant_text(value: datetime | None) -> str | None:
    """An instant as our JSON answers write it, the way PostgreSQL writes the Features' times.

    RFC 3339, cut (not rounded) to the millisecond, trailing zeros of the fraction dropped, as
    geo.geojson has PostgreSQL write them: a pin's `created_at` reads the same in the planners'
    JSON as in its Feature and the exports.
    """
    if value is None:
        return None
    local = value.replace(microsecond=0, tzinfo=None).isoformat()
    offset = value.isoformat()[len(value.replace(tzinfo=None).isoformat()) :]
    fraction = f".{value.microsecond // 1000:03d}".rstrip("0").rstrip(".")
    return local + fraction + offset
