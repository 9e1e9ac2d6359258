"""Who is supporting: the browser's supporter cookie and the opaque id derived from it."""

from __future__ import annotations

from flask import Response, current_app, request
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from app.ideas.support import (
    SUPPORTER_COOKIE,
    add_support,
    has_supported,
    new_supporter_token,
    published_support_count,
    supporter_id,
)

COOKIE_MAX_AGE = 2 * 365 * 24 * 3600


def supporter_token() -> str:
    """The token from the request's cookie, or a new one (set it with `remember_supporter`)."""
    return request.cookies.get(SUPPORTER_COOKIE) or new_supporter_token()


def supporter_for(token: str) -> str:
    """The stored id for a token."""
    return supporter_id(str(current_app.config["SECRET_KEY"]), token)


def supported_here(session: Session, idea_id: int) -> bool:
    """Whether this browser (its cookie) has supported the pin."""
    token = request.cookies.get(SUPPORTER_COOKIE)
    return token is not None and has_supported(session, idea_id, supporter_for(token))


def support_from_here(session: Session, idea_id: int, token: str) -> bool | None:
    """Support a pin as this browser; the caller commits.

    None when no such pin is public, False when this browser had supported it already, True
    when the support was added.
    """
    if published_support_count(session, idea_id) is None:
        return None
    return add_support(session, idea_id, supporter_for(token))


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
