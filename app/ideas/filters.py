"""Strict parsing of the public filters from query parameters: garbage gets a 4xx, never a 500."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext

from app.categories import CATEGORY_BY_SLUG, KINDS, STATUSES
from app.errors import ApiError
from geo.validate import parse_bbox

# ASCII digits only: str.isdigit() also accepts "²" and "٣", which int() may refuse.
WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")
SIGNED_SMALL_NUMBER = re.compile(r"-?[0-9]{1,9}")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_IDS = 500


@dataclass(frozen=True)
class IdeaFilters:
    """What a reader asked to see. Empty tuples and None mean "no restriction"."""

    bbox: tuple[float, float, float, float] | None = None
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    since: datetime | None = None
    before_id: int | None = None
    ids: tuple[int, ...] = ()


def _choices(args: Mapping[str, str], name: str, allowed: Mapping[str, object]) -> tuple[str, ...]:
    """A comma-separated list of known values (`kind=idea,concern`); unknown ones are refused."""
    raw = args.get(name, "").strip()
    if not raw:
        return ()
    values = tuple(dict.fromkeys(v.strip() for v in raw.split(",")))
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ApiError(
            400,
            "invalid_parameter",
            gettext("Unknown value for %(name)s: %(value)s", name=name, value=unknown[0][:40]),
            name,
        )
    return values


def parse_ids(raw: str) -> tuple[int, ...]:
    """`ids=3,5,8`: up to MAX_IDS positive whole numbers."""
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) > MAX_IDS or not all(WHOLE_NUMBER.fullmatch(p) for p in parts):
        raise ApiError(
            400,
            "invalid_parameter",
            gettext("ids must be up to %(n)d whole numbers separated by commas.", n=MAX_IDS),
            "ids",
        )
    return tuple(dict.fromkeys(int(p) for p in parts))


def parse_since(raw: str) -> datetime:
    """An ISO 8601 date or date-time; without a zone it is taken as UTC."""
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ApiError(
            400, "invalid_parameter", gettext("since must be an ISO 8601 date or time."), "since"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def encode_cursor(last_id: int) -> str:
    """An opaque cursor for the page after the pin `last_id`."""
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def next_page_args(args: Mapping[str, str], last_id: int) -> dict[str, Any]:
    """The same query, continued after the pin `last_id`."""
    return {**{k: v for k, v in args.items() if k != "cursor"}, "cursor": encode_cursor(last_id)}


def decode_cursor(raw: str) -> int:
    """The last id of the previous page, or a 400 for anything we did not hand out."""
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
        prefix, _, number = text.partition(":")
        if prefix != "id" or not WHOLE_NUMBER.fullmatch(number):
            raise ValueError(text)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(
            400, "invalid_parameter", gettext("The cursor is not valid."), "cursor"
        ) from None


def parse_int(args: Mapping[str, str], name: str, default: int | None, low: int, high: int) -> int:
    """An integer parameter within [low, high]; with no default it is required."""
    raw = args.get(name)
    if raw is None or raw == "":
        if default is None:
            raise ApiError(
                400, "missing_parameter", gettext("%(name)s is required.", name=name), name
            )
        return default
    text = raw.strip()
    if not SIGNED_SMALL_NUMBER.fullmatch(text):
        raise ApiError(
            400, "invalid_parameter", gettext("%(name)s must be a whole number.", name=name), name
        )
    value = int(text)
    if not low <= value <= high:
        raise ApiError(
            400,
            "invalid_parameter",
            gettext(
                "%(name)s must be between %(low)d and %(high)d.", name=name, low=low, high=high
            ),
            name,
        )
    return value


def parse_filters(args: Mapping[str, str], *, require_bbox: bool = False) -> IdeaFilters:
    """Read bbox, kind, category, status, since and cursor from query parameters."""
    raw_bbox = args.get("bbox")
    if require_bbox and not raw_bbox:
        raise ApiError(
            400, "missing_parameter", gettext("%(name)s is required.", name="bbox"), "bbox"
        )
    raw_since = args.get("since")
    raw_cursor = args.get("cursor")
    return IdeaFilters(
        bbox=parse_bbox(raw_bbox) if raw_bbox else None,
        kinds=_choices(args, "kind", KINDS),
        categories=_choices(args, "category", CATEGORY_BY_SLUG),
        statuses=_choices(args, "status", STATUSES),
        since=parse_since(raw_since) if raw_since else None,
        before_id=decode_cursor(raw_cursor) if raw_cursor else None,
        ids=parse_ids(args["ids"]) if args.get("ids") else (),
    )
