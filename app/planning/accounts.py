"""Staff accounts: e-mail addresses, password rules, Argon2 hashes, roles, disabling.

Passwords are hashed with Argon2id (argon2-cffi) using the parameters of a named profile; a
hash made with other parameters is replaced at the next successful sign-in. A sign-in for an
unknown or disabled account still spends one hash verification, so the time it takes does not
tell whether the account exists.
"""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata
from contextlib import suppress
from datetime import UTC, datetime
from functools import lru_cache

import argon2
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common import limits
from app.common.booleans import true_or_false
from app.common.errors import Conflict, InvalidField, NotFound
from app.common.text import clean_text, first_refused_character
from app.common.times import instant_text
from app.models import User
from app.planning.enums import ROLES
from app.planning.payloads import json_object
from geo.i18n import N_

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Fewer different characters than this is a pattern, not a password ("aaaaaaaaaaaa").
MIN_DISTINCT_CHARACTERS = 6
# Long enough to pass the length rule, and still the first thing anyone tries.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "qwertyuiopasdf",
        "qwertyuiopå",
        "password1234",
        "password12345",
        "passwordpassword",
        "losenord1234",
        "lösenord1234",
        "sommar2024!!",
        "sommar2025!!",
        "sommar2026!!",
        "vinter2025!!",
        "umeakommun123",
        "umeåkommun123",
        "administrator",
        "iloveyou1234",
        "welcome12345",
        "letmein12345",
    }
)


@lru_cache(maxsize=4)
def password_hasher(profile: str) -> PasswordHasher:
    """The hasher for a named argon2-cffi profile (`RFC_9106_LOW_MEMORY`, `CHEAPEST`, ...)."""
    parameters = getattr(argon2.profiles, profile, None)
    if not isinstance(parameters, argon2.Parameters):
        raise ValueError(f"ARGON2_PROFILE {profile!r} is not an argon2-cffi profile")
    return PasswordHasher.from_parameters(parameters)


@lru_cache(maxsize=4)
def _stand_in_hash(profile: str) -> str:
    """A hash to verify against when there is no account, so failures all take as long."""
    return password_hasher(profile).hash(secrets.token_urlsafe(16))


def new_session_token() -> str:
    """A fresh per-user session token; changing it ends every session of the user."""
    return secrets.token_urlsafe(24)


def normalize_email(raw: object) -> str:
    """The address trimmed and lower-cased, or InvalidField on `email`."""
    email = clean_text(raw, "email", limits.EMAIL, required=True)
    assert email is not None
    if not _EMAIL.fullmatch(email):
        raise InvalidField(
            N_("Enter an e-mail address, like name@umea.se."), field="email", code="invalid_email"
        )
    return email.lower()


def normalize_password(password: str) -> str:
    """The same password however a keyboard composed its characters (NFKC)."""
    return unicodedata.normalize("NFKC", password)


def check_password_rules(password: object, email: str) -> str:
    """The password when it is long and varied enough, else InvalidField on `password`."""
    if not isinstance(password, str):
        raise InvalidField(N_("This field must be text."), field="password")
    password = normalize_password(password)
    if len(password) < limits.PASSWORD.min:
        raise InvalidField(
            N_("The password must have at least %(n)s characters."),
            field="password",
            code="too_short",
            n=limits.PASSWORD.min,
        )
    if len(password) > limits.PASSWORD.max:
        raise InvalidField(
            N_("The password may have at most %(n)s characters."),
            field="password",
            code="too_long",
            n=limits.PASSWORD.max,
        )
    local_part = email.split("@", 1)[0]
    folded = password.casefold()
    if (
        len(set(folded)) < MIN_DISTINCT_CHARACTERS
        or folded in COMMON_PASSWORDS
        or (len(local_part) >= 3 and local_part in folded)
    ):
        raise InvalidField(
            N_(
                "This password is too easy to guess. Use a longer phrase of several words, "
                "not your name or address."
            ),
            field="password",
            code="weak_password",
        )
    return password


def check_role(role: object) -> str:
    """A known role, or InvalidField on `role`."""
    if not isinstance(role, str) or role not in ROLES:
        raise InvalidField(
            N_("Unknown role. Choose planner, moderator or admin."),
            field="role",
            code="invalid_choice",
        )
    return role


def find_user(session: Session, email: str) -> User | None:
    """The account with this address (any case), or None."""
    return session.execute(select(User).where(User.email == email.lower())).scalar_one_or_none()


def get_user(session: Session, email: str) -> User:
    """The account with this address, or NotFound."""
    user = find_user(session, email)
    if user is None:
        raise NotFound(N_("There is no account for %(email)s."), field="email", email=email)
    return user


def create_user(session: Session, email: str, password: str, role: str, *, profile: str) -> User:
    """A new active account; the caller commits. Conflict when the address is taken."""
    email = normalize_email(email)
    role = check_role(role)
    password = check_password_rules(password, email)
    if find_user(session, email) is not None:
        raise Conflict(
            N_("An account for %(email)s exists already."),
            field="email",
            code="account_exists",
            email=email,
        )
    user = User(
        email=email,
        password_hash=password_hasher(profile).hash(password),
        role=role,
        disabled=False,
        session_token=new_session_token(),
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, email: str, password: str, *, profile: str) -> User:
    """Give the account a new password and end its sessions; the caller commits."""
    user = get_user(session, email)
    password = check_password_rules(password, user.email)
    user.password_hash = password_hasher(profile).hash(password)
    user.session_token = new_session_token()
    return user


def set_role(session: Session, email: str, role: str) -> User:
    """Change the account's role (effective from its next request); the caller commits."""
    user = get_user(session, email)
    user.role = check_role(role)
    return user


def set_disabled(session: Session, email: str, disabled: bool) -> User:
    """Disable (ending every session) or enable the account; the caller commits."""
    user = get_user(session, email)
    user.disabled = disabled
    if disabled:
        user.session_token = new_session_token()
    return user


def session_holds(user: User | None, token: str) -> bool:
    """Whether a session of `user` with `token` still is one: enabled, not signed out since."""
    return user is not None and not user.disabled and hmac.compare_digest(user.session_token, token)


def session_still_holds(session: Session, user_id: int, token: str) -> bool:
    """`session_holds` for the account `user_id` as it is now (an open stream asks again)."""
    return session_holds(session.get(User, user_id), token)


def end_sessions(user: User) -> None:
    """End every session of the user (on every device); the caller commits."""
    user.session_token = new_session_token()


def authenticate(session: Session, email: str, password: str, *, profile: str) -> User | None:
    """The active account when the password is right, else None; the caller commits.

    A hash made with other parameters than the profile's is replaced by a new one.
    """
    hasher = password_hasher(profile)
    password = normalize_password(password)
    # No stored address is longer or holds a control character (PostgreSQL refuses NUL).
    askable = (
        len(email) <= limits.EMAIL.max and first_refused_character(email, multiline=False) is None
    )
    user = find_user(session, email) if askable else None
    if user is None or user.disabled:
        with suppress(VerificationError):
            hasher.verify(_stand_in_hash(profile), password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = datetime.now(UTC)
    return user


def all_users(session: Session) -> list[User]:
    """Every account, by address."""
    return list(session.execute(select(User).order_by(User.email)).scalars())


def user_as_json(user: User) -> dict[str, object]:
    """An account as the admin's API shows it (never its hash or token)."""
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role,
        "disabled": user.disabled,
        "created_at": instant_text(user.created_at),
        "last_login_at": instant_text(user.last_login_at),
    }


def update_user(session: Session, user_id: int, payload: object, acting_user_id: int) -> User:
    """An admin's change of another account: `{"role"?, "disabled"?}`; the caller commits.

    Nobody changes their own account here, so an admin cannot lock everyone out.
    """
    payload = json_object(payload, ("role", "disabled"))
    if not payload:
        raise InvalidField(
            N_("Send role and/or disabled, and nothing else."), field=None, code="invalid_body"
        )
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such account."), field="id")
    if user.id == acting_user_id:
        raise Conflict(
            N_("You cannot change your own account; ask another admin."),
            field="id",
            code="own_account",
        )
    if "role" in payload:
        user.role = check_role(payload["role"])
    if "disabled" in payload:
        disabled = true_or_false(payload["disabled"], "disabled")
        if disabled and not user.disabled:
            user.session_token = new_session_token()
        user.disabled = disabled
    return user
