"""The one error type `geo` raises for bad input."""

from __future__ import annotations

from typing import Any


class GeometryError(ValueError):
    """Input geometry that cannot be accepted, with a machine code and the offending field.

    `message` is an English msgid marked with `N_`; `params` fill its `%(name)s` placeholders
    once the app has translated it.
    """

    def __init__(self, code: str, message: str, field: str = "geometry", **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.code = code
        self.message = message
        self.field = field
        self.params = params
