"""Rules a review found missing: each facilitator undoes only their own changes; a drawing
made a pin is no longer its author's to change; an end time that has passed ends the
workshop for participants; the audit says who acted and which fields an edit changed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import text

from app.db import get_engine, get_session
from app.workshops.codes import hash_key
from app.workshops.events import events_after
from tests.conftest import create_user, sign_in
from tests.workshops.helpers import WorkshopClient, draw, join, new_client, shape, start_workshop

EN = {"Accept-Language": "en"}
FUTURE = "2030-05-01T18:00:00+02:00"
PROMOTED = (
    "This drawing has been made a pin on the public map, so it can no longer be changed "
    "here. The facilitator and the municipality's planners look after it now."
)
PROMOTED_SINCE = (
    "This drawing has been made a pin on the public map since, so it cannot be undone. "
    "The facilitator and the municipality's planners look after it now."
)
ENDED = (
    "This workshop has ended: it can be read, not changed. "
    "The facilitator can give it a later end time."
)


def _error(response):
    error = response.get_json()["error"]
    return response.status_code, error["code"], error["message"]


def _notes(client, wid):
    features = client.get(f"/api/workshops/{wid}/annotations").get_json()["features"]
    return {f["id"]: f["properties"]["note"] for f in features}


def _planner(app, email: str = "eva@umea.se") -> tuple[WorkshopClient, int]:
    """A planner signed in on a laptop, and their account id."""
    user_id = create_user(app, email, "planner")
    return WorkshopClient(sign_in(app.test_client(), email).client), user_id


def _with_key(app, workshop) -> WorkshopClient:
    """Another device that opened the secret link: the key exchanged for the cookie."""
    device = new_client(app)
    path = f"/api/workshops/{workshop['id']}/facilitator"
    assert device.post(path, {"key": workshop["facilitator_key"]}).status_code == 204
    return device


@pytest.fixture
def planner_room(app):
    """Eva (a planner, signed in) started a workshop; a colleague has the link; Anna joined."""
    eva, eva_id = _planner(app)
    created = eva.post("/api/workshops", {"title": "Två samtalsledare"})
    assert created.status_code == 201
    workshop = created.get_json()
    return workshop, eva, eva_id, _with_key(app, workshop), join(app, workshop, "Anna")


# 1. Each facilitator has an undo stack of their own.


def test_a_facilitator_never_undoes_another_facilitators_change(app, planner_room):
    workshop, eva, _, colleague, anna = planner_room
    wid = workshop["id"]
    anna_drawing = draw(anna, wid, shape(note="Anna: lekplats")).get_json()
    greta = draw(colleague, wid, shape(note="Greta (papper): bänk", on_behalf_of="Greta"))
    assert greta.status_code == 201
    fixed = eva.patch(
        f"/api/workshops/{wid}/annotations/{anna_drawing['id']}",
        {"version": 1, "properties": {"note": "Anna: lekplats vid skolan"}},
    )
    assert fixed.status_code == 200

    undone = colleague.post(f"/api/workshops/{wid}/undo")
    assert undone.status_code == 200
    assert (undone.get_json()["annotation_id"], undone.get_json()["deleted"]) == (
        greta.get_json()["id"],
        True,
    )
    assert _notes(eva, wid) == {anna_drawing["id"]: "Anna: lekplats vid skolan"}
    assert _error(colleague.post(f"/api/workshops/{wid}/undo", headers=EN))[1] == (
        "nothing_to_undo"
    )
    # Eva's own undo, from another of her devices, takes back her edit.
    phone = WorkshopClient(sign_in(app.test_client(), "eva@umea.se").client)
    back = phone.post(f"/api/workshops/{wid}/undo")
    assert back.status_code == 200
    assert back.get_json()["feature"]["properties"]["note"] == "Anna: lekplats"


def test_each_device_with_the_key_has_its_own_stack_and_keeps_it(app):
    laptop, workshop = start_workshop(app)
    wid = workshop["id"]
    tablet = _with_key(app, workshop)
    script = new_client(app)
    key = {"X-Facilitator-Key": workshop["facilitator_key"]}
    mine = draw(laptop, wid, shape(note="laptop", on_behalf_of="Bo")).get_json()
    theirs = draw(tablet, wid, shape(note="tablet", on_behalf_of="Cia")).get_json()
    scripted = draw(script, wid, shape(note="script", on_behalf_of="Dan"), headers=key).get_json()
    # Opening the secret link again on the tablet keeps the tablet's history.
    again = f"/api/workshops/{wid}/facilitator"
    assert tablet.post(again, {"key": workshop["facilitator_key"]}).status_code == 204

    undo = f"/api/workshops/{wid}/undo"
    assert laptop.post(undo).get_json()["annotation_id"] == mine["id"]
    assert script.post(undo, headers=key).get_json()["annotation_id"] == scripted["id"]
    assert tablet.post(undo).get_json()["annotation_id"] == theirs["id"]
    with app.app_context(), get_engine().connect() as conn:
        who = conn.execute(
            text(
                "SELECT DISTINCT actor_facilitator_id FROM workshop_events"
                " WHERE workshop_id = :w AND actor_facilitator"
            ),
            {"w": wid},
        ).scalars()
        kinds = sorted(value.split(":")[0] for value in who)
    assert kinds == ["device", "device", "key"]


def test_a_facilitator_change_stored_before_facilitators_had_ids_is_anyones(app):
    laptop, workshop = start_workshop(app)
    wid = workshop["id"]
    old = draw(laptop, wid, shape(note="old", on_behalf_of="Bo")).get_json()
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(
            text("UPDATE workshop_events SET actor_facilitator_id = NULL WHERE workshop_id = :w"),
            {"w": wid},
        )
    tablet = _with_key(app, workshop)
    undone = tablet.post(f"/api/workshops/{wid}/undo")
    assert undone.status_code == 200
    assert undone.get_json()["annotation_id"] == old["id"]


def test_an_older_facilitator_cookie_still_holds(app):
    _, workshop = start_workshop(app)
    wid = workshop["id"]
    serializer = URLSafeSerializer(app.config["SECRET_KEY"], salt="umecom-workshop-facilitator")
    cookie = serializer.dumps([wid, hash_key(workshop["facilitator_key"])[:16]])
    old = new_client(app)
    old.client.set_cookie(f"umecom_facilitator_{wid}", cookie)
    state = old.get(f"/api/workshops/{wid}").get_json()
    assert state["me"] == {"participant_id": None, "facilitator": True}


# 2. A drawing made a pin is the facilitator's and the planners' from then on.


def test_a_promoted_drawing_is_no_longer_its_authors_to_change_or_undo(app):
    facilitator, workshop = start_workshop(app)
    wid = workshop["id"]
    anna = join(app, workshop, "Anna")
    earlier = draw(anna, wid, shape("Point", note="Tidigare")).get_json()
    drawing = draw(anna, wid, shape(note="Ny park", category="parks-nature")).get_json()
    promoted = facilitator.post(
        f"/api/workshops/{wid}/promote", {"annotation_ids": [drawing["id"]], "kind": "idea"}
    )
    assert promoted.status_code == 201
    pin_id = promoted.get_json()["features"][0]["id"]
    path = f"/api/workshops/{wid}/annotations/{drawing['id']}"

    edit = anna.patch(path, {"version": 1, "properties": {"note": "Något annat"}}, headers=EN)
    assert _error(edit) == (409, "promoted", PROMOTED)
    assert _error(anna.delete(path, headers=EN)) == (409, "promoted", PROMOTED)
    refused = anna.post(f"/api/workshops/{wid}/undo", headers=EN)
    assert _error(refused) == (409, "promoted", PROMOTED_SINCE)
    assert refused.get_json()["current"]["properties"]["pin_id"] == pin_id
    # Passed over from then on: the next undo reaches Anna's change before it.
    reached = anna.post(f"/api/workshops/{wid}/undo")
    assert reached.status_code == 200
    assert reached.get_json()["annotation_id"] == earlier["id"]

    assert _notes(facilitator, wid) == {drawing["id"]: "Ny park"}
    pin = anna.get(f"/api/ideas/{pin_id}").get_json()
    assert pin["properties"]["title"] == "Ny park"
    hidden = facilitator.post(f"{path}/hidden", {"hidden": True})
    assert hidden.status_code == 200


# 3. The end time.


def test_an_end_time_in_the_past_is_refused(app):
    response = new_client(app).post(
        "/api/workshops", {"title": "ttt", "ends_at": "2020-01-01T10:00:00+01:00"}, headers=EN
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["field"], error["code"], error["message"]) == (
        "ends_at",
        "in_the_past",
        "The end time has passed already: choose a later one, or none.",
    )
    beyond = new_client(app).post(
        "/api/workshops", {"title": "ttt", "ends_at": "9999-12-31T23:59:59-23:59"}, headers=EN
    )
    assert (beyond.status_code, beyond.get_json()["error"]["field"]) == (422, "ends_at")


def _end_now(app, wid: int) -> None:
    """The end time passes (as it would have by itself)."""
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(
            text("UPDATE workshops SET ends_at = now() - interval '1 minute' WHERE id = :w"),
            {"w": wid},
        )


def test_after_its_end_time_a_workshop_is_read_only_for_participants(app):
    facilitator, workshop = start_workshop(app, ends_at=FUTURE)
    wid = workshop["id"]
    anna = join(app, workshop, "Anna")
    drawing = draw(anna, wid, shape(note="Före")).get_json()
    assert anna.get(f"/api/workshops/{wid}").get_json()["ended"] is False
    _end_now(app, wid)

    path = f"/api/workshops/{wid}/annotations/{drawing['id']}"
    refusals = [
        draw(anna, wid, headers=EN),
        anna.patch(path, {"version": 1, "properties": {"note": "Efter"}}, headers=EN),
        anna.delete(path, headers=EN),
        anna.post(f"/api/workshops/{wid}/undo", headers=EN),
        new_client(app).post(
            f"/api/workshops/{wid}/join",
            {"code": workshop["join_code"], "name": "Bo"},
            headers=EN,
        ),
    ]
    assert [_error(r) for r in refusals] == [(409, "workshop_ended", ENDED)] * 5
    assert anna.get(f"/api/workshops/{wid}").get_json()["ended"] is True
    assert _notes(anna, wid) == {drawing["id"]: "Före"}

    # The facilitator still steers: enters paper drawings, hides, and gives it more time.
    assert draw(facilitator, wid, shape(on_behalf_of="Cia")).status_code == 201
    assert facilitator.post(f"{path}/hidden", {"hidden": True}).status_code == 200
    end = f"/api/workshops/{wid}/ends_at"
    assert anna.post(end, {"ends_at": FUTURE}).status_code == 403
    past = facilitator.post(end, {"ends_at": "2020-01-01T10:00:00+01:00"}, headers=EN)
    assert (past.status_code, past.get_json()["error"]["field"]) == (422, "ends_at")
    later = facilitator.post(end, {"ends_at": FUTURE})
    assert later.get_json() == {"id": wid, "ends_at": "2030-05-01T16:00:00+00:00"}
    assert draw(anna, wid).status_code == 201
    _end_now(app, wid)
    assert facilitator.post(f"/api/workshops/{wid}/state", {"state": "closed"}).status_code == 200


# 4. The audit says who.


def test_the_audit_says_who_and_which_fields_an_edit_changed(app, planner_room):
    workshop, eva, eva_id, colleague, anna = planner_room
    wid = workshop["id"]
    drawing = draw(anna, wid, shape(note="Mitt hemliga namn är Anna")).get_json()
    path = f"/api/workshops/{wid}/annotations/{drawing['id']}"
    edited = eva.patch(path, {"version": 1, "properties": {"note": "Rättad", "color": "blue"}})
    assert edited.status_code == 200
    assert colleague.post(f"{path}/hidden", {"hidden": True}).status_code == 200
    assert eva.post(f"/api/workshops/{wid}/state", {"state": "paused"}).status_code == 200

    entries = colleague.get(f"/api/workshops/{wid}/audit").get_json()["entries"]
    assert [(e["action"], e["by"], e["planner_id"]) for e in entries] == [
        ("annotation.edit", "planner", eva_id),
        ("annotation.hide", "facilitator_key", None),
        ("state", "planner", eva_id),
    ]
    assert entries[0]["detail"] == {"fields": ["color", "note"]}
    assert "Rättad" not in json.dumps(entries) and "Anna" not in json.dumps(entries)


def test_a_new_end_time_is_an_event_for_the_pages_open(app):
    """Pages open when the facilitator sets, changes or removes the end time learn it then."""
    facilitator, workshop = start_workshop(app)
    wid = workshop["id"]
    later = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    path = f"/api/workshops/{wid}/ends_at"
    assert facilitator.post(path, {"ends_at": later.isoformat()}).status_code == 200
    assert facilitator.post(path, {"ends_at": later.isoformat()}).status_code == 200  # the same
    assert facilitator.post(path, {"ends_at": None}).status_code == 200
    with app.app_context():
        sent = [e.payload for e in events_after(get_session(), wid, 0)]
    assert sent == [
        {"type": "ends_at", "ends_at": later.astimezone(UTC).isoformat()},
        {"type": "ends_at"},
    ]
