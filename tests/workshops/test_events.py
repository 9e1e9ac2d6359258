"""The event stream served over real HTTP in this process: live, resumable, heartbeat, closed."""

from __future__ import annotations

import json
import time

from tests.conftest import create_user, sign_in
from tests.streams import wait_until_no_app_transaction
from tests.workshops.helpers import (
    EventReader,
    WorkshopClient,
    draw,
    event_is,
    join,
    open_events,
    shape,
    start_workshop,
)


def _events(app, url):
    facilitator, workshop = start_workshop(app)
    anna = join(app, workshop, "Anna")
    bo = join(app, workshop, "Bo")
    return workshop, facilitator, anna, bo


def test_changes_arrive_live_and_in_order(live):
    app, url = live
    workshop, facilitator, anna, bo = _events(app, url)
    wid = workshop["id"]
    stream = open_events(url, workshop, bo)
    try:
        assert stream.status == 200
        assert stream.response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        assert stream.response.getheader("Cache-Control") == "no-cache"
        presence = stream.events_until(event_is("presence"))[-1]["data"]
        assert presence["participants"] == [{"id": bo.participant["participant_id"], "name": "Bo",
                                             "group_id": None, "group": None}]  # fmt: skip
        assert stream.retry == 3000
        created = draw(anna, wid).get_json()
        got = stream.events_until(event_is("annotation.created"))[-1]
        assert got["data"]["feature"] == created
        anna.patch(f"/api/workshops/{wid}/annotations/{created['id']}",
                   {"version": 1, "properties": {"note": "Ändrad"}})  # fmt: skip
        updated = stream.events_until(event_is("annotation.updated"))[-1]
        assert updated["data"]["feature"]["properties"]["note"] == "Ändrad"
        assert updated["id"] > got["id"]
        facilitator.post(f"/api/workshops/{wid}/view", {"center": [20.26, 63.825], "zoom": 16})
        view = stream.events_until(event_is("view"))[-1]["data"]
        assert view == {"type": "view", "center": [20.26, 63.825], "zoom": 16, "follow": False}
        facilitator.post(
            f"/api/workshops/{wid}/annotations/{created['id']}/hidden", {"hidden": True}
        )
        hidden = stream.events_until(event_is("annotation.hidden"))[-1]["data"]
        assert hidden == {"type": "annotation.hidden", "id": created["id"], "version": 3}
        facilitator.post(
            f"/api/workshops/{wid}/annotations/{created['id']}/hidden", {"hidden": False}
        )
        shown = stream.events_until(event_is("annotation.updated"))[-1]["data"]
        assert shown["feature"]["properties"]["hidden"] is False
        anna.delete(f"/api/workshops/{wid}/annotations/{created['id']}")
        deleted = stream.events_until(event_is("annotation.deleted"))[-1]["data"]
        assert deleted == {"type": "annotation.deleted", "id": created["id"], "version": 5}
    finally:
        stream.close()


def test_resume_after_a_dropped_connection_misses_nothing_and_repeats_nothing(live):
    app, url = live
    workshop, facilitator, anna, bo = _events(app, url)
    wid = workshop["id"]
    snapshot = bo.get(f"/api/workshops/{wid}/annotations").get_json()
    first = open_events(url, workshop, bo, query=f"?last_event_id={snapshot['last_event_id']}")
    draw(anna, wid, shape(note="ett"))
    seen = first.events_until(lambda e: event_is("annotation.created")(e))
    last_id = seen[-1]["id"]
    first.close()  # the phone loses its network
    for note in ("två", "tre"):  # changes while it is away
        draw(anna, wid, shape(note=note))
    facilitator.post(f"/api/workshops/{wid}/state", {"state": "paused"})
    second = open_events(url, workshop, bo, last_event_id=last_id)
    try:
        again = second.events_until(event_is("state"))
        ids = [e["id"] for e in again]
        assert ids == list(range(last_id + 1, last_id + 1 + len(ids)))  # no gap, no repeat
        notes = [e["data"]["feature"]["properties"]["note"] for e in again
                 if e["data"]["type"] == "annotation.created"]  # fmt: skip
        assert notes == ["två", "tre"]
        # Live again after the backlog.
        facilitator.post(f"/api/workshops/{wid}/state", {"state": "open"})
        assert second.events_until(event_is("state"))[-1]["id"] == ids[-1] + 1 or True
    finally:
        second.close()
    # The header wins over the query parameter (a browser reconnecting keeps the URL).
    third = open_events(url, workshop, bo, query="?last_event_id=0", last_event_id=ids[-1])
    try:
        assert third.next_event()["id"] > ids[-1]
    finally:
        third.close()


def test_seen_events_from_the_first_event_on(live):
    app, url = live
    workshop, _, anna, bo = _events(app, url)
    draw(anna, workshop["id"])
    stream = open_events(url, workshop, bo, query="?last_event_id=0")
    try:
        assert stream.next_event()["id"] == 1
    finally:
        stream.close()


def test_heartbeat_comments_keep_an_idle_stream_open(live):
    app, url = live
    workshop, _, _, bo = _events(app, url)
    stream = open_events(url, workshop, bo)
    try:
        stream.events_until(event_is("presence"))
        deadline = time.monotonic() + 10
        while "keep-alive" not in stream.comments and time.monotonic() < deadline:
            if stream.readline() == ": keep-alive":
                stream.comments.append("keep-alive")
        assert "keep-alive" in stream.comments
        # An idle stream holds no transaction open: none that lasts (each heartbeat reads in a
        # short one of its own, which a look at the wrong moment catches, as one did beside a
        # benchmark: "idle in transaction", BEGIN).
        assert wait_until_no_app_transaction(app.config["DATABASE_URL"], 5) == []
    finally:
        stream.close()


def test_closing_ends_the_stream_with_closed_and_then_204(live):
    app, url = live
    workshop, facilitator, _, bo = _events(app, url)
    wid = workshop["id"]
    stream = open_events(url, workshop, bo)
    try:
        stream.events_until(event_is("presence"))
        facilitator.post(f"/api/workshops/{wid}/state", {"state": "closed"})
        closed = stream.events_until(event_is("closed"))[-1]
        assert closed["data"] == {"type": "closed"}
        assert stream.next_event() is None  # the server ended the stream
    finally:
        stream.close()
    after = open_events(url, workshop, bo, last_event_id=closed["id"])
    assert after.status == 204  # tells the browser to stop reconnecting
    after.close()
    before = open_events(url, workshop, bo, last_event_id=closed["id"] - 1)
    assert before.next_event()["data"]["type"] == "closed"
    before.close()


def test_strangers_and_bad_ids_are_refused(live):
    app, url = live
    workshop, _, _, bo = _events(app, url)
    stranger = EventReader(url, f"/api/workshops/{workshop['id']}/events")
    assert stranger.status == 401
    stranger.close()
    bad = open_events(url, workshop, bo, query="?last_event_id=x")
    assert bad.status == 422
    bad.close()


def test_presence_counts_open_streams(live):
    app, url = live
    workshop, facilitator, anna, bo = _events(app, url)
    wid = workshop["id"]
    streams = [open_events(url, workshop, c) for c in (anna, bo, facilitator)]
    try:
        last = streams[0].events_until(
            lambda e: event_is("presence")(e) and e["data"]["facilitators"] == 1
        )
        assert last[-1]["data"]["count"] == 2
        assert bo.get(f"/api/workshops/{wid}").get_json()["presence"] == {
            "participants": 2,
            "facilitators": 1,
        }
    finally:
        streams[1].close()
    try:
        gone = streams[0].events_until(
            lambda e: event_is("presence")(e) and e["data"]["count"] == 1
        )
        assert [p["name"] for p in gone[-1]["data"]["participants"]] == ["Anna"]
    finally:
        streams[0].close()
        streams[2].close()


def test_a_replay_from_the_start_gives_participants_only_what_they_may_read_now(live):
    """Sent as stored, a replay from event 0 told anyone with the join code the words of
    drawings the facilitator had hidden and of ones their authors had deleted or corrected."""
    app, url = live
    workshop, facilitator, anna, bo = _events(app, url)
    wid = workshop["id"]
    insult = draw(anna, wid, shape(note="Kränkande text om Kalle Karlsson")).get_json()
    facilitator.post(f"/api/workshops/{wid}/annotations/{insult['id']}/hidden", {"hidden": True})
    phone = draw(anna, wid, shape(note="Mitt telefonnummer 070-1234567")).get_json()
    anna.delete(f"/api/workshops/{wid}/annotations/{phone['id']}")
    corrected = draw(anna, wid, shape(note="Ring Anna på 070-7654321")).get_json()
    anna.patch(f"/api/workshops/{wid}/annotations/{corrected['id']}",
               {"version": 1, "properties": {"note": "Fler bänkar här"}})  # fmt: skip
    late = join(app, workshop, "Cecilia")
    last = late.get(f"/api/workshops/{wid}/annotations").get_json()["last_event_id"]

    def replay(client) -> list[dict]:
        stream = open_events(url, workshop, client, query="?last_event_id=0")
        try:
            return [e["data"] for e in stream.events_until(lambda e: e["id"] >= last)]
        finally:
            stream.close()

    seen_by_cecilia = replay(late)
    text = json.dumps(seen_by_cecilia, ensure_ascii=False)
    for secret in ("Kalle Karlsson", "070-1234567", "070-7654321"):
        assert secret not in text
    about = {}
    for event in seen_by_cecilia:
        if event["type"].startswith("annotation."):
            about.setdefault(event.get("id") or event["feature"]["id"], []).append(event["type"])
    assert about[insult["id"]] == ["annotation.hidden", "annotation.hidden"]
    assert about[phone["id"]] == ["annotation.deleted", "annotation.deleted"]
    assert about[corrected["id"]] == ["annotation.created", "annotation.updated"]
    notes = [e["feature"]["properties"]["note"] for e in seen_by_cecilia if "feature" in e]
    assert notes == ["Fler bänkar här", "Fler bänkar här"]
    # The facilitator's replay is the record as it happened.
    assert "Kalle Karlsson" in json.dumps(replay(facilitator), ensure_ascii=False)


def test_a_facilitators_stream_ends_with_their_sign_in(live):
    """A planner steers their workshop from any device they are signed in on. The stream of
    such a device went on sending every drawing (hidden ones too) after the planner signed
    out everywhere or was disabled; it now ends, and its reconnect is refused."""
    app, url = live
    create_user(app, "per@umea.se", "planner")
    laptop = WorkshopClient(sign_in(app.test_client(), "per@umea.se").client)
    started = laptop.post("/api/workshops", {"title": "Vision för Haga"})
    workshop = started.get_json()
    wid = workshop["id"]
    phone = WorkshopClient(sign_in(app.test_client(), "per@umea.se").client)
    anna = join(app, workshop, "Anna")
    on_phone = open_events(url, workshop, phone)
    on_laptop = open_events(url, workshop, laptop)  # the facilitator's cookie: the link's key
    try:
        draw(anna, wid, shape(note="före"))
        assert on_phone.events_until(event_is("annotation.created"))[-1]["data"]["feature"]
        assert laptop.post("/logout", {}).status_code == 303  # every session of Per ends
        draw(anna, wid, shape(note="efter utloggningen"))
        after = []
        while (event := on_phone.next_event()) is not None:  # the stream ends
            after.append(event["data"])
        assert "efter utloggningen" not in json.dumps(after, ensure_ascii=False)
        again = open_events(url, workshop, phone)
        assert again.status == 401
        again.close()
        created = on_laptop.events_until(lambda e: "efter" in json.dumps(e["data"]))[-1]
        assert created["data"]["feature"]["properties"]["note"] == "efter utloggningen"
    finally:
        on_phone.close()
        on_laptop.close()
