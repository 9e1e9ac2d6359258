"""JSON errors for the API, one shape for all.

The body is `{"error": {"code", "message", "field"}}`; never a 500 for what a client sent.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from geo.errors import GeometryError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error a client caused, with its HTTP status, a code and the field it concerns."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    """The JSON error body the contract defines."""
    response = jsonify({"error": {"code": code, "message": str(message), "field": field}})
    response.status_code = status
    return response


def _wants_json() -> bool:
    """API paths and the health check answer in JSON; pages answer in HTML."""
    return request.path.startswith("/api/") or request.path == "/healthz" or request.is_json


def _respond(
    status: int, code: str, message: str, field: str | None = None, *, on_page: bool = False
) -> Response | tuple[str, int]:
    """The JSON error on the API, the error page elsewhere (with `message` when `on_page`)."""
    if _wants_json():
        return error_response(status, code, message, field)
    return render_template(
        "error.html", status=status, message=message if on_page else None
    ), status


def register_errorhandlers(app: Flask) -> None:
    """Map every error to the JSON shape on the API and to a page elsewhere."""

    @app.errorhandler(ApiError)
    def handle_api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @app.errorhandler(GeometryError)
    def handle_geometry_error(exc: GeometryError) -> Response:
        return error_response(422, exc.code, gettext(exc.message), exc.field)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(exc: CSRFError) -> Response | tuple[str, int]:
        message = gettext("The form expired or the security token is missing.")
        return _respond(400, "csrf_failed", message, "X-CSRFToken", on_page=True)

    @app.errorhandler(RequestEntityTooLarge)
    def handle_too_large(exc: RequestEntityTooLarge) -> Response:
        return error_response(413, "body_too_large", gettext("The request body is too large."))

    @app.errorhandler(RateLimitExceeded)
    def handle_rate_limit(exc: RateLimitExceeded) -> Response:
        return error_response(
            429, "rate_limited", gettext("Too many requests. Please wait a moment and try again.")
        )

    @app.errorhandler(OperationalError)
    def handle_database_down(exc: OperationalError) -> Response | tuple[str, int]:
        log.error("database unavailable on %s %s: %s", request.method, request.path, exc)
        message = gettext("The map is unavailable for a moment. Please try again soon.")
        return _respond(503, "database_unavailable", message, on_page=True)

    @app.errorhandler(HTTPException)
    def handle_http_exception(exc: HTTPException) -> Response | tuple[str, int]:
        code = (exc.name or "error").lower().replace(" ", "_")
        return _respond(exc.code or 500, code, exc.description or exc.name)

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception) -> Response | tuple[str, int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _respond(500, "internal_error", gettext("Something went wrong on our side."))
