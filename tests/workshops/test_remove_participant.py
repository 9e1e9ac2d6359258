"""A facilitator removes a participant (abuse in front of the room), and can let them back in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.area import configured_area
from app.common.errors import Forbidden
from app.db import get_session
from app.models import WorkshopParticipant
from app.workshops.actors import Actor
from app.workshops.annotations import create_annotation, validate_new_annotation
from app.workshops.events import events_after
from app.workshops.setup import join_workshop
from tests.conftest import statements_sent
from tests.workshops.helpers import (
    draw,
    event_is,
    join,
    new_client,
    open_events,
    shape,
    start_workshop,
)

EN = {"Accept-Language": "en"}
REMOVED = {
    "error": {
        "code": "removed",
        "message": "The facilitator has removed you from this workshop: you can no longer add "
        "or change anything in it.",
        "field": None,
    }
}


def _remove(facilitator, workshop, participant, **body):
    pid = participant.participant["participant_id"]
    path = f"/api/workshops/{workshop['id']}/participants/{pid}/removed"
    return facilitator.post(path, {"removed": True, **body}, headers=EN)


def _let_back_in(facilitator, workshop, participant):
    pid = participant.participant["participant_id"]
    path = f"/api/workshops/{workshop['id']}/participants/{pid}/removed"
    return facilitator.post(path, {"removed": False}, headers=EN)


def _notes(client, wid) -> dict[int, tuple[str, bool]]:
    features = client.get(f"/api/workshops/{wid}/annotations").get_json()["features"]
    return {f["id"]: (f["properties"]["note"], f["properties"]["hidden"]) for f in features}


def test_a_removed_participant_can_change_nothing(app, room):
    workshop, facilitator, anna, bo = room
    wid = workshop["id"]
    abuse = draw(anna, wid, shape(note="Kränkande text")).get_json()
    kept = draw(bo, wid, shape(note="Fler bänkar")).get_json()

    removed = _remove(facilitator, workshop, anna)
    assert removed.status_code == 200
    body = removed.get_json()
    assert body["removed_at"] is not None
    del body["removed_at"]
    assert body == {
        "id": anna.participant["participant_id"],
        "name": "Anna",
        "group_id": workshop["groups"][0]["id"],
        "group": "Grupp 1",
        "removed": True,
        "connected": False,
        "hidden": [abuse["id"]],
    }

    path = f"/api/workshops/{wid}/annotations/{abuse['id']}"
    refusals = [
        draw(anna, wid, shape(note="Mer"), headers=EN),
        anna.patch(path, {"version": 2, "properties": {"note": "Ändrad"}}, headers=EN),
        anna.patch(path, {"version": 2, "geometry": shape("Point")["geometry"]}, headers=EN),
        anna.delete(path, headers=EN),
        anna.post(f"/api/workshops/{wid}/undo", headers=EN),
        anna.get(f"/api/workshops/{wid}/annotations", headers=EN),
        anna.post(f"/api/workshops/{wid}/state", {"state": "paused"}, headers=EN),
    ]
    assert [(r.status_code, r.get_json()) for r in refusals] == [(403, REMOVED)] * 7
    # The same token sent as a header (a script) is refused alike.
    token = anna.participant["token"]
    scripted = new_client(app).post(
        f"/api/workshops/{wid}/annotations",
        shape(),
        headers={"X-Participant-Token": token, **EN},
    )
    assert (scripted.status_code, scripted.get_json()) == (403, REMOVED)

    # Nothing was stored: the facilitator sees the two drawings, the abuse hidden.
    assert _notes(facilitator, wid) == {
        abuse["id"]: ("Kränkande text", True),
        kept["id"]: ("Fler bänkar", False),
    }
    assert _notes(bo, wid) == {kept["id"]: ("Fler bänkar", False)}
    state = anna.get(f"/api/workshops/{wid}").get_json()
    assert state["me"] == {"participant_id": None, "facilitator": False, "removed": True}
    assert state["join"] is None


def test_the_same_browser_cannot_join_again_with_the_code(app, room):
    workshop, facilitator, anna, _ = room
    _remove(facilitator, workshop, anna)
    again = anna.post(
        f"/api/workshops/{workshop['id']}/join",
        {"code": workshop["join_code"], "name": "Anna igen"},
        headers=EN,
    )
    assert (again.status_code, again.get_json()) == (403, REMOVED)
    with app.app_context():
        names = get_session().scalars(
            select(WorkshopParticipant.name).where(
                WorkshopParticipant.workshop_id == workshop["id"]
            )
        )
        assert sorted(names) == ["Anna", "Bo"]


def test_letting_back_in_restores_writes_and_keeps_drawings_hidden(app, room):
    workshop, facilitator, anna, _ = room
    wid = workshop["id"]
    abuse = draw(anna, wid, shape(note="Kränkande text")).get_json()
    _remove(facilitator, workshop, anna)
    back = _let_back_in(facilitator, workshop, anna)
    assert back.status_code == 200
    assert (back.get_json()["removed"], back.get_json()["removed_at"]) == (False, None)
    assert back.get_json()["hidden"] == []
    assert anna.get(f"/api/workshops/{wid}").get_json()["me"] == {
        "participant_id": anna.participant["participant_id"],
        "facilitator": False,
    }
    again = draw(anna, wid, shape(note="Ursäkta"))
    assert again.status_code == 201
    assert _notes(anna, wid) == {again.get_json()["id"]: ("Ursäkta", False)}
    assert _notes(facilitator, wid)[abuse["id"]] == ("Kränkande text", True)


def test_removing_can_leave_the_drawings_and_asking_twice_changes_nothing(app, room):
    workshop, facilitator, anna, bo = room
    wid = workshop["id"]
    drawn = draw(anna, wid, shape(note="Okej")).get_json()
    first = _remove(facilitator, workshop, anna, hide_drawings=False)
    assert first.get_json()["hidden"] == []
    assert _notes(bo, wid) == {drawn["id"]: ("Okej", False)}
    events = facilitator.get(f"/api/workshops/{wid}").get_json()["last_event_id"]
    second = _remove(facilitator, workshop, anna)
    assert (second.status_code, second.get_json()["hidden"]) == (200, [])
    assert facilitator.get(f"/api/workshops/{wid}").get_json()["last_event_id"] == events


def test_the_audit_says_who_removed_whom(app, room):
    workshop, facilitator, anna, _ = room
    wid = workshop["id"]
    abuse = draw(anna, wid, shape(note="Kränkande text")).get_json()
    _remove(facilitator, workshop, anna)
    _let_back_in(facilitator, workshop, anna)
    entries = facilitator.get(f"/api/workshops/{wid}/audit").get_json()["entries"]
    pid = anna.participant["participant_id"]
    # One entry names the drawings the removal hid (not one entry each: a removal hides them
    # all in one statement).
    assert [(e["action"], e["by"], e["annotation_id"], e["detail"]) for e in entries] == [
        (
            "participant.remove",
            "facilitator_key",
            None,
            {"participant_id": pid, "hide_drawings": True, "hidden": [abuse["id"]]},
        ),
        ("participant.let_back_in", "facilitator_key", None, {"participant_id": pid}),
    ]
    with app.app_context():
        row = get_session().get(WorkshopParticipant, (wid, pid))
        assert (row.removed_at, row.removed_by) == (None, None)


def test_removed_by_names_the_facilitator(app, room):
    workshop, facilitator, anna, _ = room
    _remove(facilitator, workshop, anna)
    with app.app_context():
        row = get_session().get(
            WorkshopParticipant, (workshop["id"], anna.participant["participant_id"])
        )
        assert row.removed_at is not None
        assert row.removed_by.startswith("device:")


def test_only_the_facilitator_removes(app, room):
    workshop, _, anna, bo = room
    by_participant = _remove(bo, workshop, anna)
    assert (by_participant.status_code, by_participant.get_json()["error"]) == (
        403,
        {"code": "forbidden", "message": "Only the facilitator can do this.",
         "field": "X-Facilitator-Key"},
    )  # fmt: skip
    by_stranger = _remove(new_client(app), workshop, anna)
    assert (by_stranger.status_code, by_stranger.get_json()["error"]["code"]) == (
        401,
        "not_facilitator",
    )
    listing = bo.get(f"/api/workshops/{workshop['id']}/participants", headers=EN)
    assert listing.status_code == 403
    assert anna.get(f"/api/workshops/{workshop['id']}/annotations").status_code == 200


def test_a_participant_of_another_workshop_or_a_bad_id_is_404(app, room):
    workshop, facilitator, anna, _ = room
    _, other = start_workshop(app)
    stranger = join(app, other, "Cecilia")
    wid = workshop["id"]
    # A drawing entered from paper makes a participant who never joined: not removable.
    paper = facilitator.post(
        f"/api/workshops/{wid}/annotations", shape(on_behalf_of="Gunnar")
    ).get_json()
    paper_id = paper["properties"]["author_id"]
    not_found = {
        "error": {"code": "not_found", "message": "No such participant.", "field": "participant_id"}
    }
    for pid in (stranger.participant["participant_id"], paper_id, 2**63 - 1):
        response = facilitator.post(
            f"/api/workshops/{wid}/participants/{pid}/removed", {"removed": True}, headers=EN
        )
        assert (response.status_code, response.get_json()) == (404, not_found), pid
    for path in ("abc/removed", "0/removed", f"{2**63}/removed", "99999999999999999999/removed",
                 "-1/removed", "1.5/removed", "abc", "0", f"{2**64}"):  # fmt: skip
        response = facilitator.post(f"/api/workshops/{wid}/participants/{path}", {"removed": True})
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "not_found"
    elsewhere = facilitator.post(
        f"/api/workshops/{other['id']}/participants/{anna.participant['participant_id']}/removed",
        {"removed": True},
    )
    assert elsewhere.status_code == 401  # not the other workshop's facilitator
    missing = facilitator.post("/api/workshops/999999999/participants/1/removed", {"removed": True})
    assert missing.status_code == 404
    assert anna.get(f"/api/workshops/{wid}").get_json()["me"]["participant_id"] is not None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ([], "body", "The body must be a JSON object."),
        ({}, "removed", "removed must be true or false."),
        ({"removed": "yes"}, "removed", "removed must be true or false."),
        ({"removed": True, "hide_drawings": 1}, "hide_drawings",
         "hide_drawings must be true or false."),
    ],
)  # fmt: skip
def test_the_body_is_checked(app, room, body, field, message):
    workshop, facilitator, anna, _ = room
    pid = anna.participant["participant_id"]
    response = facilitator.post(
        f"/api/workshops/{workshop['id']}/participants/{pid}/removed", body, headers=EN
    )
    assert response.status_code == 422
    assert (response.get_json()["error"]["field"], response.get_json()["error"]["message"]) == (
        field,
        message,
    )
    assert anna.get(f"/api/workshops/{workshop['id']}/annotations").status_code == 200


def test_a_closed_workshop_removes_nobody(app, room):
    workshop, facilitator, anna, _ = room
    facilitator.post(f"/api/workshops/{workshop['id']}/state", {"state": "closed"})
    response = _remove(facilitator, workshop, anna)
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "workshop_closed")


def test_the_facilitator_lists_who_joined(app, room):
    workshop, facilitator, anna, bo = room
    facilitator.post(
        f"/api/workshops/{workshop['id']}/annotations", shape(on_behalf_of="Gunnar")
    )  # drawn for from paper: not in the list
    _remove(facilitator, workshop, anna)
    listing = facilitator.get(f"/api/workshops/{workshop['id']}/participants").get_json()
    people = [
        (p["id"], p["name"], p["group"], p["removed"], p["connected"])
        for p in listing["participants"]
    ]
    assert people == [
        (anna.participant["participant_id"], "Anna", "Grupp 1", True, False),
        (bo.participant["participant_id"], "Bo", None, False, False),
    ]


def test_a_write_on_its_way_during_the_removal_is_refused_under_the_lock(app, room):
    """The token was checked before the removal committed; the write's own lock sees it."""
    workshop, facilitator, anna, _ = room
    _remove(facilitator, workshop, anna)
    with app.test_request_context():
        session = get_session()
        actor = Actor(workshop["id"], participant_id=anna.participant["participant_id"])
        new = validate_new_annotation(shape(), configured_area(), None)
        with pytest.raises(Forbidden) as refused:
            create_annotation(session, actor, new)
        session.rollback()
    assert refused.value.code == "removed"
    assert _notes(facilitator, workshop["id"]) == {}


def test_the_removed_participants_stream_ends_and_stays_shut(live):
    app, url = live
    facilitator, workshop = start_workshop(app)
    anna, bo = join(app, workshop, "Anna"), join(app, workshop, "Bo")
    wid = workshop["id"]
    abuse = draw(anna, wid, shape(note="Kränkande text")).get_json()
    on_anna, on_bo, on_lead = (open_events(url, workshop, c) for c in (anna, bo, facilitator))
    try:
        for stream in (on_anna, on_bo, on_lead):
            stream.events_until(event_is("presence"))
        _remove(facilitator, workshop, anna)
        pid = anna.participant["participant_id"]
        told = on_anna.events_until(event_is("participant.removed"))[-1]["data"]
        assert told == {"type": "participant.removed", "participant_id": pid}
        assert on_anna.next_event() is None  # the server ended it
        lead_saw = on_lead.events_until(event_is("annotation.hidden"))
        assert {"type": "participant.removed", "participant_id": pid} in [
            e["data"] for e in lead_saw
        ]
        bo_saw = on_bo.events_until(event_is("annotation.hidden"))
        assert bo_saw[-1]["data"]["id"] == abuse["id"]
        assert "participant.removed" not in [e["data"]["type"] for e in bo_saw]
        # Bo's presence no longer counts Anna.
        gone = on_bo.events_until(lambda e: event_is("presence")(e) and e["data"]["count"] == 1)
        assert [p["name"] for p in gone[-1]["data"]["participants"]] == ["Bo"]
    finally:
        for stream in (on_anna, on_bo, on_lead):
            stream.close()
    again = open_events(url, workshop, anna, query="?last_event_id=0")
    assert again.status == 403
    assert again.response.read().decode().find('"code":"removed"') > 0
    again.close()


def test_a_replay_shows_removals_to_facilitators_only(live):
    app, url = live
    facilitator, workshop = start_workshop(app)
    anna, bo = join(app, workshop, "Anna"), join(app, workshop, "Bo")
    wid = workshop["id"]
    _remove(facilitator, workshop, anna)
    _let_back_in(facilitator, workshop, anna)
    last = facilitator.get(f"/api/workshops/{wid}").get_json()["last_event_id"]

    def replay(client) -> list[str]:
        stream = open_events(url, workshop, client, query="?last_event_id=0")
        try:
            return [e["data"]["type"] for e in stream.events_until(lambda e: e["id"] >= last)]
        finally:
            stream.close()

    assert replay(facilitator) == ["participant.removed", "participant.let_back_in"]
    # Anna, let back in, sees her own removal and return, and her stream goes on.
    assert replay(anna) == ["participant.removed", "participant.let_back_in"]
    # Bo sees neither.
    draw(bo, wid, shape(note="Efter"))
    stream = open_events(url, workshop, bo, query="?last_event_id=0")
    try:
        types = [e["data"]["type"] for e in stream.events_until(event_is("annotation.created"))]
        assert "participant.removed" not in types and "participant.let_back_in" not in types
    finally:
        stream.close()


def test_a_join_waiting_during_the_removal_is_refused_under_the_lock(app, room):
    """The browser's token was read before the removal committed; the join's own lock sees it,
    and nobody new is added (a review's join sent so got in as a new participant)."""
    workshop, facilitator, anna, _ = room
    _remove(facilitator, workshop, anna)
    with app.test_request_context():
        session = get_session()
        caller = Actor(workshop["id"], participant_id=anna.participant["participant_id"])
        body = {"code": workshop["join_code"], "name": "Anna igen"}
        with pytest.raises(Forbidden) as refused:
            join_workshop(session, workshop["id"], body, caller)
        session.rollback()
        names = session.scalars(
            select(WorkshopParticipant.name).where(
                WorkshopParticipant.workshop_id == workshop["id"]
            )
        ).all()
    assert refused.value.code == "removed"
    assert sorted(names) == ["Anna", "Bo"]


@pytest.mark.parametrize("drawings", [3, 40])
def test_removing_hides_every_drawing_in_the_same_few_statements(app, room, drawings):
    """Each drawing gets its new version and its own `annotation.hidden` event, numbered one
    after the other; the statements do not grow with the drawings (one by one, 3,601 held
    the workshop's lock for 69 s and every other write failed meanwhile)."""
    workshop, facilitator, anna, bo = room
    wid = workshop["id"]
    ids = [draw(anna, wid, shape(note=f"Nr {n}")).get_json()["id"] for n in range(drawings)]
    gone = draw(anna, wid, shape(note="Borttagen")).get_json()["id"]
    assert anna.delete(f"/api/workshops/{wid}/annotations/{gone}").status_code == 204
    kept = draw(bo, wid, shape(note="Bos")).get_json()["id"]
    before = facilitator.get(f"/api/workshops/{wid}/annotations").get_json()["last_event_id"]

    with statements_sent() as sent:
        removed = _remove(facilitator, workshop, anna)
    assert removed.status_code == 200
    assert removed.get_json()["hidden"] == ids
    assert len(sent) <= 20, sent  # 15 for 3 drawings and for 40 alike

    seen = facilitator.get(f"/api/workshops/{wid}/annotations").get_json()
    hidden = {f["id"]: f["properties"] for f in seen["features"] if f["properties"]["hidden"]}
    assert sorted(hidden) == ids
    assert all(p["version"] == 2 for p in hidden.values())
    assert kept not in hidden
    with app.app_context():
        stored = events_after(get_session(), wid, before)
    assert [e.id for e in stored] == list(range(before + 1, before + 2 + len(ids)))
    assert [e.payload for e in stored] == [
        {"type": "participant.removed", "participant_id": anna.participant["participant_id"]},
        *({"type": "annotation.hidden", "id": id_, "version": 2} for id_ in ids),
    ]
    assert seen["last_event_id"] == stored[-1].id
