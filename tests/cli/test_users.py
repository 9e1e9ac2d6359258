"""`flask users`: create (prompt or --password-stdin), list, set-role, disable, enable,
set-password; every refusal one clear line and exit code 1."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db import get_engine
from tests.conftest import PASSWORD, Api, sign_in


def _users(app):
    with app.app_context(), get_engine().connect() as conn:
        return conn.execute(text("SELECT email, role, disabled FROM users ORDER BY email")).all()


def test_create_with_password_on_stdin(runner, app):
    result = runner.invoke(
        args=["users", "create", "Anna@Umea.se", "--role", "moderator", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Created moderator anna@umea.se.\n"
    assert _users(app) == [("anna@umea.se", "moderator", False)]
    assert (
        sign_in(app.test_client(), "anna@umea.se").get("/api/moderation/queue").status_code == 200
    )


def test_create_with_the_hidden_prompt_asks_twice(runner, app):
    result = runner.invoke(
        args=["users", "create", "bo@umea.se", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden while typed
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert _users(app) == [("bo@umea.se", "admin", False)]


def test_prompt_with_two_different_passwords_makes_no_account(runner, app):
    result = runner.invoke(
        args=["users", "create", "bo@umea.se"], input=f"{PASSWORD}\nsomething else\n"
    )
    assert result.exit_code == 1
    assert "Error: The two entered values do not match." in result.output
    assert _users(app) == []


def test_the_default_role_is_planner(runner, app):
    result = runner.invoke(
        args=["users", "create", "per@umea.se", "--password-stdin"], input=PASSWORD
    )
    assert result.exit_code == 0
    assert _users(app) == [("per@umea.se", "planner", False)]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["x@umea.se"], "kort", "Error: The password must have at least 12 characters.\n"),
        (
            ["x@umea.se"],
            "aaaaaaaaaaaaaaaa",
            "Error: This password is too easy to guess. Use a longer phrase of several words, "
            "not your name or address.\n",
        ),
        (
            ["x@umea.se"],
            "Password1234",
            "Error: This password is too easy to guess. Use a longer phrase of several words, "
            "not your name or address.\n",
        ),
        (
            ["lisa.berg@umea.se"],
            "lisa.berg-2026-umea",
            "Error: This password is too easy to guess. Use a longer phrase of several words, "
            "not your name or address.\n",
        ),
        (["x@umea.se"], "", "Error: no password on standard input\n"),
        (["not-an-address"], PASSWORD, "Error: Enter an e-mail address, like name@umea.se.\n"),
        (
            ["x@umea.se", "--role", "boss"],
            PASSWORD,
            "Error: Unknown role. Choose planner, moderator or admin.\n",
        ),
        (["x" * 250 + "@umea.se"], PASSWORD, "Error: Write at most 254 characters.\n"),
    ],
)
def test_create_refusals_are_one_line(runner, app, args, stdin, message):
    result = runner.invoke(args=["users", "create", *args, "--password-stdin"], input=stdin)
    assert result.exit_code == 1
    assert result.output == message
    assert "Traceback" not in result.output
    assert _users(app) == []


def test_an_address_is_taken_once(runner, app):
    args = ["users", "create", "anna@umea.se", "--password-stdin"]
    assert runner.invoke(args=args, input=PASSWORD).exit_code == 0
    again = runner.invoke(
        args=["users", "create", "ANNA@umea.se", "--password-stdin"], input=PASSWORD
    )
    assert again.exit_code == 1
    assert again.output == "Error: An account for anna@umea.se exists already.\n"


def test_list_set_role_disable_enable(runner, app):
    assert runner.invoke(args=["users", "list"]).output == (
        "No accounts yet. Create one with: flask users create EMAIL --role planner\n"
    )
    for email, role in (("anna@umea.se", "moderator"), ("bo@umea.se", "planner")):
        runner.invoke(
            args=["users", "create", email, "--role", role, "--password-stdin"], input=PASSWORD
        )
    lines = runner.invoke(args=["users", "list"]).output.splitlines()
    assert lines[0].split() == ["EMAIL", "ROLE", "STATUS", "LAST", "SIGN-IN"]
    assert lines[1].split() == ["anna@umea.se", "moderator", "active", "never"]
    assert lines[2].split() == ["bo@umea.se", "planner", "active", "never"]

    result = runner.invoke(args=["users", "set-role", "bo@umea.se", "admin"])
    assert (result.exit_code, result.output) == (0, "bo@umea.se now has the role admin.\n")
    result = runner.invoke(args=["users", "disable", "anna@umea.se"])
    assert (result.exit_code, result.output) == (
        0,
        "Disabled anna@umea.se; its sessions have ended.\n",
    )
    assert _users(app) == [("anna@umea.se", "moderator", True), ("bo@umea.se", "admin", False)]
    assert "disabled" in runner.invoke(args=["users", "list"]).output
    result = runner.invoke(args=["users", "enable", "anna@umea.se"])
    assert (result.exit_code, result.output) == (0, "Enabled anna@umea.se.\n")
    assert sign_in(app.test_client(), "anna@umea.se")
    # Umeå's time with its zone, as the accounts page shows it (it said UTC, unmarked).
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(
            text(
                "UPDATE users SET last_login_at = '2026-12-05 14:16:00+00' WHERE role = 'moderator'"
            )
        )
    listed = runner.invoke(args=["users", "list"]).output.splitlines()[1].split()
    assert listed[-3:] == ["2026-12-05", "15:16", "CET"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["set-role", "nobody@umea.se", "admin"],
            "Error: There is no account for nobody@umea.se.\n",
        ),
        (["disable", "nobody@umea.se"], "Error: There is no account for nobody@umea.se.\n"),
        (["enable", "nobody@umea.se"], "Error: There is no account for nobody@umea.se.\n"),
        (
            ["set-password", "nobody@umea.se", "--password-stdin"],
            "Error: There is no account for nobody@umea.se.\n",
        ),
    ],
)
def test_unknown_accounts_are_one_line(runner, app, args, message):
    result = runner.invoke(args=["users", *args], input=PASSWORD)
    assert (result.exit_code, result.output) == (1, message)


def test_set_role_refuses_an_unknown_role(runner, app):
    runner.invoke(args=["users", "create", "anna@umea.se", "--password-stdin"], input=PASSWORD)
    result = runner.invoke(args=["users", "set-role", "anna@umea.se", "root"])
    assert (result.exit_code, result.output) == (
        1,
        "Error: Unknown role. Choose planner, moderator or admin.\n",
    )
    assert _users(app) == [("anna@umea.se", "planner", False)]


def test_set_password_ends_sessions(runner, app):
    runner.invoke(args=["users", "create", "anna@umea.se", "--password-stdin"], input=PASSWORD)
    api = sign_in(app.test_client(), "anna@umea.se")
    new = "ett helt nytt lösenord 7"
    result = runner.invoke(
        args=["users", "set-password", "anna@umea.se", "--password-stdin"], input=new + "\n"
    )
    assert result.exit_code == 0
    assert result.output == "New password set for anna@umea.se; its sessions have ended.\n"
    assert api.get("/api/answer-templates").status_code == 401
    client = app.test_client()
    old = client.post(
        "/login",
        data={"email": "anna@umea.se", "password": PASSWORD, "csrf_token": Api(client).token},
    )
    assert old.status_code == 401
    assert sign_in(app.test_client(), "anna@umea.se", new)
