"""URL converters: path segments that cannot name a row never reach a query."""

from __future__ import annotations

from werkzeug.routing import BaseConverter, ValidationError

# Ids are PostgreSQL bigint/integer serials: 1 .. 2**63 - 1.
MAX_ID = 2**63 - 1


class IdConverter(BaseConverter):
    """`<id:name>`: a positive whole number a bigint column can hold; anything else is a 404."""

    regex = r"[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        """The id as an int; beyond bigint (or zero) the route does not match."""
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value: int) -> str:
        """The id as written in a URL."""
        return str(int(value))
