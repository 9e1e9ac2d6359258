"""Signed identities: a participant's token, and the facilitator's cookie.

The server signs them with SECRET_KEY (itsdangerous), so a client cannot make one up; each
names one workshop and cannot be used in another. The facilitator cookie also carries a random
id of the device, so two facilitators' undo stacks stay apart.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

MAX_TOKEN_LENGTH = 200
DEVICE = re.compile(r"[A-Za-z0-9_-]{8,32}")


@dataclass(frozen=True)
class ParticipantToken:
    """Who the token says: a participant of a workshop."""

    workshop_id: int
    participant_id: int


def _serializer(secret: str, purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=f"umecom-workshop-{purpose}")


def sign_participant(secret: str, workshop_id: int, participant_id: int) -> str:
    """The token of a participant."""
    return str(_serializer(secret, "participant").dumps([workshop_id, participant_id]))


def read_participant(secret: str, token: str) -> ParticipantToken | None:
    """The participant a token names, or None when the server did not sign it."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = _serializer(secret, "participant").loads(token)
    except BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return None
    return ParticipantToken(value[0], value[1])


def new_device_id() -> str:
    """A random id for one facilitator's device (their own undo stack)."""
    return secrets.token_urlsafe(12)


def sign_facilitator(secret: str, workshop_id: int, key_hash: str, device_id: str) -> str:
    """The facilitator cookie: the workshop, a prefix of its key's hash, and the device's id."""
    return str(_serializer(secret, "facilitator").dumps([workshop_id, key_hash[:16], device_id]))


def _facilitator_cookie(secret: str, token: str, workshop_id: int, key_hash: str) -> list[Any]:
    """The cookie's values when the server signed it for this workshop and its key, else []."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return []
    try:
        value = _serializer(secret, "facilitator").loads(token)
    except BadSignature:
        return []
    if not isinstance(value, list) or value[:2] != [workshop_id, key_hash[:16]]:
        return []
    # Cookies signed before devices had ids carry two values; they still hold.
    if len(value) == 2 or (
        len(value) == 3 and isinstance(value[2], str) and DEVICE.fullmatch(value[2])
    ):
        return value
    return []


def facilitator_cookie_matches(secret: str, token: str, workshop_id: int, key_hash: str) -> bool:
    """Whether the cookie was signed by the server for this workshop and its key."""
    return bool(_facilitator_cookie(secret, token, workshop_id, key_hash))


def facilitator_device(secret: str, token: str, workshop_id: int, key_hash: str) -> str | None:
    """The device id a valid facilitator cookie carries (None for an older cookie or none)."""
    value = _facilitator_cookie(secret, token, workshop_id, key_hash)
    return str(value[2]) if len(value) == 3 else None
