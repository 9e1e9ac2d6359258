"""The shape of the planners' JSON bodies, and the pin ids and statuses in them.

A body is an object; where a typo must not pass silently, a member the operation does not know
is refused by name.
"""

from __future__ import annotations

from typing import Any

from app.categories import STATUSES
from app.common.errors import InvalidField
from app.converters import MAX_ID
from geo.i18n import N_


def json_object(payload: Any, allowed: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The body as a dict; with `allowed`, a member outside it is refused by name."""
    if not isinstance(payload, dict):
        raise InvalidField(N_("The body must be a JSON object."), field=None, code="invalid_body")
    unknown = [name for name in payload if allowed is not None and name not in allowed]
    if unknown:
        name = str(unknown[0])[:40]
        raise InvalidField(
            N_("Unknown field %(name)s."), field=name, code="unknown_field", name=name
        )
    return payload


def parse_id(value: Any, field: str) -> int:
    """A pin id from a JSON body: a whole number a bigint holds, not a boolean."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise InvalidField(N_("This must be the id of a pin."), field=field, code="invalid_id")
    return value


def parse_status(value: Any) -> str:
    """A planning status."""
    if not isinstance(value, str) or value not in STATUSES:
        raise InvalidField(
            N_("Choose a status from the list."), field="status", code="invalid_choice"
        )
    return value
