"""Who is supporting: the browser's supporter cookie and the opaque id derived from it."""

from __future__ import annotations

from flask import Response, current_app, request
from werkzeug.wrappers import Response as WerkzeugResponse

from app.ideas.support import SUPPORTER_COOKIE, new_supporter_token, supporter_id

COOKIE_MAX_AGE = 2 * 365 * 24 * 3600


def supporter_token() -> str:
    """The token from the request's cookie, or a new one (set it with `remember_supporter`)."""
    return request.cookies.get(SUPPORTER_COOKIE) or new_supporter_token()


def known_supporter() -> str | None:
    """The stored id of this browser's supporter, or None when it has no cookie yet."""
    token = request.cookies.get(SUPPORTER_COOKIE)
    return supporter_id(str(current_app.config["SECRET_KEY"]), token) if token else None


def supporter_for(token: str) -> str:
    """The stored id for a token."""
    return supporter_id(str(current_app.config["SECRET_KEY"]), token)


def remember_supporter(response: Response | WerkzeugResponse, token: str) -> None:
    """Keep the token in an HttpOnly cookie so the same browser counts once."""
    response.set_cookie(
        SUPPORTER_COOKIE,
        token,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
    )
