"""POST /api/ideas/<id>/support: once per person, enforced by the server."""

from tests.conftest import Api, pin_feature


def test_support_once_per_supporter(api, app):
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    first = api.post(f"/api/ideas/{idea_id}/support")
    assert first.status_code == 201
    assert first.get_json() == {"id": idea_id, "support_count": 1, "supported": True}
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    again = api.post(f"/api/ideas/{idea_id}/support")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_supported"
    assert api.get(f"/api/ideas/{idea_id}/supported").get_json()["supported"] is True

    other_person = Api(app.test_client())
    assert other_person.get(f"/api/ideas/{idea_id}/supported").get_json()["supported"] is False
    assert other_person.post(f"/api/ideas/{idea_id}/support").get_json()["support_count"] == 2
    assert api.get(f"/api/ideas/{idea_id}").get_json()["properties"]["support_count"] == 2


def test_supporter_ids_are_opaque(api, app):
    from sqlalchemy import text

    from app.db import get_engine

    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    response = api.post(f"/api/ideas/{idea_id}/support")
    token = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    with app.app_context(), get_engine().connect() as conn:
        stored = conn.execute(text("SELECT supporter_id FROM supports")).scalar_one()
    assert token not in stored
    assert len(stored) == 64


def test_support_needs_csrf_and_an_existing_pin(api, client):
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    assert client.post(f"/api/ideas/{idea_id}/support").status_code == 400
    assert api.post("/api/ideas/424242/support").status_code == 404
