"""The fixed lists of the planners' side: roles, report reasons and history actions.

Labels are lazily translated, so each request sees them in its own language. Nothing here
imports the models, so the models can build their CHECK constraints from these lists.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.categories import SOURCES, VISIBILITIES
from app.common.errors import Forbidden
from geo.i18n import N_

# Each role has the rights of the ones before it: a moderator is also a planner.
ROLES: dict[str, LazyString] = {
    "planner": _l("Planner"),
    "moderator": _l("Moderator"),
    "admin": _l("Administrator"),
}

# Why a citizen reports a pin: a short list, so reports can be counted and sorted.
FLAG_REASONS: dict[str, LazyString] = {
    "offensive": _l("Offensive or hateful"),
    "personal_data": _l("Contains personal details"),
    "spam": _l("Spam or advertising"),
    "other": _l("Something else"),
}

# A pin's visibility in words (the values are app.categories.VISIBILITIES).
VISIBILITY_LABELS: dict[str, LazyString] = {
    "published": _l("Published"),
    "held": _l("Held for review"),
    "hidden": _l("Hidden"),
    "withdrawn": _l("Withdrawn by its author"),
}

# Where a pin came from, in words (the values are app.categories.SOURCES).
SOURCE_LABELS: dict[str, LazyString] = {
    "web": _l("The web map"),
    "workshop": _l("A workshop"),
    "paper": _l("Paper"),
    "import": _l("Imported"),
}
assert set(SOURCE_LABELS) == set(SOURCES)
assert set(VISIBILITY_LABELS) == set(VISIBILITIES)

# The visibilities a moderator may set (`withdrawn` is the author's alone).
MODERATED_VISIBILITIES = ("published", "held", "hidden")

# What a history row records. `from`/`to` hold the old and new value of the named field.
HISTORY_ACTIONS: dict[str, LazyString] = {
    "status": _l("Status changed"),
    "answer": _l("Answer changed"),
    "answer_en": _l("English answer changed"),
    "category": _l("Category changed"),
    "duplicate": _l("Marked as a duplicate"),
    "duplicate_removed": _l("Duplicate link removed"),  # `from` holds the link's old target
    "publish": _l("Published after review"),
    "restore": _l("Restored"),
    "hide": _l("Hidden"),
    "hold": _l("Held for review"),
    "dismiss_reports": _l("Reports dismissed"),
    "hold_words": _l("Held: matched the word list"),
    "hold_reports": _l("Held automatically after reports"),
    "redact_title": _l("Title redacted"),
    "redact_body": _l("Description redacted"),
}


def role_rank(role: str) -> int:
    """The place of a role in the order planner < moderator < admin (-1 when unknown)."""
    order = list(ROLES)
    return order.index(role) if role in order else -1


def has_role(role: str, needed: str) -> bool:
    """Whether a user with `role` has the rights of `needed`."""
    return role_rank(role) >= role_rank(needed) >= 0


def check_role(role: str, needed: str) -> None:
    """Forbidden unless a user with `role` has the rights of `needed`.

    The role is named in the answer's language, so only once the answer is written (services
    also run outside requests, where there is no language).
    """
    if not has_role(role, needed):
        label = LazyString(lambda: str(ROLES[needed]).lower())
        raise Forbidden(
            N_("Your role does not allow this; it needs the %(role)s role."), role=label
        )
