"""The report's refusals in its reader's words.

The report is a page with no fields: a refusal that names an API parameter (`size`,
`min_points`, `until`) or advises a control it has not (a bbox) is said as what the report
would show, with a link to the same report at the value the server would take.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import render_template, request
from flask_babel import format_number, gettext

from app.common.errors import InvalidField


@dataclass(frozen=True)
class Retry:
    """The report asked for again, its link labelled in words (templates/error.html)."""

    url: str
    label: str


def refusal_page(exc: InvalidField) -> tuple[str, int] | None:
    """The page for a refusal the report words itself; None for the others."""
    suggested = exc.extra.get("suggested") or {}
    if exc.code == "too_many_cells" and "size" in suggested:
        value = format_number(int(suggested["size"]))
        message = gettext(
            "Hexagons this small would be too many for the whole municipality: choose an edge "
            "of at least {value} m."
        ).replace("{value}", value)
        label = gettext("Show the report with hexagons of %(value)s m", value=value)
        return _page(message, _retry("size", suggested["size"], label))
    if exc.code == "too_much_work" and "min_points" in suggested:
        value = format_number(int(suggested["min_points"]))
        message = gettext(
            "Clusters this small would be too many for these pins: a cluster needs at least "
            "%(value)s pins here.",
            value=value,
        )
        label = gettext("Show the report with clusters of at least %(value)s pins", value=value)
        return _page(message, _retry("min_points", suggested["min_points"], label))
    if exc.code == "until_before_since":
        return _page(gettext("The end date is before the start date: no day is in between."))
    return None


def _retry(name: str, value: object, label: str) -> Retry:
    """The same report with `name` set to `value`."""
    args = request.args.copy()
    args[name] = str(value)
    return Retry(
        f"{request.script_root}{request.path}?{urlencode(list(args.items(multi=True)))}", label
    )


def _page(message: str, retry: Retry | None = None) -> tuple[str, int]:
    """The error page (422) with the report's words."""
    page = render_template("error.html", status=422, message=message, retry=retry)
    return page, 422
