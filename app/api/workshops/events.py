"""The workshop's live events as Server-Sent Events, and a closing page's goodbye.

See app/workshops/stream.py and app/workshops/presence.py.
"""

from __future__ import annotations

from flask import Response, current_app, request

from app.api import bp
from app.api.workshops import identity
from app.common.errors import InvalidField
from app.converters import MAX_ID
from app.db import close_session, get_session
from app.workshops import presence
from app.workshops.queries import get_workshop
from app.workshops.stream import event_stream
from geo.i18n import N_
from geo.numbers import parse_whole

EVENT_STREAM = "text/event-stream"


def _resume_from(default: int) -> int:
    """The last event the client has.

    The `Last-Event-ID` a reconnecting browser sends, else `?last_event_id=` (the first
    connect, from the annotations' `last_event_id`), else now.
    """
    for name, raw in (
        ("Last-Event-ID", request.headers.get("Last-Event-ID")),
        ("last_event_id", request.args.get("last_event_id")),
    ):
        if raw is not None and raw != "":
            value = parse_whole(raw.strip(), 0, MAX_ID)
            if value is None:
                raise InvalidField(N_("%(name)s must be an event id."), field=name, name=name)
            return value
    return default


def _display() -> bool:
    """`?display=true`: a wall or projector showing the map, which is nobody present."""
    raw = request.args.get("display", "false")
    if raw not in ("true", "false"):
        raise InvalidField(N_("display must be true or false."), field="display")
    return raw == "true"


@bp.get("/api/workshops/<id:workshop_id>/events")
def workshop_events(workshop_id: int) -> Response:
    """Members: the stream; each counts as one person present, unless it is a display.

    A closed workshop with nothing left to send answers 204, which tells a browser to stop
    reconnecting.
    """
    session = get_session()
    actor = identity.member(session, workshop_id)
    workshop = get_workshop(session, workshop_id)
    after_id = _resume_from(workshop.last_event_id)
    closed = workshop.state == "closed"
    display = _display()
    if closed and after_id >= workshop.last_event_id:
        return Response(status=204)
    still_allowed = identity.sign_in_to_recheck(session, workshop_id) if actor.facilitator else None
    close_session()  # the stream reads with short sessions of its own; none stays open
    stream = event_stream(
        current_app.extensions["db_sessionmaker"],
        current_app.extensions["workshop_hub"],
        actor,
        after_id=after_id,
        heartbeat_seconds=float(current_app.config["WORKSHOP_HEARTBEAT_SECONDS"]),
        retry_ms=int(current_app.config["WORKSHOP_RETRY_MS"]),
        present=not closed and not display,
        still_allowed=still_allowed,
    )
    response = Response(stream, mimetype=EVENT_STREAM)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    response.call_on_close(stream.close)
    return response


@bp.delete("/api/workshops/<id:workshop_id>/presence/<presence_id>")
def workshop_presence_departed(workshop_id: int, presence_id: str) -> Response:
    """Members: the page that opened the stream with this presence id is closing.

    Sent as the page hides (`fetch` with `keepalive`): the reader stops being counted now, not
    when the stream's next write fails.
    """
    session = get_session()
    presence.depart(session, identity.member(session, workshop_id), presence_id)
    return Response(status=204)
