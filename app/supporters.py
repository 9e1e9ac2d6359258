"""Who is acting: the browser's supporter id, issued by the server in a signed cookie.

Supports, reports and rate limits count per supporter. A cookie the server did not sign
(forged, truncated, empty) is never taken as a person: a fresh signed id is issued instead.
The table stores only a keyed hash of the id, never the cookie value or an address.
"""

from __future__ import annotations

from flask import Response, current_app, g
from werkzeug.wrappers import Response as WerkzeugResponse

from app.ideas.support import new_supporter_token, supporter_id
from app.networks import client_network
from app.signed_cookies import SignedCookie

SUPPORTER_COOKIE = "umecom_supporter"
# A signed token is about 90 characters.
SIGNED_SUPPORTER = SignedCookie(
    SUPPORTER_COOKIE, salt="umecom-supporter", max_length=200, max_age=2 * 365 * 24 * 3600
)


def token_from_cookie() -> str | None:
    """The token in the request's cookie when the server signed it, else None."""
    token = SIGNED_SUPPORTER.read()
    return token if isinstance(token, str) and token else None


def supporter_token() -> str:
    """The browser's token: from its signed cookie, or a new one the response will set."""
    token = token_from_cookie()
    if token is None:
        token = g.get("new_supporter_token") or new_supporter_token()
        g.new_supporter_token = token
    return token


def current_supporter_id() -> str:
    """The stored (hashed) id of this browser's supporter."""
    return supporter_id(str(current_app.config["SECRET_KEY"]), supporter_token())


def current_network_id() -> str:
    """A keyed hash of the client's network (app.networks: an IPv6 client by its /64).

    What one network counts as once, where a supporter id is not enough: a client can mint
    as many of those as it asks `GET /` for.
    """
    secret = str(current_app.config["SECRET_KEY"])
    return supporter_id(secret, f"network:{client_network()}")


def known_supporter_id() -> str | None:
    """The stored id when the request carries a valid cookie; None for a newcomer.

    Worked out once a request: a new pin's rate limits ask for it once per window of its
    person's limit (two), and each time it checked the cookie's signature and hashed the id.
    """
    if "known_supporter_id" not in g:
        token = token_from_cookie()
        secret = str(current_app.config["SECRET_KEY"])
        g.known_supporter_id = None if token is None else supporter_id(secret, token)
    return g.known_supporter_id


def set_new_supporter_cookie(response: Response | WerkzeugResponse) -> None:
    """Send the signed cookie when this request issued a new supporter id."""
    token = g.get("new_supporter_token")
    if token is None:
        return
    SIGNED_SUPPORTER.write(response, token)
