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

from flask import g
from werkzeug.wrappers import Response

from app.signed_cookies import SignedCookie

DEVICE_COOKIE = SignedCookie(
    "umecom_device", salt="umecom-device", max_length=300, max_age=365 * 24 * 3600, path="/login"
)


def account_hash(email: str) -> str:
    """The account a sign-in names, hashed as the limits' counters key it (no addresses kept)."""
    normalised = email.strip().lower()[:254]
    return hashlib.sha256(normalised.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def known_device(email: str) -> str | None:
    """The device id of a browser that signed in to the account `email` before, else None.

    Worked out once a request: both of a sign-in's counters (the account's, the address's)
    ask for it.
    """
    known: dict[str, str | None] = g.setdefault("known_devices", {})
    if email not in known:
        value = DEVICE_COOKIE.read()
        device = value.get("device") if isinstance(value, dict) else None
        account = value.get("account") if isinstance(value, dict) else None
        mine = isinstance(device, str) and account == account_hash(email)
        known[email] = device if mine else None
    return known[email]


def remember_device(response: Response, email: str) -> None:
    """After a sign-in: this browser is one of the account's devices (a new id each time)."""
    value = {"account": account_hash(email), "device": secrets.token_urlsafe(16)}
    DEVICE_COOKIE.write(response, value)
