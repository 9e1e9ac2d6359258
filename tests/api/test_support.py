"""POST /api/ideas/<id>/support: once per person, where the server issues who a person is."""

from sqlalchemy import text

from app.db import get_engine
from app.supporters import SUPPORTER_COOKIE
from tests.conftest import Api, pin_feature


def _supporter_cookie(client) -> str | None:
    cookie = client.get_cookie(SUPPORTER_COOKIE)
    return cookie.value if cookie else None


def test_support_once_per_supporter(api, app):
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    first = api.post(f"/api/ideas/{idea_id}/support")
    assert first.status_code == 201
    assert first.get_json() == {"id": idea_id, "support_count": 1, "supported": True}
    again = api.post(f"/api/ideas/{idea_id}/support")
    assert again.status_code == 409
    assert again.get_json()["error"] == {
        "code": "already_supported",
        "message": "Du har redan stöttat den här nålen.",
        "field": "id",
    }
    assert api.get(f"/api/ideas/{idea_id}/supported").get_json()["supported"] is True

    other_person = Api(app.test_client())
    assert other_person.get(f"/api/ideas/{idea_id}/supported").get_json()["supported"] is False
    assert other_person.post(f"/api/ideas/{idea_id}/support").get_json()["support_count"] == 2
    assert api.get(f"/api/ideas/{idea_id}").get_json()["properties"]["support_count"] == 2
    gone = api.get("/api/ideas/99999999/supported")  # was 200 {"supported": false}
    assert gone.status_code == 404
    assert gone.get_json()["error"] == {
        "code": "not_found",
        "message": "Nålen finns inte.",
        "field": "id",
    }


def test_the_page_issues_a_signed_httponly_supporter_cookie(client):
    response = client.get("/")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if SUPPORTER_COOKIE in h)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    value = _supporter_cookie(client)
    assert value and "." in value  # payload.signature
    # A browser that has one keeps it.
    assert SUPPORTER_COOKIE not in " ".join(client.get("/").headers.getlist("Set-Cookie"))


def test_supporter_ids_are_opaque(api, app):
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    api.post(f"/api/ideas/{idea_id}/support")
    cookie = _supporter_cookie(api.client)
    with app.app_context(), get_engine().connect() as conn:
        stored = conn.execute(text("SELECT supporter_id FROM supports")).scalar_one()
    assert cookie and cookie not in stored and cookie.split(".")[0] not in stored
    assert len(stored) == 64


def test_forged_supporter_cookies_are_not_people(api, app):
    """Any value the server did not sign gets a fresh signed id, never counted as given."""
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    issued = []
    for forged in [
        "x",
        "",
        "A" * 4000,
        "eyJ0b2tlbiI6ICJ4In0.forged",
        _supporter_cookie(api.client)[:-2] + "zz",
    ]:
        api.client.set_cookie(SUPPORTER_COOKIE, forged)
        response = api.post(f"/api/ideas/{idea_id}/support")
        assert response.status_code == 201
        new = _supporter_cookie(api.client)
        assert new != forged and new not in issued
        issued.append(new)
        # The fresh id is a person: the same browser cannot support twice.
        assert api.post(f"/api/ideas/{idea_id}/support").status_code == 409
    with app.app_context(), get_engine().connect() as conn:
        stored = conn.execute(text("SELECT supporter_id FROM supports")).scalars().all()
    assert len(stored) == len(set(stored)) == 5
    assert all(len(s) == 64 for s in stored)


def test_support_needs_csrf_and_an_existing_pin(api, client):
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    assert client.post(f"/api/ideas/{idea_id}/support").status_code == 400
    missing = api.post("/api/ideas/424242/support")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
