"""A JSON true or false from a client, or the refusal naming its field (one wording for all)."""

from __future__ import annotations

from typing import Any

from app.common.errors import InvalidField
from geo.i18n import N_


def true_or_false(value: Any, name: str, *, code: str | None = None) -> bool:
    """`value` when it is a JSON boolean; 1, "true" or null are refused, naming `name`."""
    if not isinstance(value, bool):
        raise InvalidField(N_("%(name)s must be true or false."), field=name, code=code, name=name)
    return value
