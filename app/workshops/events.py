"""Appending numbered events and reading them back; NOTIFY says only "workshop N has news".

An event's id comes from `workshops.last_event_id`, incremented in the writer's transaction.
That row stays locked until the commit, so writers of one workshop take turns and their
events become visible in id order: a reader that has seen event n has seen every event < n,
and resuming "after n" can neither skip nor repeat one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.models import WorkshopEvent
from app.models.workshops import Workshop
from app.workshops.actors import Actor
from app.workshops.payloads import Payload, as_json

CHANNEL = "umecom_workshop_events"
READ_BATCH = 500
# Undo's own bookkeeping, never sent: a change an undo was refused for, so the next undo
# passes over it (app/workshops/undo.py). It names that change in `undoes_event_id`.
PASSED_OVER = "undo.passed_over"


@dataclass(frozen=True)
class StoredEvent:
    """One event as a stream sends it."""

    id: int
    type: str
    payload: dict[str, Any]


def append_event(
    session: Session,
    workshop_id: int,
    event: Payload,
    *,
    actor: Actor | None = None,
    annotation_id: int | None = None,
    undoes_event_id: int | None = None,
    undo_state: dict[str, Any] | None = None,
) -> int:
    """Store the event with the workshop's next id and notify listeners at commit; its id."""
    [event_id] = append_events(
        session,
        workshop_id,
        [(event, annotation_id)],
        actor=actor,
        undoes_event_id=undoes_event_id,
        undo_state=undo_state,
    )
    return event_id


def append_events(
    session: Session,
    workshop_id: int,
    events: Sequence[tuple[Payload, int | None]],
    *,
    actor: Actor | None = None,
    undoes_event_id: int | None = None,
    undo_state: dict[str, Any] | None = None,
) -> list[int]:
    """Store events, each with the annotation it is about, under consecutive ids; their ids.

    One notification at commit. Many at once take three statements: a removal that hid
    3,601 drawings one by one held the workshop's lock for 69 s.
    """
    if not events:
        return []
    last = _next_id(session, workshop_id, len(events))
    first = last - len(events) + 1
    session.execute(
        insert(WorkshopEvent),
        [
            {
                "workshop_id": workshop_id,
                "id": first + index,
                "type": event.type,
                "payload": as_json(event),
                "actor_participant_id": actor.participant_id if actor else None,
                "actor_facilitator": bool(actor and actor.facilitator),
                "actor_facilitator_id": actor.facilitator_id if actor else None,
                "annotation_id": annotation_id,
                "undoes_event_id": undoes_event_id,
                "undo_state": undo_state,
            }
            for index, (event, annotation_id) in enumerate(events)
        ],
    )
    # Delivered when (and only if) the transaction commits.
    session.execute(select(func.pg_notify(CHANNEL, str(workshop_id))))
    return list(range(first, last + 1))


def _next_id(session: Session, workshop_id: int, count: int = 1) -> int:
    """The last of the workshop's next `count` event ids (its row locked until the commit)."""
    return int(
        session.execute(
            update(Workshop)
            .where(Workshop.id == workshop_id)
            .values(last_event_id=Workshop.last_event_id + count)
            .returning(Workshop.last_event_id)
        ).scalar_one()
    )


def record_passed_over(session: Session, actor: Actor, event_id: int) -> None:
    """Note that `actor`'s undo passed over the event `event_id`; nobody is notified.

    A row among the events, numbered like them, so that undo reads it with the events it
    belongs to; streams skip it.
    """
    session.execute(
        insert(WorkshopEvent).values(
            workshop_id=actor.workshop_id,
            id=_next_id(session, actor.workshop_id),
            type=PASSED_OVER,
            payload={"type": PASSED_OVER, "event_id": event_id},
            actor_participant_id=actor.participant_id,
            actor_facilitator=actor.facilitator,
            actor_facilitator_id=actor.facilitator_id,
            undoes_event_id=event_id,
        )
    )


def events_after(
    session: Session, workshop_id: int, after_id: int, *, limit: int = READ_BATCH
) -> list[StoredEvent]:
    """The workshop's events with an id above `after_id`, oldest first, at most `limit`.

    Undo's bookkeeping is not an event anyone is sent, so ids may skip a number.
    """
    rows = session.execute(
        select(WorkshopEvent.id, WorkshopEvent.type, WorkshopEvent.payload)
        .where(
            WorkshopEvent.workshop_id == workshop_id,
            WorkshopEvent.id > after_id,
            WorkshopEvent.type != PASSED_OVER,
        )
        .order_by(WorkshopEvent.id)
        .limit(limit)
    )
    return [StoredEvent(int(r.id), str(r.type), dict(r.payload)) for r in rows]
