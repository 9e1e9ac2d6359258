"""The facilitator's door: stop new joins (everyone in stays in), and change the join code."""

from __future__ import annotations

import pytest

from app.db import get_session
from app.workshops.events import events_after
from tests.workshops.helpers import draw, new_client, start_workshop

EN = {"Accept-Language": "en"}
STOPPED = {
    "error": {
        "code": "joins_stopped",
        "message": "The facilitator is not letting anyone new join now. "
        "Ask them to let new people in.",
        "field": None,
    }
}


def _joins(client, workshop, body):
    return client.post(f"/api/workshops/{workshop['id']}/joins", body, headers=EN)


def _new_code(client, workshop):
    return client.post(f"/api/workshops/{workshop['id']}/join_code", None, headers=EN)


def _try_join(app, workshop, code, name="Cecilia"):
    return new_client(app).post(
        f"/api/workshops/{workshop['id']}/join", {"code": code, "name": name}, headers=EN
    )


def _events(app, wid, after=0):
    with app.app_context():
        return [e.payload for e in events_after(get_session(), wid, after)]


def test_stopping_joins_refuses_newcomers_and_keeps_everyone_in(app, room):
    workshop, facilitator, anna, _ = room
    wid, code = workshop["id"], workshop["join_code"]
    before = facilitator.get(f"/api/workshops/{wid}").get_json()["last_event_id"]

    stopped = _joins(facilitator, workshop, {"open": False})
    assert stopped.status_code == 200
    block = stopped.get_json()
    assert (block["code"], block["open"], block["url"].endswith(f"/w/{code}")) == (
        code,
        False,
        True,
    )
    assert block["qr_svg"].startswith("<svg")

    refused = _try_join(app, workshop, code)
    assert (refused.status_code, refused.get_json()) == (409, STOPPED)
    found = new_client(app).get(f"/api/workshops/by-code?code={code}").get_json()
    assert found["joins_open"] is False
    assert anna.get(f"/api/workshops/{wid}").get_json()["join"]["open"] is False
    assert draw(anna, wid).status_code == 201  # those in stay in
    assert _events(app, wid, before)[0] == {"type": "join.changed", "open": False}

    opened = _joins(facilitator, workshop, {"open": True})
    assert (opened.status_code, opened.get_json()["open"]) == (200, True)
    assert _try_join(app, workshop, code).status_code == 201
    assert new_client(app).get(f"/api/workshops/by-code?code={code}").get_json()["joins_open"]


def test_only_someone_with_the_code_learns_that_the_door_is_stopped(app, room):
    workshop, facilitator, _, _ = room
    _joins(facilitator, workshop, {"open": False})
    for body in ({"code": "ZZZZZZ", "name": "x"}, {}, {"code": 123, "name": "x"}):
        response = new_client(app).post(f"/api/workshops/{workshop['id']}/join", body, headers=EN)
        assert (response.status_code, response.get_json()["error"]) == (
            422,
            {"code": "wrong_code", "message": "The join code is not right.", "field": "code"},
        ), body


def test_a_removed_participant_cannot_come_back_from_another_browser(app, room):
    workshop, facilitator, anna, _ = room
    pid = anna.participant["participant_id"]
    facilitator.post(f"/api/workshops/{workshop['id']}/participants/{pid}/removed",
                     {"removed": True})  # fmt: skip
    _joins(facilitator, workshop, {"open": False})
    again = _try_join(app, workshop, workshop["join_code"], name="Anna igen")
    assert (again.status_code, again.get_json()) == (409, STOPPED)


def test_a_new_code_opens_and_the_old_one_opens_nothing(app, room):
    workshop, facilitator, anna, bo = room
    wid, old = workshop["id"], workshop["join_code"]
    before = facilitator.get(f"/api/workshops/{wid}").get_json()["last_event_id"]

    changed = _new_code(facilitator, workshop)
    assert changed.status_code == 200
    block = changed.get_json()
    new = block["code"]
    assert new != old and len(new) == 6
    assert (block["open"], block["url"].endswith(f"/w/{new}")) == (True, True)

    gone = new_client(app).get(f"/api/workshops/by-code?code={old}", headers=EN)
    assert (gone.status_code, gone.get_json()["error"]["message"]) == (
        404,
        "No workshop has this code.",
    )
    wrong = _try_join(app, workshop, old)
    assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (422, "wrong_code")
    assert _try_join(app, workshop, new).status_code == 201
    for member in (facilitator, anna, bo):
        assert member.get(f"/api/workshops/{wid}").get_json()["join"]["code"] == new
    assert draw(bo, wid).status_code == 201
    assert _events(app, wid, before)[0] == {"type": "join.changed", "open": True}


def test_a_new_code_keeps_joins_stopped(app, room):
    workshop, facilitator, _, _ = room
    _joins(facilitator, workshop, {"open": False})
    block = _new_code(facilitator, workshop).get_json()
    assert block["open"] is False
    assert _try_join(app, workshop, block["code"]).get_json() == STOPPED


def test_the_audit_has_the_door_but_not_the_codes(app, room):
    workshop, facilitator, _, _ = room
    wid = workshop["id"]
    _joins(facilitator, workshop, {"open": False})
    _joins(facilitator, workshop, {"open": False})  # so already: nothing to record or send
    _new_code(facilitator, workshop)
    _joins(facilitator, workshop, {"open": True})
    entries = facilitator.get(f"/api/workshops/{wid}/audit").get_json()["entries"]
    assert [(e["action"], e["by"], e["detail"]) for e in entries] == [
        ("joins", "facilitator_key", {"before": True, "after": False}),
        ("join_code", "facilitator_key", {}),
        ("joins", "facilitator_key", {"before": False, "after": True}),
    ]
    assert [e["type"] for e in _events(app, wid)] == ["join.changed"] * 3


def test_only_the_facilitator_opens_the_door(app, room):
    workshop, _, anna, _ = room
    for send in (lambda c: _joins(c, workshop, {"open": False}), lambda c: _new_code(c, workshop)):
        by_participant = send(anna)
        assert (by_participant.status_code, by_participant.get_json()["error"]) == (
            403,
            {"code": "forbidden", "message": "Only the facilitator can do this.",
             "field": "X-Facilitator-Key"},
        )  # fmt: skip
        by_stranger = send(new_client(app))
        assert (by_stranger.status_code, by_stranger.get_json()["error"]["code"]) == (
            401,
            "not_facilitator",
        )
    assert _try_join(app, workshop, workshop["join_code"]).status_code == 201


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ([], "body", "The body must be a JSON object."),
        ({}, "open", "open must be true or false."),
        ({"open": "false"}, "open", "open must be true or false."),
        ({"open": 0}, "open", "open must be true or false."),
        ({"open": None}, "open", "open must be true or false."),
    ],
)
def test_the_body_is_checked(app, room, body, field, message):
    workshop, facilitator, _, _ = room
    response = _joins(facilitator, workshop, body)
    assert (response.status_code, response.get_json()["error"]) == (
        422,
        {"code": "invalid_field", "message": message, "field": field},
    )
    assert _try_join(app, workshop, workshop["join_code"]).status_code == 201


def test_a_closed_workshop_keeps_its_door_and_code(app, room):
    workshop, facilitator, _, _ = room
    facilitator.post(f"/api/workshops/{workshop['id']}/state", {"state": "closed"})
    for response in (
        _joins(facilitator, workshop, {"open": False}),
        _new_code(facilitator, workshop),
    ):
        assert (response.status_code, response.get_json()["error"]["code"]) == (
            409,
            "workshop_closed",
        )


def test_a_new_workshop_is_open_to_joins(app):
    facilitator, workshop = start_workshop(app)
    assert workshop["join"]["open"] is True
    state = facilitator.get(f"/api/workshops/{workshop['id']}").get_json()
    assert state["join"]["open"] is True
