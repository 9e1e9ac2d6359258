"""`flask users`: staff accounts (planner, moderator, admin). Errors end in one line, exit 1."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from app.common.errors import DomainError
from app.db import get_session
from app.planning import accounts
from app.planning.enums import ROLES

T = TypeVar("T")
ROLE_NAMES = ", ".join(ROLES)


@click.group("users")
def users_cli() -> None:
    """Staff accounts: planners, moderators and admins."""


def _profile() -> str:
    return str(current_app.config["ARGON2_PROFILE"])


@contextmanager
def _refusals() -> Iterator[None]:
    """A domain refusal (weak password, unknown account...) as one line and exit code 1."""
    try:
        yield
    except DomainError as exc:
        get_session().rollback()
        raise click.ClickException(str(exc)) from None


def _read_password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice at a hidden prompt."""
    if from_stdin:
        line = str(sys.stdin.readline())
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise click.ClickException("no password on standard input")
        return password
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _checked(check: Callable[..., T], *args: Any) -> T:
    """Run a validator, turning its refusal into a one-line error."""
    with _refusals():
        return check(*args)


PASSWORD_STDIN = click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (one line)."
)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", default="planner", show_default=True, help=f"One of: {ROLE_NAMES}.")
@PASSWORD_STDIN
@with_appcontext
def create(email: str, role: str, password_stdin: bool) -> None:
    """Create an account for EMAIL with a ROLE; the password is asked for (or read from stdin)."""
    email = _checked(accounts.normalize_email, email)
    _checked(accounts.check_role, role)
    session = get_session()
    if accounts.find_user(session, email) is not None:
        raise click.ClickException(f"An account for {email} exists already.")
    password = _read_password(password_stdin)
    with _refusals():
        accounts.create_user(session, email, password, role, profile=_profile())
        session.commit()
    click.echo(f"Created {role} {email}.")


def _local(instant: datetime) -> str:
    """An instant in Umeå's time with its zone, as the accounts page shows it ("… 15:16 CET")."""
    zone = ZoneInfo(str(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


@users_cli.command("list")
@with_appcontext
def list_users() -> None:
    """List the accounts with their role, whether active, and their last sign-in."""
    users = accounts.all_users(get_session())
    if not users:
        click.echo("No accounts yet. Create one with: flask users create EMAIL --role planner")
        return
    width = max(len(u.email) for u in users)
    click.echo(f"{'EMAIL':<{width}}  {'ROLE':<9}  {'STATUS':<8}  LAST SIGN-IN")
    for user in users:
        status = "disabled" if user.disabled else "active"
        last = _local(user.last_login_at) if user.last_login_at else "never"
        click.echo(f"{user.email:<{width}}  {user.role:<9}  {status:<8}  {last}")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role")
@with_appcontext
def set_role(email: str, role: str) -> None:
    """Give the account EMAIL the ROLE (effective from its next request)."""
    session = get_session()
    with _refusals():
        user = accounts.set_role(session, email, role)
        session.commit()
    click.echo(f"{user.email} now has the role {user.role}.")


@users_cli.command("disable")
@click.argument("email")
@with_appcontext
def disable(email: str) -> None:
    """Disable the account EMAIL: it cannot sign in, and its sessions end at once."""
    session = get_session()
    with _refusals():
        user = accounts.set_disabled(session, email, True)
        session.commit()
    click.echo(f"Disabled {user.email}; its sessions have ended.")


@users_cli.command("enable")
@click.argument("email")
@with_appcontext
def enable(email: str) -> None:
    """Let the disabled account EMAIL sign in again."""
    session = get_session()
    with _refusals():
        user = accounts.set_disabled(session, email, False)
        session.commit()
    click.echo(f"Enabled {user.email}.")


@users_cli.command("set-password")
@click.argument("email")
@PASSWORD_STDIN
@with_appcontext
def set_password(email: str, password_stdin: bool) -> None:
    """Give the account EMAIL a new password (asked for, or read from stdin); ends its sessions."""
    session = get_session()
    _checked(accounts.get_user, session, email)
    password = _read_password(password_stdin)
    with _refusals():
        user = accounts.set_password(session, email, password, profile=_profile())
        session.commit()
    click.echo(f"New password set for {user.email}; its sessions have ended.")
