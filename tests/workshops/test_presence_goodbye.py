"""A closing page says goodbye: its reader stops being counted at once, and its stream ends,
not when the stream's next write fails (app/workshops/presence.py, `depart`)."""

from __future__ import annotations

import re
import time

from tests.workshops.helpers import (
    EventReader,
    event_is,
    join,
    new_client,
    open_events,
    start_workshop,
)

NO_SUCH = {
    "error": {"code": "not_found", "message": "Ingen sådan anslutning.", "field": "presence_id"}
}


def _counted(stream: EventReader, participants: int, facilitators: int = 1) -> dict:
    """The presence event that counts so many, as `stream` reads it (`id` and `data`)."""
    return stream.events_until(
        lambda e: (
            event_is("presence")(e)
            and (e["data"]["count"], e["data"]["facilitators"]) == (participants, facilitators)
        )
    )[-1]


def _presence_id(stream: EventReader) -> str:
    """The id the stream was opened with (its first, named, event)."""
    stream.events_until(event_is("presence"))
    return stream.named["presence"]["id"]


def test_a_goodbye_uncounts_its_reader_at_once_and_the_streams_end_adds_nothing(live):
    app, url = live
    hub = app.extensions["workshop_hub"]
    facilitator, workshop = start_workshop(app)
    wid = workshop["id"]
    anna, bo = join(app, workshop, "Anna"), join(app, workshop, "Bo")
    lead = open_events(url, workshop, facilitator)
    annas, bos = open_events(url, workshop, anna), open_events(url, workshop, bo)
    try:
        _counted(lead, 2)
        goodbye = _presence_id(bos)
        assert re.fullmatch("[0-9a-f]{32}", goodbye)
        assert _presence_id(annas) != goodbye

        gone = bo.delete(f"/api/workshops/{wid}/presence/{goodbye}")
        assert gone.status_code == 204
        assert gone.get_data() == b""
        told = _counted(lead, 1)
        assert [p["name"] for p in told["data"]["participants"]] == ["Anna"]
        # Bo's page would have closed its stream; left open here, the server ends it.
        assert bos.next_event() is None
        assert bo.get(f"/api/workshops/{wid}").get_json()["presence"] == {
            "participants": 1,
            "facilitators": 1,
        }
        again = bo.delete(f"/api/workshops/{wid}/presence/{goodbye}")
        assert (again.status_code, again.get_json()) == (404, NO_SUCH)

        deadline = time.monotonic() + 10
        while hub.subscriber_count > 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hub.subscriber_count == 2  # Bo's stream has let go of the hub, too
        # Its end found no row, and told nobody again: the goodbye's is the last event.
        last = facilitator.get(f"/api/workshops/{wid}/annotations").get_json()["last_event_id"]
        assert told["id"] == last
    finally:
        for stream in (lead, annas, bos):
            stream.close()


def test_only_the_reader_of_a_stream_may_say_its_goodbye(live):
    app, url = live
    facilitator, workshop = start_workshop(app)
    wid = workshop["id"]
    anna, bo = join(app, workshop, "Anna"), join(app, workshop, "Bo")
    other_lead, other = start_workshop(app, title="Ålidhem")
    bos, leads = open_events(url, workshop, bo), open_events(url, workshop, facilitator)
    try:
        goodbye, leads_goodbye = _presence_id(bos), _presence_id(leads)
        path = f"/api/workshops/{wid}/presence/{goodbye}"
        for someone_else in (anna, facilitator):
            refused = someone_else.delete(path)
            assert (refused.status_code, refused.get_json()) == (404, NO_SUCH)
        refused = anna.delete(f"/api/workshops/{wid}/presence/{leads_goodbye}")
        assert (refused.status_code, refused.get_json()) == (404, NO_SUCH)
        # Another workshop's facilitator, with the id of a facilitator's stream of this one.
        elsewhere = other_lead.delete(f"/api/workshops/{other['id']}/presence/{leads_goodbye}")
        assert (elsewhere.status_code, elsewhere.get_json()) == (404, NO_SUCH)
        stranger = new_client(app).delete(path)
        assert stranger.status_code == 401
        assert stranger.get_json()["error"]["code"] == "not_a_member"
        for bad in (goodbye.upper(), goodbye + "0", goodbye[:-1], "x", "0" * 32):
            refused = bo.delete(f"/api/workshops/{wid}/presence/{bad}")
            assert (refused.status_code, refused.get_json()) == (404, NO_SUCH), bad
        # Nothing was taken away: Bo and the facilitator are still counted.
        assert bo.get(f"/api/workshops/{wid}").get_json()["presence"] == {
            "participants": 1,
            "facilitators": 1,
        }
        own = facilitator.delete(f"/api/workshops/{wid}/presence/{leads_goodbye}")
        assert own.status_code == 204
    finally:
        bos.close()
        leads.close()


def test_a_display_is_sent_no_presence_id(live):
    app, url = live
    facilitator, workshop = start_workshop(app)
    wall = open_events(url, workshop, facilitator, query="?display=true")
    try:
        lines = []
        while ": keep-alive" not in lines:
            line = wall.readline()
            assert line is not None
            lines.append(line)
        assert not any(line.startswith("event:") for line in lines), lines
    finally:
        wall.close()
