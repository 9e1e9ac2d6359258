"""One Server-Sent Events stream of a workshop: what was missed, then live, then `closed`.

The stream subscribes to the process's hub BEFORE it reads anything, then reads the rows
after the client's last event id: an event committed while it read the backlog has rung the
bell already, so the next read finds it. Each read is a short session of its own, closed
before the stream waits: an idle stream holds no connection and no transaction.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Generator

from sqlalchemy.orm import Session, sessionmaker

from app.workshops import presence
from app.workshops.actors import Actor
from app.workshops.events import READ_BATCH, StoredEvent, events_after
from app.workshops.live import Hub
from app.workshops.payloads import Closed, for_audience
from app.workshops.replay import as_participants_see_them

log = logging.getLogger(__name__)


def sse_message(event: StoredEvent, *, facilitator: bool) -> str:
    """`id:` and `data:` lines of one event, as this reader may see it."""
    data = json.dumps(for_audience(event.payload, facilitator=facilitator), separators=(",", ":"))
    return f"id: {event.id}\ndata: {data}\n\n"


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

    Ends after a `closed` event. With `present`, the reader counts as present while the
    stream is open. With `still_allowed`, it is asked before each read, and the stream ends
    once it says no (a facilitator signed out): the browser's reconnect is then refused.
    """
    subscription = hub.subscribe(actor.workshop_id)
    presence_id = uuid.uuid4().hex
    try:
        if present:
            with sessions() as session:
                presence.arrive(session, actor, presence_id, hub.process_id)
        # retry: how long a browser waits before it reconnects (with Last-Event-ID) by itself.
        yield f"retry: {retry_ms}\n: connected\n\n"
        last_id = after_id
        while True:
            with sessions() as session:
                if still_allowed is not None and not still_allowed(session):
                    return
                events = events_after(session, actor.workshop_id, last_id)
                if not actor.facilitator:
                    events = as_participants_see_them(session, actor.workshop_id, events)
            for event in events:
                yield sse_message(event, facilitator=actor.facilitator)
                last_id = event.id
                if event.type == Closed.type:
                    return
            if len(events) == READ_BATCH:
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
