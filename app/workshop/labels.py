"""Labels for what a workshop produced: shape types, groups and categories, translated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.categories import CATEGORY_BY_SLUG

SHAPE_LABELS: dict[str, LazyString] = {
    "Point": _l("Points"),
    "LineString": _l("Lines"),
    "Polygon": _l("Areas"),
}
WORKSHOP_STATES: dict[str, LazyString] = {
    "open": _l("Open"),
    "paused": _l("Paused"),
    "closed": _l("Closed"),
}
NONE = "none"  # the summary's key for "no group" and "no category"


@dataclass(frozen=True)
class SummaryTable:
    """One table of the summary page: a caption and (label, count) rows."""

    caption: str
    heading: str
    rows: list[tuple[str, int]]


def _label(table: str, key: str) -> str:
    """The label of one summary key."""
    if table == "by_type":
        return str(SHAPE_LABELS.get(key, key))
    if table == "by_group":
        return str(_l("No group")) if key == NONE else key
    if key == NONE:
        return str(_l("No category"))
    category = CATEGORY_BY_SLUG.get(key)
    return key if category is None else str(category.label)


def summary_rows(counts: dict[str, Any]) -> list[SummaryTable]:
    """The summary's counts by type, group and category as tables to show."""
    tables = (
        ("by_type", _l("Drawings by type"), _l("Type")),
        ("by_group", _l("Drawings by group"), _l("Group")),
        ("by_category", _l("Drawings by category"), _l("Category")),
    )
    return [
        SummaryTable(
            str(caption),
            str(heading),
            [(_label(key, name), int(n)) for name, n in counts[key].items()],
        )
        for key, caption, heading in tables
    ]
