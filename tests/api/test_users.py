"""Accounts for admins: the list, a new role, disabling (which ends the sessions) and enabling;
never one's own account."""

from __future__ import annotations

from tests.conftest import create_user, sign_in


def test_list_change_disable_enable(app, staff):
    admin = staff("admin")
    other = create_user(app, "eva@umea.se", "planner")
    eva = sign_in(app.test_client(), "eva@umea.se")
    listed = admin.get("/api/users").get_json()
    assert [(u["email"], u["role"], u["disabled"]) for u in listed] == [
        ("admin@umea.se", "admin", False),
        ("eva@umea.se", "planner", False),
    ]
    assert "password_hash" not in listed[0] and "session_token" not in listed[0]
    promoted = admin.patch(f"/api/users/{other}", {"role": "moderator"})
    assert promoted.status_code == 200 and promoted.get_json()["role"] == "moderator"
    assert eva.get("/api/moderation/queue").status_code == 200
    disabled = admin.patch(f"/api/users/{other}", {"disabled": True})
    assert disabled.get_json()["disabled"] is True
    assert eva.get("/api/moderation/queue").status_code == 401
    admin.patch(f"/api/users/{other}", {"disabled": False})
    assert sign_in(app.test_client(), "eva@umea.se").get("/api/moderation/queue").status_code == 200


def test_refusals(app, staff):
    admin = staff("admin")
    me = admin.get("/api/users").get_json()[0]["id"]
    other = create_user(app, "eva@umea.se")
    own = admin.patch(f"/api/users/{me}", {"role": "planner"})
    assert own.status_code == 409
    assert own.get_json()["error"]["message"] == (
        "Du kan inte ändra ditt eget konto; be en annan administratör."
    )
    for body, field in (
        ({"role": "boss"}, "role"),
        ({"disabled": "yes"}, "disabled"),
        ({}, None),
        ({"email": "x@y.se"}, "email"),
    ):
        response = admin.patch(f"/api/users/{other}", body)
        assert response.status_code == 422, body
        assert response.get_json()["error"]["field"] == field
    assert admin.patch("/api/users/9999", {"role": "planner"}).status_code == 404


def test_the_accounts_page(app, staff):
    create_user(app, "eva@umea.se")
    html = staff("admin").get("/planner/users").get_data(as_text=True)
    assert "eva@umea.se" in html and "admin@umea.se" in html
    assert html.count('data-method="PATCH"') == 2  # eva's role and access; not one's own
    assert 'data-json="bool"' in html
    # What the page says after each form names the account and the change.
    assert 'data-done="Rollen för eva@umea.se ändrades."' in html
    assert 'data-done="eva@umea.se stängdes av: dess sessioner har avslutats."' in html
    olle = create_user(app, "olle@umea.se")
    assert staff("admin").patch(f"/api/users/{olle}", {"disabled": True}).status_code == 200
    html = staff("admin").get("/planner/users").get_data(as_text=True)
    assert 'data-done="olle@umea.se aktiverades: kontot kan logga in igen."' in html
