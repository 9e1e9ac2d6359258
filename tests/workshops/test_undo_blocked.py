"""Undo after someone else changed or deleted one's newest drawing: refused once, with why,
then passed over, so the rest of one's undo history still works."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import get_session
from app.models import WorkshopEvent
from app.workshops.events import PASSED_OVER, events_after
from tests.workshops.helpers import draw, join, shape, start_workshop

EN = {"Accept-Language": "en"}
CHANGED_SINCE = "Someone else has changed this since, so it cannot be undone."


@pytest.fixture
def room(app):
    facilitator, workshop = start_workshop(app)
    anna = join(app, workshop, "Anna")
    return workshop, facilitator, anna


def _error(response):
    error = response.get_json()["error"]
    return response.status_code, error["code"], error["field"], error["message"]


def _notes(client, wid):
    features = client.get(f"/api/workshops/{wid}/annotations").get_json()["features"]
    return {f["id"]: f["properties"]["note"] for f in features}


def test_an_edit_by_someone_else_is_refused_once_then_passed_over(app, room):
    workshop, facilitator, anna = room
    wid = workshop["id"]
    first = draw(anna, wid, shape(note="A")).get_json()
    second = draw(anna, wid, shape(note="B")).get_json()
    edited = facilitator.patch(
        f"/api/workshops/{wid}/annotations/{second['id']}",
        {"version": 1, "properties": {"note": "F"}},
    )
    assert edited.status_code == 200
    undo = f"/api/workshops/{wid}/undo"

    refused = anna.post(undo, headers=EN)
    assert _error(refused) == (409, "changed_since", None, CHANGED_SINCE)
    assert refused.get_json()["current"]["properties"]["note"] == "F"

    reached = anna.post(undo, headers=EN)
    assert reached.status_code == 200
    assert reached.get_json()["annotation_id"] == first["id"]
    assert reached.get_json()["deleted"] is True
    assert _notes(facilitator, wid) == {second["id"]: "F"}  # the facilitator's work stands
    assert _error(anna.post(undo, headers=EN)) == (
        409,
        "nothing_to_undo",
        None,
        "There is nothing of yours to undo.",
    )


def test_a_drawing_someone_else_deleted_is_refused_once_then_passed_over(app, room):
    workshop, facilitator, anna = room
    wid = workshop["id"]
    first = draw(anna, wid, shape(note="A")).get_json()
    second = draw(anna, wid, shape(note="B")).get_json()
    deleted = facilitator.delete(f"/api/workshops/{wid}/annotations/{second['id']}?version=1")
    assert deleted.status_code == 204
    undo = f"/api/workshops/{wid}/undo"

    refused = anna.post(undo, headers=EN)
    assert _error(refused) == (409, "changed_since", None, CHANGED_SINCE)
    assert "current" not in refused.get_json()  # nothing to show: the drawing is gone

    reached = anna.post(undo, headers=EN)
    assert reached.status_code == 200
    assert (reached.get_json()["annotation_id"], reached.get_json()["deleted"]) == (
        first["id"],
        True,
    )
    assert _notes(facilitator, wid) == {}


def test_a_passed_over_change_still_blocks_undoing_what_came_before_it(app, room):
    workshop, facilitator, anna = room
    wid = workshop["id"]
    created = draw(anna, wid, shape(note="A")).get_json()
    path = f"/api/workshops/{wid}/annotations/{created['id']}"
    undo = f"/api/workshops/{wid}/undo"
    assert facilitator.patch(path, {"version": 1, "properties": {"note": "F1"}}).status_code == 200
    assert anna.patch(path, {"version": 2, "properties": {"note": "Anna"}}).status_code == 200
    assert facilitator.patch(path, {"version": 3, "properties": {"note": "F2"}}).status_code == 200

    assert _error(anna.post(undo, headers=EN))[:2] == (409, "changed_since")
    # The facilitator's last edit undoes cleanly, back to Anna's note...
    back = facilitator.post(undo, headers=EN)
    assert back.status_code == 200
    assert back.get_json()["feature"]["properties"]["note"] == "Anna"
    # ...but Anna's note, passed over by her undo, still stands on the facilitator's first edit.
    assert _error(facilitator.post(undo, headers=EN)) == (
        409,
        "changed_since",
        None,
        CHANGED_SINCE,
    )
    assert _notes(anna, wid) == {created["id"]: "Anna"}


def test_streams_are_not_sent_undos_bookkeeping(app, room):
    workshop, facilitator, anna = room
    wid = workshop["id"]
    created = draw(anna, wid, shape(note="A")).get_json()
    facilitator.delete(f"/api/workshops/{wid}/annotations/{created['id']}?version=1")
    assert anna.post(f"/api/workshops/{wid}/undo").status_code == 409
    with app.app_context():
        session = get_session()
        stored = session.execute(
            select(WorkshopEvent.type).where(WorkshopEvent.workshop_id == wid)
        ).scalars()
        assert PASSED_OVER in list(stored)
        sent = [event.type for event in events_after(session, wid, 0)]
    assert PASSED_OVER not in sent
    assert sent[-2:] == ["annotation.created", "annotation.deleted"]
