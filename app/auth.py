"""Who is signed in: Flask-Login over the signed session cookie, idle expiry, role checks.

Sessions are Flask's signed cookie, so no worker keeps state, and still:

- **renewed at sign-in**: `sign_in` clears the session before storing the user, so nothing
  from before (a planted cookie, an old CSRF token) carries over into the signed-in session;
- **idle expiry**: the session holds the time of its last request (`seen`, refreshed at most
  once a minute); a request more than PLANNER_IDLE_MINUTES later finds it cleared. The cookie
  is signed, so a client cannot move `seen` forward;
- **ended everywhere**: the id in the cookie is "<user id>:<session token>". Signing out,
  disabling the account or a new password change the token in the database, so every cookie
  with the old one, on any device and in any worker, stops being a sign-in.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, g, request, session
from flask_login import UserMixin, current_user, login_user, logout_user
from sqlalchemy.exc import OperationalError

from app.common.errors import NotAuthenticated
from app.converters import MAX_ID
from app.db import get_session, primary_session
from app.extensions import login_manager
from app.models import User
from app.planning.accounts import end_sessions, session_holds
from app.planning.enums import ROLES, check_role, has_role
from geo.i18n import N_

F = TypeVar("F", bound=Callable[..., Any])

SEEN_KEY = "seen"
# `seen` is rewritten at most this often, so not every request sends a new cookie.
SEEN_RESOLUTION_SECONDS = 60


class StaffMember(UserMixin):
    """The signed-in user as the request sees it (a plain object, not a database row)."""

    def __init__(self, user_id: int, email: str, role: str, session_token: str) -> None:
        self.id = user_id
        self.email = email
        self.role = role
        self.session_token = session_token

    @classmethod
    def from_row(cls, user: User) -> StaffMember:
        """From the `users` row."""
        return cls(user.id, user.email, user.role, user.session_token)

    def get_id(self) -> str:
        """The id kept in the session: user id and session token (Flask-Login's alternative id)."""
        return f"{self.id}:{self.session_token}"

    def can(self, role: str) -> bool:
        """Whether this user has the rights of `role`."""
        return has_role(self.role, role)


def load_user(session_id: str) -> StaffMember | None:
    """The user of a session id, unless the account is disabled or its token has changed.

    When the database does not answer, the request goes on as anonymous, and the error is
    kept: `require_role` raises it again (a 503), while an error page can still be drawn.
    """
    user_id, _, token = str(session_id).partition(":")
    if not user_id.isdigit() or not 1 <= int(user_id) <= MAX_ID or not token:
        return None
    try:
        # On the primary even in a public read: a disabled account or ended session counts now.
        user = primary_session().get(User, int(user_id))
    except OperationalError as exc:
        g.user_load_error = exc
        primary_session().rollback()
        return None
    if user is None or not session_holds(user, token):
        return None
    return StaffMember.from_row(user)


def expire_idle_session() -> None:
    """End a signed-in session that has been idle too long; note the time of this request."""
    if "_user_id" not in session:
        return
    now = int(time.time())
    seen = session.get(SEEN_KEY)
    idle_limit = int(current_app.config["PLANNER_IDLE_MINUTES"]) * 60
    if not isinstance(seen, int) or now - seen > idle_limit:
        logout_user()
        session.clear()
        g.session_expired = True
    elif now - seen >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_KEY] = now


def init_app(app: Flask) -> None:
    """Bind Flask-Login (no remember-me cookie) and the idle check to the app."""
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    # The per-user token, renewal at sign-in and idle expiry protect the session; Flask-Login's
    # own "basic" mode would only mark sessions non-fresh, rewriting every visitor's cookie.
    login_manager.session_protection = None
    app.before_request(expire_idle_session)


def sign_in(user: User) -> None:
    """Start a new session for `user`: nothing of the session before survives."""
    session.clear()
    login_user(StaffMember.from_row(user))
    session[SEEN_KEY] = int(time.time())


def sign_out() -> None:
    """End this session and every other session of the same user; commits."""
    if current_user.is_authenticated:
        db = get_session()
        user = db.get(User, current_user.id)
        if user is not None:
            end_sessions(user)
            db.commit()
    logout_user()
    session.clear()


def signed_in_user() -> StaffMember | None:
    """The signed-in staff member, or None."""
    return current_user if current_user.is_authenticated else None  # type: ignore[return-value]


# What a staff view answers (401) to a request with no signed-in planner.
SIGN_IN_MESSAGE = N_("Please sign in as a planner.")


def signed_out_of_staff_view() -> bool:
    """Whether this request is for a staff-only view while no one is signed in.

    A CSRF failure on such a request usually means the session ended (signed out in another
    tab, or idle too long: its token went with it), so "sign in again" is the useful answer.
    Idle expiry runs after the CSRF check, so it is applied here first.
    """
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "required_role", None) is None:
        return False
    expire_idle_session()
    return signed_in_user() is None and g.get("user_load_error") is None


def require_role(role: str) -> StaffMember:
    """The signed-in user when they have `role`: NotAuthenticated (401) or Forbidden (403)."""
    assert role in ROLES
    user = signed_in_user()
    if user is None and g.get("user_load_error") is not None:
        raise g.user_load_error  # the database is down: a 503, not "please sign in"
    if user is None:
        raise NotAuthenticated(SIGN_IN_MESSAGE)
    check_role(user.role, role)
    return user


def role_required(role: str) -> Callable[[F], F]:
    """A view only staff with `role` (or a higher one) may use."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            require_role(role)
            return view(*args, **kwargs)

        # The roles matrix test finds every protected view by this mark.
        wrapped.required_role = role  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate
