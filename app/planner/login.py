"""Signing in and out.

The form is Flask-WTF's (CSRF). Failures are throttled per account and per address with
counters in PostgreSQL, so the limit holds across every worker.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import InputRequired, Length

from app.auth import StaffMember, sign_in, sign_out, signed_in_user
from app.common import limits
from app.db import get_session
from app.known_devices import account_hash, remember_device
from app.planner import bp
from app.planning.accounts import authenticate
from app.planning.sign_in_turns import take_the_accounts_turn
from app.ratelimit import failures_limited
from app.redirects import safe_local_target


class LoginForm(FlaskForm):
    """E-mail address and password, and where to go afterwards."""

    class Meta(FlaskForm.Meta):
        """Flask-WTF's, but for where the fields come from."""

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """The fields of a form post only, never of a JSON body.

            Flask-WTF reads a JSON body as the fields too, and one that is not an object
            ("x", [1]) raised ValueError there: a 500 (tests/test_no_5xx.py found it). A JSON
            body now leaves the fields empty, so the answer is the form's own 422.
            """
            if formdata is not None and request.is_json:
                return request.form
            return super().wrap_formdata(form, formdata)

    email = EmailField(
        _l("E-mail address"),
        validators=[
            InputRequired(message=_l("This field is required.")),
            Length(max=limits.EMAIL.max, message=_l("Write at most %(max)s characters.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(message=_l("This field is required.")),
            Length(max=limits.PASSWORD.max, message=_l("Write at most %(max)s characters.")),
        ],
    )
    next = HiddenField()


def landing_url(user: StaffMember) -> str:
    """Where staff start after signing in: the workspace (its links lead to the queue)."""
    return url_for("planner.workspace")


def login_page(
    status: int = 200, form: LoginForm | None = None, error: str | None = None
) -> tuple[str, int]:
    """The sign-in page; without a form, one that returns to the current page afterwards."""
    if form is None:
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        form = LoginForm(formdata=None, next=target)
    if error is None and status == 401 and g.get("session_expired"):
        error = gettext("Your session ended after a while without activity. Please sign in again.")
    elif error is None and status == 401:
        error = gettext("Please sign in to see this page.")
    return render_template("planner/login.html", form=form, error=error), status


def _failed(response: Any) -> bool:
    """Only a wrong e-mail address or password counts towards the limits."""
    return bool(response.status_code == 401)


def _throttled(_limit: Any) -> Response:
    """The sign-in page saying to wait (status 429)."""
    message = gettext("Too many failed sign-ins. Please wait a few minutes and try again.")
    html, status = login_page(429, LoginForm(), message)
    return current_app.make_response((html, status))


def one_at_a_time_per_account(view: Callable[..., Any]) -> Callable[..., Any]:
    """`view` (with its limits) entered by one sign-in naming an account at a time.

    Outside the limits' decorator, so that each attempt is checked against its limits only
    once the one before has been counted (app.planning.sign_in_turns).
    """

    @functools.wraps(view)
    def in_turn(*args: Any, **kwargs: Any) -> Any:
        email = request.form.get("email")
        if email:
            wait_s = float(current_app.config["WRITE_WAIT_S"])
            take_the_accounts_turn(get_session(), account_hash(email), wait_s)
        return view(*args, **kwargs)

    return in_turn


@bp.get("/login")
def login_form() -> str | tuple[str, int] | WerkzeugResponse:
    """The sign-in form (or straight on, for someone signed in already)."""
    user = signed_in_user()
    if user is not None:
        return redirect(safe_local_target(request.args.get("next"), landing_url(user)))
    form = LoginForm(formdata=None, next=request.args.get("next", ""))
    return login_page(200, form)


@bp.post("/login")
@one_at_a_time_per_account
@failures_limited(
    "login",
    account="LOGIN_ACCOUNT_LIMIT",
    address="LOGIN_ADDRESS_LIMIT",
    failed=_failed,
    on_breach=_throttled,
)
def login() -> tuple[str, int] | WerkzeugResponse:
    """Check the password; on success a new session and a redirect to `next` (same site only)."""
    form = LoginForm()
    if not form.validate_on_submit():
        return login_page(422, form, gettext("Please correct the marked fields."))
    session = get_session()
    user = authenticate(
        session,
        str(form.email.data).strip(),
        str(form.password.data),
        profile=str(current_app.config["ARGON2_PROFILE"]),
    )
    if user is None:
        return login_page(401, form, gettext("The e-mail address or the password is wrong."))
    session.commit()  # a new hash (if the parameters changed) and the time of this sign-in
    sign_in(user)
    member = StaffMember.from_row(user)
    response = redirect(safe_local_target(form.next.data, landing_url(member)), code=303)
    remember_device(response, str(form.email.data))
    return response


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    """End this session and every other session of the same account."""
    sign_out()
    flash(gettext("You have signed out."), "info")
    return redirect(url_for("planner.login_form"), code=303)
