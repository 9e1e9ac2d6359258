"""Signed identities: a participant's token, and the facilitator's cookie.

The server signs them with SECRET_KEY (itsdangerous), so a client cannot make one up; each
names one workshop and cannot be used in another.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

MAX_TOKEN_LENGTH = 200


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


def sign_facilitator(secret: str, workshop_id: int, key_hash: str) -> str:
    """The facilitator cookie: the workshop and a prefix of its key's hash."""
    return str(_serializer(secret, "facilitator").dumps([workshop_id, key_hash[:16]]))


def facilitator_cookie_matches(secret: str, token: str, workshop_id: int, key_hash: str) -> bool:
    """Whether the cookie was signed by the server for this workshop and its key."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return False
    try:
        value = _serializer(secret, "facilitator").loads(token)
    except BadSignature:
        return False
    return value == [workshop_id, key_hash[:16]]
