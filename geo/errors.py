"""The one error type `geo` raises for bad input."""

from __future__ import annotations


class GeometryError(ValueError):
    """Input geometry that cannot be accepted, with a machine code and the offending field."""

    def __init__(self, code: str, message: str, field: str = "geometry") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
