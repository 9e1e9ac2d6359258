"""Signing in: the form, CSRF, safe redirects, session renewal, idle expiry, ending sessions,
throttled failures and Argon2 rehashing. The two-worker throttle is in tests/serving/."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from app.db import get_engine
from app.known_devices import account_hash
from app.planning.sign_in_turns import SIGN_IN_LOCK
from tests.conftest import PASSWORD, Api, create_user, sign_in


def _form(api: Api, email: str, password: str = PASSWORD, **extra: str) -> dict[str, str]:
    return {"email": email, "password": password, "csrf_token": api.token, **extra}


def _password_hash(app, email: str) -> str:
    with app.app_context(), get_engine().connect() as conn:
        return conn.execute(
            text("SELECT password_hash FROM users WHERE email = :e"), {"e": email}
        ).scalar_one()


@pytest.mark.parametrize(
    ("lang", "heading", "label"),
    [
        ("sv", "Logga in för kommunens personal", "Lösenord"),
        ("en", "Sign in for municipal staff", "Password"),
    ],
)
def test_login_page_is_translated_with_csrf(client, lang, heading, label):
    response = client.get(f"/login?lang={lang}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert heading in html and label in html
    assert 'name="csrf_token"' in html
    assert 'autocomplete="current-password"' in html


def test_sign_in_redirects_to_a_safe_next(app, client):
    create_user(app, "anna@umea.se", "moderator")
    api = Api(client)
    response = client.post("/login", data=_form(api, "Anna@Umea.se", next="/planner/templates"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/planner/templates"
    assert client.get("/planner/templates").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil", ""])
def test_unsafe_next_goes_to_the_landing_page(app, client, target):
    create_user(app, "anna@umea.se", "moderator")
    response = client.post("/login", data=_form(Api(client), "anna@umea.se", next=target))
    assert response.status_code == 303
    assert response.headers["Location"] == "/planner"


def test_a_planner_lands_on_the_workspace(app, client):
    create_user(app, "per@umea.se", "planner")
    response = client.post("/login", data=_form(Api(client), "per@umea.se"))
    assert response.headers["Location"] == "/planner"


def test_wrong_password_is_401_on_the_form_and_says_so(app, client):
    create_user(app, "anna@umea.se")
    response = client.post("/login", data=_form(Api(client), "anna@umea.se", "fel lösenord här"))
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "E-postadressen eller lösenordet är fel." in html
    assert 'value="anna@umea.se"' in html  # the address stays, the password does not
    unknown = client.post("/login", data=_form(Api(client), "nobody@umea.se"))
    assert unknown.status_code == 401
    with_nul = client.post("/login", data=_form(Api(client), "anna\x00@umea.se"))
    assert with_nul.status_code == 401  # was a 500: PostgreSQL refuses NUL in text
    assert "E-postadressen eller lösenordet är fel." in with_nul.get_data(as_text=True)


def test_missing_fields_are_422_and_marked(client):
    response = client.post("/login", data=_form(Api(client), "", ""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in html
    assert "Fältet måste fyllas i." in html


@pytest.mark.parametrize(
    "body",
    [
        b'"anna@umea.se"',
        b"[1, 2]",
        b'{"email": 5, "password": []}',
        b'"\xed\xa0\x80"',
        b"[" * 20000,
    ],
)
def test_a_json_body_is_not_a_sign_in_form(app, client, body):
    """The form is posted as a form. Flask-WTF read a JSON body too, and one that was not an
    object raised a 500 (tests/test_no_5xx.py found a lone surrogate)."""
    create_user(app, "anna@umea.se")
    response = client.post(
        "/login",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": Api(client).token},
    )
    assert response.status_code == 422
    assert "Rätta de markerade fälten." in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(app, client):
    create_user(app, "anna@umea.se")
    response = client.post("/login", data={"email": "anna@umea.se", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/planner/templates").status_code == 401


def test_signed_in_visitor_to_login_goes_on(app, client):
    create_user(app, "anna@umea.se")
    sign_in(client, "anna@umea.se")
    response = client.get("/login?next=/planner/templates")
    assert response.status_code == 302
    assert response.headers["Location"] == "/planner/templates"


def test_sign_in_renews_the_session(app, client):
    """Nothing of the session before signing in survives it (no fixation, fresh CSRF token)."""
    create_user(app, "anna@umea.se")
    before = Api(client)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        old_csrf_secret = session["csrf_token"]
    client.post("/login", data=_form(before, "anna@umea.se"))
    with client.session_transaction() as session:
        assert set(session) == {"_user_id", "_fresh", "_id", "seen"}
    after = Api(client)
    with client.session_transaction() as session:
        assert session["csrf_token"] != old_csrf_secret
    assert after.token != before.token


def test_a_disabled_account_cannot_sign_in(app, client, runner):
    create_user(app, "anna@umea.se")
    runner.invoke(args=["users", "disable", "anna@umea.se"])
    response = client.post("/login", data=_form(Api(client), "anna@umea.se"))
    assert response.status_code == 401


def test_idle_sessions_expire(app, client):
    create_user(app, "anna@umea.se")
    sign_in(client, "anna@umea.se")
    idle = int(app.config["PLANNER_IDLE_MINUTES"]) * 60
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - idle + 30
    assert client.get("/planner/templates").status_code == 200
    with client.session_transaction() as session:
        assert session["seen"] >= int(time.time()) - 5  # the request counted as activity
        session["seen"] = int(time.time()) - idle - 1
    response = client.get("/planner/templates")
    assert response.status_code == 401
    assert "Din session tog slut" in response.get_data(as_text=True)
    assert client.get("/planner/templates").status_code == 401  # the session is gone


def test_logout_ends_every_session_of_the_user(app):
    create_user(app, "anna@umea.se")
    laptop = sign_in(app.test_client(), "anna@umea.se")
    phone = sign_in(app.test_client(), "anna@umea.se")
    assert phone.get("/api/answer-templates").status_code == 200
    response = laptop.client.post("/logout", data={"csrf_token": laptop.token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert laptop.get("/api/answer-templates").status_code == 401
    assert phone.get("/api/answer-templates").status_code == 401
    assert "Du har loggat ut." in laptop.client.get("/login").get_data(as_text=True)


def test_logout_needs_post_with_csrf(app, client):
    create_user(app, "anna@umea.se")
    api = sign_in(client, "anna@umea.se")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert api.get("/api/answer-templates").status_code == 200


def test_disabling_ends_every_session(app, runner):
    create_user(app, "anna@umea.se", "moderator")
    api = sign_in(app.test_client(), "anna@umea.se")
    assert api.get("/api/moderation/queue").status_code == 200
    assert runner.invoke(args=["users", "disable", "anna@umea.se"]).exit_code == 0
    response = api.get("/api/moderation/queue")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "login_required"


def test_a_new_role_holds_from_the_next_request(app, runner):
    create_user(app, "anna@umea.se", "moderator")
    api = sign_in(app.test_client(), "anna@umea.se")
    assert api.get("/api/moderation/queue").status_code == 200
    runner.invoke(args=["users", "set-role", "anna@umea.se", "planner"])
    assert api.get("/api/moderation/queue").status_code == 403


def test_a_forged_session_id_is_no_sign_in(app, client):
    user_id = create_user(app, "anna@umea.se", "admin")
    Api(client)
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:guessed-token"
        session["seen"] = int(time.time())
    assert client.get("/api/moderation/queue").status_code == 401


def test_failed_sign_ins_are_throttled_per_account(make_app, app):
    limited = make_app(LOGIN_ACCOUNT_LIMIT="3 per minute", LOGIN_ADDRESS_LIMIT="100 per minute")
    create_user(app, "anna@umea.se")
    create_user(app, "bo@umea.se")
    client = limited.test_client()

    def attempt(email: str, password: str = "fel lösenord igen"):
        return client.post("/login", data=_form(Api(client), email, password))

    assert [attempt("anna@umea.se").status_code for _ in range(3)] == [401, 401, 401]
    blocked = attempt("anna@umea.se", PASSWORD)  # even the right password waits now
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"]
    html = blocked.get_data(as_text=True)
    assert "För många misslyckade inloggningar." in html
    assert 'name="password"' in html  # the sign-in page itself, not the error page
    assert attempt("bo@umea.se", PASSWORD).status_code == 303  # another account is not held up


def test_a_sign_in_that_waits_too_long_for_its_turn_is_503(make_app, app):
    """Sign-ins naming one account take turns (app.planning.sign_in_turns); one that cannot
    have its turn in time is told to try again, and nothing of it is counted."""
    impatient = make_app(WRITE_WAIT_S=0.3, LOGIN_ACCOUNT_LIMIT="1 per minute")
    create_user(app, "anna@umea.se")
    client = impatient.test_client()
    with app.app_context(), get_engine().connect() as other_sign_in:
        other_sign_in.execute(
            text("SELECT pg_advisory_xact_lock(:key, hashtext(:account))"),
            {"key": SIGN_IN_LOCK, "account": account_hash("Anna@umea.se ")},
        )
        waited = client.post("/login", data=_form(Api(client), "anna@umea.se", "fel"))
        assert waited.status_code == 503
        assert "Många inloggningar till det här kontot kontrolleras just nu. Försök igen." in (
            waited.get_data(as_text=True)
        )
        other = client.post("/login", data=_form(Api(client), "bo@umea.se", "fel"))
        assert other.status_code == 401  # another account does not wait
    assert client.post("/login", data=_form(Api(client), "anna@umea.se")).status_code == 303


def test_an_attacker_does_not_lock_the_owner_out_of_a_device_they_signed_in_from(make_app, app):
    """Five wrong passwords a quarter of an hour kept every moderator out; not any more."""
    limited = make_app(LOGIN_ACCOUNT_LIMIT="3 per minute", LOGIN_ADDRESS_LIMIT="100 per minute")
    create_user(app, "anna@umea.se")
    create_user(app, "bo@umea.se")
    annas_laptop = limited.test_client()
    signed_in = annas_laptop.post("/login", data=_form(Api(annas_laptop), "anna@umea.se"))
    assert signed_in.status_code == 303
    device_cookie = signed_in.headers.getlist("Set-Cookie")
    assert any(c.startswith("umecom_device=") and "Path=/login" in c for c in device_cookie)
    annas_laptop.post("/logout", headers={"X-CSRFToken": Api(annas_laptop).token})

    attacker = limited.test_client()
    wrong = [
        attacker.post("/login", data=_form(Api(attacker), "anna@umea.se", "gissning")).status_code
        for _ in range(4)
    ]
    assert wrong == [401, 401, 401, 429]
    # A browser Anna never signed in from waits, the right password or not ...
    new_phone = limited.test_client()
    assert new_phone.post("/login", data=_form(Api(new_phone), "anna@umea.se")).status_code == 429
    # ... her laptop does not.
    assert (
        annas_laptop.post("/login", data=_form(Api(annas_laptop), "anna@umea.se")).status_code
        == 303
    )
    annas_laptop.post("/logout", headers={"X-CSRFToken": Api(annas_laptop).token})
    # The laptop's cookie is for Anna's account only: Bo's counts as any browser's.
    for _ in range(3):
        annas_laptop.post("/login", data=_form(Api(annas_laptop), "bo@umea.se", "gissning"))
    assert attacker.post("/login", data=_form(Api(attacker), "bo@umea.se")).status_code == 429
    # A device's own failures are limited too (a stolen cookie guesses no faster).
    laptop_tries = [
        annas_laptop.post(
            "/login", data=_form(Api(annas_laptop), "anna@umea.se", "fel igen")
        ).status_code
        for _ in range(4)
    ]
    assert laptop_tries == [401, 401, 401, 429]
    # A cookie the server did not sign is no device.
    forger = limited.test_client()
    forger.set_cookie("umecom_device", "eyJhY2NvdW50IjoieCJ9.forged", path="/login")
    assert forger.post("/login", data=_form(Api(forger), "anna@umea.se")).status_code == 429


def test_successes_do_not_count_and_addresses_have_a_ceiling(make_app, app):
    limited = make_app(LOGIN_ACCOUNT_LIMIT="2 per minute", LOGIN_ADDRESS_LIMIT="3 per minute")
    for name in ("a", "b", "c", "d"):
        create_user(app, f"{name}@umea.se")
    client = limited.test_client()
    for _ in range(4):  # successes are never counted
        assert client.post("/login", data=_form(Api(client), "a@umea.se")).status_code == 303
    statuses = [
        client.post(
            "/login", data=_form(Api(client), f"{n}@umea.se", "fel fel fel fel")
        ).status_code
        for n in ("b", "c", "d", "b")
    ]
    assert statuses == [401, 401, 401, 429]
    # The address is locked, but not for a browser the account signed in from before: fifty
    # failures from an office's one address would otherwise lock out all its staff.
    assert client.post("/login", data=_form(Api(client), "a@umea.se")).status_code == 303
    stranger = limited.test_client()
    assert stranger.post("/login", data=_form(Api(stranger), "c@umea.se")).status_code == 429


def test_hashes_are_upgraded_when_the_parameters_change(make_app, app):
    create_user(app, "anna@umea.se")  # made with the CHEAPEST profile
    cheap = _password_hash(app, "anna@umea.se")
    assert "m=8," in cheap
    stronger = make_app(ARGON2_PROFILE="RFC_9106_LOW_MEMORY")
    client = stronger.test_client()
    assert client.post("/login", data=_form(Api(client), "anna@umea.se")).status_code == 303
    upgraded = _password_hash(app, "anna@umea.se")
    assert upgraded.startswith("$argon2id$") and "m=65536,t=3,p=4" in upgraded
    client = stronger.test_client()
    assert client.post("/login", data=_form(Api(client), "anna@umea.se")).status_code == 303
    assert _password_hash(app, "anna@umea.se") == upgraded  # no rehash when nothing changed


def test_a_signed_in_planner_gets_503_when_the_database_is_down(app, make_app):
    create_user(app, "anna@umea.se")
    signed_in = sign_in(app.test_client(), "anna@umea.se").client
    broken = make_app(DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/none")
    client = broken.test_client()
    client.set_cookie("session", signed_in.get_cookie("session").value)
    api = client.get("/api/answer-templates")
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "database_unavailable"
    page = client.get("/planner/templates")
    assert page.status_code == 503
    assert "Kartan är inte tillgänglig just nu" in page.get_data(as_text=True)
