"""The fixed list of pin categories and the enums of a pin's kind, visibility and status.

Labels are lazily translated, so each request sees them in its own language.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

KINDS: dict[str, LazyString] = {"idea": _l("Idea"), "concern": _l("Concern")}

VISIBILITIES = ("published", "held", "hidden", "withdrawn")

STATUSES: dict[str, LazyString] = {
    "new": _l("New"),
    "under_review": _l("Under review"),
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "not_feasible": _l("Not feasible"),
}

SOURCES = ("web", "workshop", "paper", "import")


@dataclass(frozen=True)
class Category:
    """A category a pin can have, and which kinds it applies to."""

    slug: str
    label: LazyString
    kinds: tuple[str, ...] = ("idea", "concern")


CATEGORIES: tuple[Category, ...] = (
    Category("traffic", _l("Traffic and roads")),
    Category("walking-cycling", _l("Walking and cycling")),
    Category("public-transport", _l("Public transport")),
    Category("parks-nature", _l("Parks and nature")),
    Category("safety", _l("Safety")),
    Category("housing-buildings", _l("Housing and buildings")),
    Category("culture-leisure", _l("Culture and leisure")),
    Category("children-youth", _l("Children and young people")),
    Category("environment-climate", _l("Environment and climate")),
    Category("accessibility", _l("Accessibility")),
    Category("other", _l("Other")),
)

CATEGORY_BY_SLUG: dict[str, Category] = {c.slug: c for c in CATEGORIES}


def categories_as_json() -> list[dict[str, object]]:
    """The categories as the API and the page settings hand them out."""
    return [{"slug": c.slug, "label": str(c.label), "kinds": list(c.kinds)} for c in CATEGORIES]
