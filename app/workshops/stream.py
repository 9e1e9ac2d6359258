"""One Server-Sent Events stream of a workshop: what was missed, then live, then `closed`.

The stream subscribes to the process's hub BEFORE it reads anything, then reads the rows
after the client's last event id: an event committed while it read the backlog has rung the
bell already, so the next read finds it. Each read is a short session of its own, closed
before the stream waits: an idle stream holds no connection and no transaction.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Generator

from sqlalchemy.orm import Session, sessionmaker

from app.workshops import presence
from app.workshops.actors import Actor
from app.workshops.events import READ_BATCH, StoredEvent, events_after
from app.workshops.live import Hub
from app.workshops.payloads import (
    ABOUT_A_PARTICIPANT,
    Closed,
    ParticipantRemoved,
    Presence,
    as_json,
    for_audience,
)
from app.workshops.queries import is_removed
from app.workshops.replay import as_participants_see_them

log = logging.getLogger(__name__)


def sse_message(event: StoredEvent, *, facilitator: bool) -> str:
    """`id:` and `data:` lines of one event, as this reader may see it."""
    data = json.dumps(for_audience(event.payload, facilitator=facilitator), separators=(",", ":"))
    return f"id: {event.id}\ndata: {data}\n\n"


def _for_participant(
    session: Session, actor: Actor, events: list[StoredEvent]
) -> tuple[list[StoredEvent], bool]:
    """What a participant's stream sends of `events`, and whether it ends after them.

    Events about participants go to the one they name only. A reader the facilitator has
    removed (and not let back in) is sent their removal and nothing after it, even when the
    event itself is not among these (a stream that resumed past it): checked when there is
    news for them, so an idle stream costs no query.
    """
    mine = [
        event
        for event in as_participants_see_them(session, actor.workshop_id, events)
        if event.type not in ABOUT_A_PARTICIPANT
        or event.payload.get("participant_id") == actor.participant_id
    ]
    if not mine or actor.participant_id is None:
        return mine, False
    if not is_removed(session, actor.workshop_id, actor.participant_id):
        return mine, False
    for index, event in enumerate(mine):
        if event.type == ParticipantRemoved.type:
            return mine[: index + 1], True
    # Numbered before what it holds back: let back in, the reader resumes from there.
    removal = as_json(ParticipantRemoved(actor.participant_id))
    return [StoredEvent(mine[0].id - 1, ParticipantRemoved.type, removal)], True


def _said_goodbye(
    session: Session, workshop_id: int, presence_id: str, read: list[StoredEvent]
) -> bool:
    """Whether the page of this stream has said goodbye (`presence.depart`): its row is gone.

    Its stream would otherwise go on until a write to the closed connection failed, a
    heartbeat or two later, holding its greenlet (and keeping the browser tests' server
    waiting for it). A goodbye always sends a presence event, so only then is the row looked
    for: an idle stream costs no query.
    """
    if not any(event.type == Presence.type for event in read):
        return False
    return not presence.is_counted(session, workshop_id, presence_id)


def event_stream(
    sessions: sessionmaker[Session],
    hub: Hub,
    actor: Actor,
    *,
    after_id: int,
    heartbeat_seconds: float,
    retry_ms: int,
    present: bool,
    still_allowed: Callable[[Session], bool] | None = None,
) -> Generator[str, None, None]:
    """Yield the stream's text: `retry:`, missed events, live events, heartbeat comments.

    Ends after a `closed` event, and a participant's after their removal. With `present`, the
    reader counts as present while the stream is open: it is first sent a `presence` event with
    the id its page says goodbye with (`presence.depart`), after which the stream ends. With
    `still_allowed`, it is asked before each read, and the stream ends once it says no (a
    facilitator signed out): the browser's reconnect is then refused.
    """
    subscription = hub.subscribe(actor.workshop_id)
    presence_id = presence.new_presence_id()
    try:
        # retry: how long a browser waits before it reconnects (with Last-Event-ID) by itself.
        opening = f"retry: {retry_ms}\n: connected\n\n"
        if present:
            with sessions() as session:
                presence.arrive(session, actor, presence_id, hub.process_id)
            # Named, so not a `message`: the id the page says goodbye with as it closes.
            opening += f'event: presence\ndata: {{"id":"{presence_id}"}}\n\n'
        yield opening
        last_id = after_id
        while True:
            with sessions() as session:
                if still_allowed is not None and not still_allowed(session):
                    return
                read = events_after(session, actor.workshop_id, last_id)
                if present and _said_goodbye(session, actor.workshop_id, presence_id, read):
                    return
                events, removed = (
                    (read, False) if actor.facilitator else _for_participant(session, actor, read)
                )
            for event in events:
                yield sse_message(event, facilitator=actor.facilitator)
                last_id = event.id
                if event.type == Closed.type:
                    return
            if removed:
                return
            if read:  # past the events this reader is not sent, too
                last_id = max(last_id, read[-1].id)
            if len(read) == READ_BATCH:
                continue  # more backlog: no waiting
            if not subscription.wait(heartbeat_seconds):
                yield ": keep-alive\n\n"  # keeps proxies from closing an idle stream
    finally:
        if present:
            try:
                with sessions() as session:
                    presence.leave(session, actor.workshop_id, presence_id)
            except Exception:  # the client is gone anyway; its row expires by itself
                log.exception("could not record that a stream ended")
        hub.unsubscribe(subscription)
