"""Domain errors: what went wrong, in words a person can act on, without any HTTP.

Domain code raises these; `app/errors.py` alone turns each class into a status code and
translates the message in the request's language. A message is an English msgid marked with
`N_` and formatted with `params` (`%(n)s`), so it is translated where it is shown.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of the errors a client's input or action can cause."""

    code = "error"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params
        # Members the answer carries beside the error (a 409 carries the current version).
        self.extra = extra or {}
        if code is not None:
            self.code = code


class MalformedRequest(DomainError):
    """The request cannot be read at all: not JSON, wrong content type."""

    code = "malformed_request"


class InvalidField(DomainError):
    """A value (body field or query parameter) that is not acceptable."""

    code = "invalid_field"


class NotFound(DomainError):
    """No such thing, or none the caller may see."""

    code = "not_found"


class Conflict(DomainError):
    """The action clashes with the current state (done already, stale version)."""

    code = "conflict"


class NotAuthenticated(DomainError):
    """The action needs a signed-in planner."""

    code = "login_required"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    code = "forbidden"


class Busy(DomainError):
    """More of this work than the server takes on at once: the same request may pass soon."""

    code = "busy"


class TooMany(DomainError):
    """More of this than the caller's limits allow for now (a rate limit the domain counts).

    `retry_after_s`: when the limit's window ends, for the answer's Retry-After.
    """

    code = "rate_limited"
    retry_after_s: int | None = None
