"""The one error type `geo` raises for bad input."""

from __future__ import annotations

from typing import Any


class GeometryError(ValueError):
    """Input geometry that cannot be accepted, with a machine code and the offending field.

    `message` is an English msgid marked with `N_`; `params` fill its `%(name)s` placeholders
    once the app has translated it. `location` is the point where a shape is broken.
    """

    def __init__(
        self,
        code: str,
        message: str,
        field: str = "geometry",
        *,
        location: tuple[float, float] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(message % params if params else message)
        self.code = code
        self.message = message
        self.field = field
        self.params = params
        # Where the shape is broken (lon, lat), for a client to mark on the map.
        self.location = location
