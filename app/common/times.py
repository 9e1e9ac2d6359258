"""Instants in and out: one parser of clients' instants, one way our JSON writes them.

The parser takes RFC 3339 dates and date-times, nothing looser.
`datetime.fromisoformat` alone also takes week dates, basic formats and times without a zone,
which the OpenAPI document (format date / date-time) does not allow.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func

# Umeå's days: a bare date a planner picks (since=2026-05-03) means that day as the pins' pages
# show their times (BABEL_DEFAULT_TIMEZONE), not a UTC day that starts at 01:00 or 02:00 there.
LOCAL_ZONE = ZoneInfo("Europe/Stockholm")

_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_INSTANT = re.compile(
    rf"{_DATE}(?:[Tt][0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}(?:\.[0-9]{{1,6}})?(?:[Zz]|[+-][0-9]{{2}}:[0-9]{{2}}))?"
)


def parse_instant(text: str, *, day_zone: tzinfo = UTC) -> datetime | None:
    """A full date (its midnight in `day_zone`) or a date-time with its own offset, aware."""
    if not _INSTANT.fullmatch(text):
        return None
    try:
        value = datetime.fromisoformat(text.upper())
    except ValueError:  # 2024-02-30 and the like
        return None
    return value if value.tzinfo else value.replace(tzinfo=day_zone)


def seconds_from_now(seconds: Any) -> ColumnElement[datetime]:
    """The database's `now()` plus `seconds` (a number or a bound parameter; negative: ago)."""
    return func.now() + func.make_interval(0, 0, 0, 0, 0, 0, seconds)


def day_end(day: date, zone: tzinfo) -> datetime:
    """The last microsecond of `day` in `zone` (a day of 23 or 25 hours when clocks change)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone) - timedelta(
        microseconds=1
    )


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
