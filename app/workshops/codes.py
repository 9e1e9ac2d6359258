"""Join codes people read aloud, and the facilitator's secret key (kept only as a hash)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L: nothing that two people in a noisy room could read differently.
JOIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 6
_SEPARATORS = str.maketrans("", "", " -\t")


def new_join_code() -> str:
    """A random code of JOIN_CODE_LENGTH characters from JOIN_ALPHABET."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(raw: str) -> str | None:
    """The code as stored (upper case, no spaces or dashes), or None if it cannot be one."""
    code = raw.translate(_SEPARATORS).upper()
    if len(code) != JOIN_CODE_LENGTH or any(c not in JOIN_ALPHABET for c in code):
        return None
    return code


def new_facilitator_key() -> str:
    """A secret with 192 bits of randomness, shown once in the facilitator link."""
    return secrets.token_urlsafe(24)


def hash_key(key: str) -> str:
    """SHA-256 of the key: a random 192-bit key needs no slow password hash."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_matches(key: str, stored_hash: str) -> bool:
    """Whether `key` is the one whose hash is stored, compared in constant time."""
    return hmac.compare_digest(hash_key(key), stored_hash)
