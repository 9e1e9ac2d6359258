"""Cookies the server signs: a value it gave a browser, taken back only as it was given.

A cookie the server did not sign (forged, truncated, empty) or one too long to be ours reads as
no cookie at all. Every one is HttpOnly, SameSite=Lax, and Secure when the app is served over
HTTPS (SESSION_COOKIE_SECURE).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response


@dataclass(frozen=True)
class SignedCookie:
    """One signed cookie: its name, its signature's salt (its purpose), and its bounds."""

    name: str
    salt: str
    max_length: int  # a longer value is not one of ours: refused before checking it
    max_age: int | None = None
    path: str = "/"

    def _serializer(self) -> URLSafeSerializer:
        return URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt=self.salt)

    def read(self) -> Any | None:
        """The value of the request's cookie when the server signed it, else None."""
        raw = request.cookies.get(self.name, "")
        if not raw or len(raw) > self.max_length:
            return None
        try:
            return self._serializer().loads(raw)
        except BadSignature:
            return None

    def write(self, response: Response, value: Any, *, max_age: int | None = None) -> None:
        """Give the browser `value`, signed (`max_age`: this once, instead of the cookie's)."""
        response.set_cookie(
            self.name,
            self._serializer().dumps(value),
            max_age=self.max_age if max_age is None else max_age,
            path=self.path,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        )
