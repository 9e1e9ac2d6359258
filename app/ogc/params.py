"""Query parameters of OGC API – Features requests: only known names, values checked.

OGC asks for a 400 for an unknown parameter or a bad value (app/errors.py answers 400 for
any 422 under /ogc); a `limit` above the maximum is lowered to it, not refused. A parameter
given twice with different values is a 400 too, as which one was meant cannot be known;
but for `limit`, whose last value counts (`check_known`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from app.common.errors import InvalidField
from app.ideas.filters import IdeaFilters, parse_filters, parse_since, parse_until
from app.query_args import refuse_repeated
from geo.i18n import N_
from geo.numbers import parse_whole
from geo.validate import parse_bbox

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
MAX_OFFSET = 10_000_000
PIN_FILTERS = ("kind", "category", "status", "district", "source", "since", "until", "ids", "q")
LAYER_PARAMETERS = ("eps", "min_points", "size")
# Carried into every link, so a connection to /ogc?kind=concern&eps=250 keeps them.
CARRIED = (*PIN_FILTERS, *LAYER_PARAMETERS)
KNOWN = frozenset(
    {*CARRIED, "f", "lang", "bbox", "limit", "offset", "cursor", "snapshot", "datetime"}
)
SNAPSHOT_ID = re.compile(r"[0-9a-f]{32}")  # uuid4().hex, as app/layers/snapshots.py makes them
OPEN = ("", "..")


def check_known(args: MultiDict[str, str]) -> None:
    """Refuse unknown parameters, any format but JSON, and one given twice with two values.

    GDAL's OAPIF driver and QGIS add the query of their connection URL to every request after
    their own parameters, unless the URL holds it word for word. So the same filters come
    twice whenever our links write them in another order than the person did (the same value
    again asks for the same thing), and `OAPIF:https://host/ogc?limit=1000` asks for
    `items?limit=10&limit=1000`. The first value was taken silently: GDAL 3.6 read 10 pins a
    request however it was asked. A `limit` given again is therefore taken, its last value
    (`parse_limit`): the one the person wrote, and a page size changes no result. Refused, it
    made GDAL 3.12 read every pin without its properties (its first request, which finds
    them, failed), and by QGIS's source it would fail to open the layer.
    """
    for name in args:
        if name not in KNOWN:
            raise InvalidField(
                N_("Unknown query parameter: %(name)s"),
                field=name[:40],
                code="unknown_parameter",
                name=name[:40],
            )
    refuse_repeated(args, last_counts=("limit",))
    if args.get("f", "json") not in ("json", "geojson"):
        raise InvalidField(N_("Only JSON is served here (f=json)."), field="f")


def carried(args: Mapping[str, str]) -> dict[str, str]:
    """The filters and layer parameters of the request, for the links it hands out."""
    return {name: args[name] for name in CARRIED if name in args}


def asked_of(args: Mapping[str, str]) -> str:
    """What a clusters page asks for but its place: the filters and parameters, in one order.

    A snapshot serves the pages of the request it was found for (app/layers/snapshots.py).
    """
    return urlencode(sorted((name, args[name]) for name in (*CARRIED, "datetime") if name in args))


def parse_snapshot(args: Mapping[str, str], *, has_snapshots: bool) -> uuid.UUID | None:
    """The snapshot a clusters link names (`next`, a cluster's `self`), or None.

    Refused on any other collection (`has_snapshots` false).
    """
    raw = args.get("snapshot")
    if raw is None:
        return None
    if not has_snapshots:
        raise InvalidField(N_("Only the clusters collection has snapshots."), field="snapshot")
    if SNAPSHOT_ID.fullmatch(raw) is None:
        raise InvalidField(N_("snapshot must be the one a link gave."), field="snapshot")
    return uuid.UUID(hex=raw)


def given_limit(args: MultiDict[str, str]) -> str | None:
    """The `limit` asked for: the last one given (see `check_known`), or None."""
    given = args.getlist("limit")
    return given[-1] if given else None


def parse_limit(args: MultiDict[str, str]) -> int:
    """1 or more; above MAX_LIMIT it is MAX_LIMIT (OGC: not an error).

    Every `limit` given must be valid; the last one counts (see `check_known`).
    """
    values = [parse_whole(raw, 1, 10**12) for raw in args.getlist("limit")]
    if not values:
        return DEFAULT_LIMIT
    last = values[-1]
    if last is None or None in values:
        raise InvalidField(N_("limit must be a whole number of 1 or more."), field="limit")
    return min(last, MAX_LIMIT)


def parse_offset(args: Mapping[str, str]) -> int:
    """How many features of the layer to skip (from the `next` link)."""
    raw = args.get("offset")
    if raw is None:
        return 0
    value = parse_whole(raw, 0, MAX_OFFSET)
    if value is None:
        raise InvalidField(
            N_("offset must be a whole number from 0 to %(high)s."),
            field="offset",
            high=MAX_OFFSET,
        )
    return value


def parse_datetime(raw: str) -> tuple[datetime | None, datetime | None]:
    """An instant or an interval `start/end` (`..` or empty for an open end), inclusive.

    A date alone stands for its whole day.
    """
    parts = raw.split("/")
    if len(parts) == 1 and parts[0] not in OPEN:
        return parse_since(parts[0], "datetime"), parse_until(parts[0], "datetime")
    if len(parts) == 2 and parts != ["..", ".."] and parts != ["", ""]:
        start = None if parts[0] in OPEN else parse_since(parts[0], "datetime")
        end = None if parts[1] in OPEN else parse_until(parts[1], "datetime")
        if start is None or end is None or start <= end:
            return start, end
    raise InvalidField(
        N_(
            "datetime must be an instant or an interval start/end in RFC 3339, with .. "
            "for an open end."
        ),
        field="datetime",
    )


def item_filters(args: MultiDict[str, str], *, bbox_filters_pins: bool) -> IdeaFilters:
    """The pin filters of an items request, with `datetime` folded into since/until.

    `bbox` narrows the pins themselves only for the pins collection; a layer counts all the
    pins and keeps the features that meet the bbox (see views).
    """
    check_known(args)
    pin_args = {k: v for k, v in args.items() if k in PIN_FILTERS}
    filters = parse_filters(pin_args)
    if "bbox" in args:
        bbox = parse_bbox(args["bbox"])
        if bbox_filters_pins:
            filters = replace(filters, bbox=bbox)
    if "datetime" in args:
        start, end = parse_datetime(args["datetime"])
        since = max((t for t in (start, filters.since) if t is not None), default=None)
        until = min((t for t in (end, filters.until) if t is not None), default=None)
        filters = replace(filters, since=since, until=until)
    return filters


def parse_bbox_arg(args: Mapping[str, str]) -> tuple[float, float, float, float] | None:
    """The bbox of the request, if any."""
    return parse_bbox(args["bbox"]) if "bbox" in args else None
