"""The one table from errors to HTTP: statuses, codes and translated messages.

Domain code raises `app.common.errors` (and `geo` raises GeometryError); nothing else in the app
chooses an error status, so the same mistake gets the same answer on every route. The API
answers `{"error": {"code", "message", "field"}}`; pages answer with the error page.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from flask import Flask, Response, has_request_context, jsonify, render_template, request
from flask_babel import format_number, gettext, ngettext
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, SecurityError

from app.auth import SIGN_IN_MESSAGE, signed_out_of_staff_view
from app.common.errors import (
    Busy,
    Conflict,
    DomainError,
    Forbidden,
    InvalidField,
    MalformedRequest,
    NotAuthenticated,
    NotFound,
    TooMany,
)
from app.extensions import limiter
from app.planner.login import login_page
from geo.errors import GeometryError

log = logging.getLogger(__name__)

# Looked up along the class's MRO, so a subclass answers like its base unless listed itself.
STATUS_BY_ERROR: dict[type[Exception], int] = {
    MalformedRequest: 400,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    InvalidField: 422,
    GeometryError: 422,
    TooMany: 429,
    Busy: 503,
}
# Seconds a client is asked to wait before it tries a 503 again (RFC 9110, Retry-After).
RETRY_AFTER_S = 1


def keep_the_busy_retry_after(response: Response) -> Response:
    """A 503 asks the client to wait RETRY_AFTER_S, whatever the rate limiter's headers say.

    Flask-Limiter sets Retry-After on every answer of a rate-limited view, to the end of its
    window (up to an hour). Such a view takes its write turn after its limits
    (app/write_turns.py), so a write refused as busy came back asking the browser to wait a
    minute, and the citizen's retry (static/js/lib/request.js) waited its longest, 10 s.
    Registered before Flask-Limiter: after-request hooks run in the reverse order.
    """
    if response.status_code == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


# OGC API – Features asks for 400 where this API answers 422: a query parameter it does not
# know, or a value it cannot take (/req/core/query-param-unknown, /query-param-invalid).
OGC_PREFIX = "/ogc"
OGC_STATUSES = {422: 400}


def status_for(exc: Exception) -> int:
    """The status of a domain error, from the table (OGC's own statuses under /ogc)."""
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            status = STATUS_BY_ERROR[cls]
            return OGC_STATUSES.get(status, status) if _under_ogc() else status
    raise LookupError(f"no status for {type(exc).__name__}")


def _under_ogc() -> bool:
    """True while answering a request under the OGC API prefix."""
    return has_request_context() and (
        request.path == OGC_PREFIX or request.path.startswith(OGC_PREFIX + "/")
    )


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """The JSON error body the contract defines (plus `extra` top-level members)."""
    body: dict[str, Any] = {"error": {"code": code, "message": str(message), "field": field}}
    body.update(extra or {})
    response = jsonify(body)
    response.status_code = status
    return response


def wants_json() -> bool:
    """API paths, OGC API and the health check answer in JSON; pages answer in HTML."""
    return (
        request.path.startswith("/api/")
        or request.path == "/healthz"
        or _under_ogc()
        or request.is_json
    )


@dataclass(frozen=True)
class Retry:
    """The page asked for again with the values a refusal said it would take."""

    url: str
    changes: str  # "min_points 7"


def suggested_retry(exc: DomainError) -> Retry | None:
    """The same page with the values its refusal suggests, for a link on the error page.

    Only for a page read by GET whose refusal carries `suggested` values (a report's
    `min_points` too small for the pins, say).
    """
    suggested = exc.extra.get("suggested")
    if request.method != "GET" or not isinstance(suggested, dict) or not suggested:
        return None
    args = request.args.copy()
    for name, value in suggested.items():
        args[name] = str(value)
    changes = ", ".join(f"{name} {format_number(value)}" for name, value in suggested.items())
    path = request.script_root + request.path
    return Retry(f"{path}?{urlencode(list(args.items(multi=True)))}", changes)


def respond(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    *,
    on_page: bool = False,
    retry: Retry | None = None,
) -> Response | tuple[str, int]:
    """The JSON error on the API, the error page elsewhere.

    The page shows `message` when `on_page`, and with `retry` a link to the same page with the
    values the refusal suggested.
    """
    if wants_json():
        return error_response(status, code, message, field)
    return render_template(
        "error.html",
        status=status,
        message=message if on_page else None,
        retry=retry,
    ), status


def translated(message: str, params: dict[str, Any]) -> str:
    """A domain message in the request's language, its placeholders filled.

    A whole number the message takes as text (`%(n)s`) is written as the language writes
    counts: "från 1 till 5 000", "from 1 to 5,000". One that names something keeps its
    digits (`%(id)d`: "pin 12345", `%(crs)d`: "crs=3006"), as the browser's `t()` keeps `id`.
    """
    if not params:
        return gettext(message)
    return gettext(
        message, **{name: _written(message, name, value) for name, value in params.items()}
    )


def _written(message: str, name: str, value: Any) -> Any:
    """`value` for `message`'s placeholder `name`: a whole number taken as text, grouped."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    return format_number(value) if whole and f"%({name})s" in message else value


def _http_message(exc: HTTPException) -> str:
    """A translated sentence for the HTTP errors routing and werkzeug raise."""
    messages = {
        400: gettext("The request could not be understood."),
        404: gettext("There is nothing at this address."),
        405: gettext("This method is not allowed here."),
        413: gettext("The request body is too large."),
    }
    return messages.get(exc.code or 0, exc.description or exc.name)


# A wait longer than this is said in minutes: "a moment" for the rest of an hour's window
# left a room of workshop participants retrying for 44 minutes.
SAY_MINUTES_AFTER_S = 90


def seconds_until_reset() -> float:
    """How long until the breached limit's window ends (0 when no limit was breached)."""
    current = limiter.current_limit
    return max(0.0, float(current.reset_at) - time.time()) if current is not None else 0.0


def rate_limit_message(wait_s: float) -> str:
    """A refusal for too many requests, saying how long to wait when it is more than a moment."""
    if wait_s <= SAY_MINUTES_AFTER_S:
        return gettext("Too many requests. Please wait a moment and try again.")
    minutes = math.ceil(wait_s / 60)
    return ngettext(
        "Too many requests from this network. Please try again in %(num)s minute.",
        "Too many requests from this network. Please try again in %(num)s minutes.",
        minutes,
    )


def register_errorhandlers(app: Flask) -> None:
    """Map every error to the JSON shape on the API and to a page elsewhere."""

    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError) -> Response | tuple[str, int]:
        message = translated(exc.message, exc.params)
        status = status_for(exc)
        if wants_json():
            response = error_response(status, exc.code, message, exc.field, exc.extra)
            if status == 503:
                response.headers["Retry-After"] = str(RETRY_AFTER_S)
            if isinstance(exc, TooMany) and exc.retry_after_s is not None:
                response.headers["Retry-After"] = str(exc.retry_after_s)
            return response
        if isinstance(exc, NotAuthenticated):  # a page for planners: the sign-in form, 401
            return login_page(status)
        retry = suggested_retry(exc)
        return respond(status, exc.code, message, exc.field, on_page=True, retry=retry)

    @app.errorhandler(GeometryError)
    def handle_geometry_error(exc: GeometryError) -> Response | tuple[str, int]:
        message = translated(exc.message, exc.params)
        if wants_json() and exc.location is not None:
            # Where a shape is broken, beside the error: `{"location": [lon, lat]}`.
            extra = {"location": list(exc.location)}
            return error_response(status_for(exc), exc.code, message, exc.field, extra)
        return respond(status_for(exc), exc.code, message, exc.field, on_page=True)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(exc: CSRFError) -> Response | tuple[str, int]:
        # Still refused, but a planner whose session ended is told to sign in, not that a
        # form expired: the session's end took its token with it.
        if signed_out_of_staff_view():
            return handle_domain_error(NotAuthenticated(SIGN_IN_MESSAGE))
        message = gettext("The form expired or the security token is missing.")
        return respond(400, "csrf_failed", message, "X-CSRFToken", on_page=True)

    @app.errorhandler(SecurityError)
    def handle_untrusted_host(exc: SecurityError) -> Response:
        # No URL can be built for a host we do not serve, so no page either: a bare 400.
        return error_response(400, "untrusted_host", gettext("This host is not served here."))

    @app.errorhandler(RequestEntityTooLarge)
    def handle_too_large(exc: RequestEntityTooLarge) -> Response | tuple[str, int]:
        return respond(413, "body_too_large", gettext("The request body is too large."))

    @app.errorhandler(RateLimitExceeded)
    def handle_rate_limit(exc: RateLimitExceeded) -> Response | tuple[str, int]:
        if exc.response is not None:  # a page that shows the refusal itself (the sign-in form)
            return cast(Response, exc.response)
        message = rate_limit_message(seconds_until_reset())
        return respond(429, "rate_limited", message, on_page=True)

    @app.errorhandler(OperationalError)
    def handle_database_down(exc: OperationalError) -> Response | tuple[str, int]:
        log.error("database unavailable on %s %s: %s", request.method, request.path, exc)
        message = gettext("The map is unavailable for a moment. Please try again soon.")
        return respond(503, "database_unavailable", message, on_page=True)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException) -> Response | tuple[str, int]:
        code = (exc.name or "error").lower().replace(" ", "_")
        answer = respond(exc.code or 500, code, _http_message(exc))
        response = app.make_response(answer)
        # Keep what the status needs beside the body: `Allow` on a 405 (RFC 9110).
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception) -> Response | tuple[str, int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(500, "internal_error", gettext("Something went wrong on our side."))
