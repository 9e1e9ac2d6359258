"""URL converters: path segments that cannot name a row never reach a query."""

from __future__ import annotations

from werkzeug.routing import BaseConverter, ValidationError

# Ids are PostgreSQL bigint/integer serials: 1 .. 2**63 - 1.
MAX_ID = 2**63 - 1


def decimal_range_pattern(limit: int) -> str:
    """A regular expression for the numbers 1 to `limit` written without leading zeros.

    Out-of-range segments then fail the rule's pattern rather than its converter: werkzeug
    answers a converter's refusal with 405 when the same path has a rule for another method
    (GET and PATCH on /api/ideas/<id>), and with 404 only when it fails the pattern.
    """
    digits = str(limit)
    width = len(digits)
    choices = [f"[1-9][0-9]{{0,{width - 2}}}"] if width > 1 else []
    for position, char in enumerate(digits):
        lowest = 1 if position == 0 else 0
        if int(char) > lowest:
            rest = width - position - 1
            choices.append(f"{digits[:position]}[{lowest}-{int(char) - 1}][0-9]{{{rest}}}")
    choices.append(digits)
    return "(?:" + "|".join(choices) + ")"


class IdConverter(BaseConverter):
    """`<id:name>`: a positive whole number a bigint column can hold; anything else is a 404."""

    regex = decimal_range_pattern(MAX_ID)

    def to_python(self, value: str) -> int:
        """The id as an int (the pattern has already kept it within 1 .. MAX_ID)."""
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value: int) -> str:
        """The id as written in a URL."""
        return str(int(value))
