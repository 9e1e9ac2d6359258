"""Strict parsing of the public filters from query parameters: garbage gets a 4xx, never a 500."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.categories import CATEGORY_BY_SLUG, KINDS, SOURCES, STATUSES
from app.common.errors import InvalidField
from app.common.limits import DISTRICT_CODE_PATTERN, PIN_WORDS
from app.common.text import clean_text
from app.common.times import LOCAL_ZONE, day_end, is_date, parse_instant
from app.converters import MAX_ID
from geo.i18n import N_
from geo.numbers import parse_whole
from geo.validate import parse_bbox

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_IDS = 500
MAX_DISTRICTS = 200
_DISTRICT_CODE = re.compile(DISTRICT_CODE_PATTERN)


@dataclass(frozen=True)
class IdeaFilters:
    """What a reader asked to see. Empty tuples and None mean "no restriction"."""

    bbox: tuple[float, float, float, float] | None = None
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = None
    ids: tuple[int, ...] = ()
    districts: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    workshop_id: int | None = None
    words: str | None = None  # `q`: pins whose title or description has these words


def _choices(args: Mapping[str, str], name: str, allowed: Mapping[str, object]) -> tuple[str, ...]:
    """A comma-separated list of known values (`kind=idea,concern`); unknown ones are refused."""
    raw = args.get(name, "")
    if not raw:
        return ()
    values = tuple(dict.fromkeys(raw.split(",")))
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise InvalidField(
            N_("Unknown value for %(name)s: %(value)s"),
            field=name,
            code="invalid_choice",
            name=name,
            value=unknown[0][:40],
        )
    return values


def parse_ids(raw: str) -> tuple[int, ...]:
    """`ids=3,5,8`: up to MAX_IDS positive whole numbers."""
    parts = raw.split(",")
    ids = [parse_whole(p, 1, MAX_ID) for p in parts[: MAX_IDS + 1]]
    if len(parts) > MAX_IDS or None in ids:
        raise InvalidField(
            N_("ids must be up to %(n)s whole numbers separated by commas."), field="ids", n=MAX_IDS
        )
    return tuple(dict.fromkeys(i for i in ids if i is not None))


def parse_since(raw: str, name: str = "since") -> datetime:
    """An RFC 3339 date (2026-05-01) or date-time with its offset (2026-05-01T08:00:00Z).

    A date is Umeå's day (Europe/Stockholm): the day the pages show a pin's time in, so
    since=2026-05-03 takes a pin made at 00:30 that night. A date-time is taken as given.
    """
    value = parse_instant(raw, day_zone=LOCAL_ZONE)
    if value is None:
        raise InvalidField(
            N_(
                "%(name)s must be a date (2026-05-01) or a date-time with its zone "
                "(2026-05-01T08:00:00Z)."
            ),
            field=name,
            name=name,
        )
    return value


def parse_until(raw: str, name: str = "until") -> datetime:
    """The last instant to include: a date or a date-time's millisecond, to its last microsecond.

    A date-time finer than milliseconds is taken as given. `until=2026-05-31` reads as "up to
    and including 31 May" in Umeå (as `since`), as a person means it. A pin's time is written
    to the millisecond (geo/geojson.py): `until` set to the time a pin shows includes that pin.
    """
    value = parse_since(raw, name)
    if is_date(raw):
        value = day_end(value.date(), LOCAL_ZONE)
    elif value.microsecond % 1000 == 0:
        value += timedelta(microseconds=999)
    return value


def parse_districts(raw: str) -> tuple[str, ...]:
    """`district=1,7`: district codes, each as the districts were loaded with.

    Codes are data, like ids: a code no district has matches no pins (no error).
    """
    parts = raw.split(",")
    if len(parts) > MAX_DISTRICTS or not all(_DISTRICT_CODE.fullmatch(p) for p in parts):
        raise InvalidField(
            N_(
                "district must be up to %(n)s district codes (letters, digits, '_', '.', '-') "
                "separated by commas."
            ),
            field="district",
            n=MAX_DISTRICTS,
        )
    return tuple(dict.fromkeys(parts))


def parse_workshop(raw: str) -> int:
    """`workshop=12`: pins promoted from that workshop."""
    value = parse_whole(raw, 1, MAX_ID)
    if value is None:
        raise InvalidField(N_("workshop must be a workshop id."), field="workshop")
    return value


def encode_cursor(last_id: int) -> str:
    """An opaque cursor for the page after the pin `last_id`."""
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def next_page_args(args: Mapping[str, str], last_id: int) -> dict[str, Any]:
    """The same query, continued after the pin `last_id`."""
    return {**{k: v for k, v in args.items() if k != "cursor"}, "cursor": encode_cursor(last_id)}


def decode_cursor(raw: str) -> int:
    """The last id of the previous page, or a 422 (InvalidField) for anything not handed out."""
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
        prefix, _, number = text.partition(":")
        last_id = parse_whole(number, 1, MAX_ID) if prefix == "id" else None
        if last_id is None:
            raise ValueError(text)
        return last_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidField(N_("The cursor is not valid."), field="cursor") from None


def parse_int(args: Mapping[str, str], name: str, default: int | None, low: int, high: int) -> int:
    """An integer parameter within [low, high]; with no default it is required."""
    raw = args.get(name)
    if raw is None:
        if default is None:
            raise missing(name)
        return default
    value = parse_whole(raw, low, high)
    if value is None:
        raise InvalidField(
            N_("%(name)s must be a whole number from %(low)s to %(high)s."),
            field=name,
            name=name,
            low=low,
            high=high,
        )
    return value


def missing(name: str) -> InvalidField:
    """The error for a required parameter that was not given."""
    return InvalidField(N_("%(name)s is required."), field=name, code="required", name=name)


def parse_filters(args: Mapping[str, str], *, require_bbox: bool = False) -> IdeaFilters:
    """Read bbox, kind, category, status, district, source, since, until, ids, workshop, q, cursor.

    A choice list given empty (`kind=`, as a filter form sends "all") means no restriction;
    a typed value given empty (`since=`, `bbox=`) is refused like any other bad value.
    """
    if require_bbox and "bbox" not in args:
        raise missing("bbox")
    since = parse_since(args["since"]) if "since" in args else None
    until = parse_until(args["until"]) if "until" in args else None
    if since is not None and until is not None and until < since:
        raise InvalidField(
            N_("until must not be before since."), field="until", code="until_before_since"
        )
    return IdeaFilters(
        bbox=parse_bbox(args["bbox"]) if "bbox" in args else None,
        kinds=_choices(args, "kind", KINDS),
        categories=_choices(args, "category", CATEGORY_BY_SLUG),
        statuses=_choices(args, "status", STATUSES),
        since=since,
        until=until,
        before_id=decode_cursor(args["cursor"]) if "cursor" in args else None,
        ids=parse_ids(args["ids"]) if "ids" in args else (),
        districts=parse_districts(args["district"]) if args.get("district") else (),
        sources=_choices(args, "source", dict.fromkeys(SOURCES)),
        workshop_id=parse_workshop(args["workshop"]) if "workshop" in args else None,
        words=clean_text(args.get("q"), "q", PIN_WORDS),
    )
