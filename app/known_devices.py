"""Devices an account has signed in from: their failed sign-ins are counted on their own.

Failed sign-ins are limited per account, so anyone who knows a staff address could keep its
owner locked out with five wrong passwords every quarter of an hour. A browser that signed
in to the account before carries a signed cookie naming the account (hashed) and the device;
its attempts count against that device's own limit instead of the account's, so an attacker's
failures lock out only browsers the account never signed in from (OWASP's "device cookies").
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

DEVICE_COOKIE = "umecom_device"
COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_COOKIE_LENGTH = 300


def account_hash(email: str) -> str:
    """The account a sign-in names, hashed as the limits' counters key it (no addresses kept)."""
    normalised = email.strip().lower()[:254]
    return hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt="umecom-device")


def known_device(email: str) -> str | None:
    """The device id of a browser that signed in to the account `email` before, else None."""
    raw = request.cookies.get(DEVICE_COOKIE, "")
    if not raw or len(raw) > MAX_COOKIE_LENGTH:
        return None
    try:
        value = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    device, account = value.get("device"), value.get("account")
    if not isinstance(device, str) or account != account_hash(email):
        return None
    return device


def remember_device(response: Response, email: str) -> None:
    """After a sign-in: this browser is one of the account's devices (a new id each time)."""
    value = {"account": account_hash(email), "device": secrets.token_urlsafe(16)}
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(value),
        max_age=COOKIE_MAX_AGE,
        path="/login",
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
    )
