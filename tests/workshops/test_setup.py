"""Starting a workshop, finding it by code, joining, the facilitator's key."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import text

from app.db import get_engine
from app.workshops.codes import JOIN_ALPHABET
from tests.conftest import create_user, sign_in
from tests.workshops.helpers import join, new_client, start_workshop


def test_create_returns_code_links_qr_and_key(app):
    _, body = start_workshop(
        app,
        description="Hur ska Haga se ut 2040?",
        groups=["Grupp 1", {"name": "Grupp 2", "color": "#00AA11"}],
        ends_at="2030-12-01T18:00:00+01:00",
    )
    code = body["join_code"]
    assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}", code)
    assert not set(code) & set("0O1lI")
    assert body["join_url"] == f"http://localhost/w/{code}"
    assert body["qr_svg"].startswith("<svg") and "</svg>" in body["qr_svg"]
    key = body["facilitator_key"]
    assert (
        body["facilitator_url"] == f"http://localhost/workshops/{body['id']}/facilitate#key={key}"
    )
    assert body["state"] == "open"
    assert [(g["name"], g["color"]) for g in body["groups"]] == [
        ("Grupp 1", "#c62828"),
        ("Grupp 2", "#00aa11"),
    ]
    assert body["ends_at"] == "2030-12-01T17:00:00+00:00"
    with app.app_context(), get_engine().connect() as conn:
        stored = conn.execute(text("SELECT facilitator_key_hash FROM workshops")).scalar_one()
        dump = conn.execute(text("SELECT row_to_json(w)::text FROM workshops w")).scalar_one()
    assert stored == hashlib.sha256(key.encode()).hexdigest()
    assert key not in dump


def test_join_codes_avoid_confusable_characters():
    from app.workshops.codes import new_join_code, normalise_join_code

    codes = {new_join_code() for _ in range(500)}
    assert len(codes) == 500
    assert set("".join(codes)) <= set(JOIN_ALPHABET)
    assert normalise_join_code("abc-234") == "ABC234"
    assert normalise_join_code(" ab c23 4 ") == "ABC234"
    assert normalise_join_code("ABC1O4") is None


def test_create_refuses_bad_settings(app):
    client = new_client(app)
    cases = [
        ({}, "title", "This field is required."),
        ({"title": "ab"}, "title", "Write at least 3 characters."),
        ({"title": "Haga", "groups": "Grupp 1"}, "groups",
         "groups must be a list of at most 12 groups."),
        ({"title": "Haga", "groups": ["A", "a"]}, "groups[1].name",
         "Two groups have the same name."),
        ({"title": "Haga", "groups": [{"name": "A", "color": "#fff"}]}, "groups[0].color",
         "Choose a colour from the palette or write it as #rrggbb."),
        ({"title": "Haga", "ends_at": "tomorrow"}, "ends_at",
         "ends_at must be a date-time with its zone (2026-05-01T18:00:00+02:00)."),
        ({"title": "Haga", "district_id": 999999}, "district_id",
         "Choose a district from the list."),
        ({"title": "Haga", "focus_area": {"type": "Point", "coordinates": [20.26, 63.82]}},
         "focus_area.type", "The focus area must be a GeoJSON Polygon."),
    ]  # fmt: skip
    for body, field, message in cases:
        response = client.post("/api/workshops", body, headers={"Accept-Language": "en"})
        assert response.status_code == 422, body
        error = response.get_json()["error"]
        assert (error["field"], error["message"]) == (field, message)


def test_focus_area_from_a_district(app):
    with app.app_context(), get_engine().connect() as conn:
        district_id = conn.execute(
            text("SELECT id FROM districts WHERE name = 'Haga/Sandbacka'")
        ).scalar_one()
    _, body = start_workshop(app, district_id=district_id)
    assert body["district_id"] == district_id
    assert body["focus_area"]["type"] == "MultiPolygon"


def test_find_by_code_and_join(app):
    _, workshop = start_workshop(app, groups=["Grupp 1", "Grupp 2"])
    phone = new_client(app)
    spaced = workshop["join_code"][:3].lower() + " " + workshop["join_code"][3:]
    found = phone.get(f"/api/workshops/by-code?code={spaced}")
    assert found.status_code == 200
    assert found.get_json()["id"] == workshop["id"]
    assert phone.get("/api/workshops/by-code?code=ZZZZZZ").status_code == 404
    assert phone.get("/api/workshops/by-code").status_code == 422
    response = phone.post(
        f"/api/workshops/{workshop['id']}/join",
        {"code": spaced, "name": "Anna", "group": "grupp 2"},
    )
    assert response.status_code == 201
    joined = response.get_json()
    assert joined["group_id"] == workshop["groups"][1]["id"]
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"umecom_participant_{workshop['id']}={joined['token']};")
    assert "HttpOnly" in cookie
    state = phone.get(f"/api/workshops/{workshop['id']}").get_json()
    assert state["me"] == {"participant_id": joined["participant_id"], "facilitator": False}
    assert state["join"]["code"] == workshop["join_code"]


def test_join_refuses_wrong_code_unknown_group_and_closed(app):
    facilitator, workshop = start_workshop(app, groups=["Grupp 1"])
    phone = new_client(app)
    path = f"/api/workshops/{workshop['id']}/join"
    en = {"Accept-Language": "en"}
    wrong = phone.post(path, {"code": "ZZZZZZ", "name": "Anna"}, headers=en)
    assert wrong.status_code == 422
    assert wrong.get_json()["error"] == {
        "code": "wrong_code",
        "message": "The join code is not right.",
        "field": "code",
    }
    group = phone.post(path, {"code": workshop["join_code"], "name": "A", "group": 999}, headers=en)
    assert group.status_code == 422
    assert group.get_json()["error"]["field"] == "group"
    for unreadable in ("\ud800", "Grupp 1\u0000"):  # were 500s: a lone surrogate, a NUL
        odd = phone.post(
            path, {"code": workshop["join_code"], "name": "A", "group": unreadable}, headers=en
        )
        assert odd.status_code == 422
        assert odd.get_json()["error"] == {
            "code": "invalid_choice",
            "message": "Choose one of the workshop's groups.",
            "field": "group",
        }
    nameless = phone.post(path, {"code": workshop["join_code"], "name": " "}, headers=en)
    assert nameless.get_json()["error"]["field"] == "name"
    facilitator.post(f"/api/workshops/{workshop['id']}/state", {"state": "closed"})
    closed = phone.post(path, {"code": workshop["join_code"], "name": "Anna"}, headers=en)
    assert closed.status_code == 409
    assert closed.get_json()["error"]["code"] == "workshop_closed"


def test_public_state_hides_members_things(app):
    _, workshop = start_workshop(app)
    stranger = new_client(app)
    state = stranger.get(f"/api/workshops/{workshop['id']}").get_json()
    assert state["title"] == "Vision för Haga"
    assert state["presence"] == {"participants": 0, "facilitators": 0}
    assert state["me"] is None and state["join"] is None
    assert stranger.get(f"/api/workshops/{workshop['id']}/annotations").status_code == 401
    assert stranger.get("/api/workshops/999").status_code == 404


def test_facilitator_key_header_cookie_and_refusals(app):
    _, workshop = start_workshop(app)
    wid = workshop["id"]
    other = new_client(app)
    state_path = f"/api/workshops/{wid}/state"
    assert other.post(state_path, {"state": "paused"}).status_code == 401
    bad = other.post(state_path, {"state": "paused"}, headers={"X-Facilitator-Key": "nope"})
    assert bad.status_code == 403
    good = other.post(
        state_path, {"state": "paused"}, headers={"X-Facilitator-Key": workshop["facilitator_key"]}
    )
    assert good.status_code == 200 and good.get_json()["state"] == "paused"
    participant = join(app, workshop)
    assert participant.post(state_path, {"state": "open"}).status_code == 403
    # The secret link's key, exchanged once for a signed cookie.
    laptop = new_client(app)
    assert laptop.post(f"/api/workshops/{wid}/facilitator", {"key": "wrong"}).status_code == 403
    exchanged = laptop.post(
        f"/api/workshops/{wid}/facilitator", {"key": workshop["facilitator_key"]}
    )
    assert exchanged.status_code == 204
    assert laptop.post(state_path, {"state": "open"}).status_code == 200
    # A forged cookie is nobody.
    forged = new_client(app)
    forged.client.set_cookie(f"umecom_facilitator_{wid}", '[1, "x"]')
    assert forged.post(state_path, {"state": "open"}).status_code == 401


def test_a_signed_in_planner_is_recorded_and_steers_from_any_device(app):
    create_user(app, "eva@umea.se", "planner")
    create_user(app, "per@umea.se", "moderator")
    eva = sign_in(app.test_client(), "eva@umea.se")
    body = eva.post("/api/workshops", {"title": "Evas verkstad"}).get_json()
    with app.app_context(), get_engine().connect() as conn:
        created_by = conn.execute(
            text("SELECT u.email FROM workshops w JOIN users u ON u.id = w.created_by")
        ).scalar_one()
    assert created_by == "eva@umea.se"
    # Another device of Eva's: no cookie, no key, and still the facilitator.
    elsewhere = sign_in(app.test_client(), "eva@umea.se")
    state = elsewhere.get(f"/api/workshops/{body['id']}").get_json()
    assert state["me"] == {"participant_id": None, "facilitator": True}
    paused = elsewhere.post(f"/api/workshops/{body['id']}/state", {"state": "paused"})
    assert paused.status_code == 200
    # Another planner, and Eva signed out, are not.
    per = sign_in(app.test_client(), "per@umea.se")
    assert per.get(f"/api/workshops/{body['id']}").get_json()["me"] is None
    refused = per.post(f"/api/workshops/{body['id']}/state", {"state": "open"})
    assert refused.status_code == 401
    assert elsewhere.post("/logout", headers={"X-CSRFToken": elsewhere.token}).status_code == 303
    assert elsewhere.get(f"/api/workshops/{body['id']}").get_json()["me"] is None


def test_a_workshop_started_without_an_account_has_no_creator(app):
    start_workshop(app)
    with app.app_context(), get_engine().connect() as conn:
        assert conn.execute(text("SELECT created_by FROM workshops")).scalar_one() is None
