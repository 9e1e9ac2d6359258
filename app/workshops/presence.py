"""Who has a workshop open: one row per open event stream, kept in PostgreSQL.

A stream adds its row when it opens and deletes it when it ends; each app process refreshes
its streams' rows (`seen_at`) with one statement per heartbeat, so the rows of a process that
died stop being counted after PRESENCE_TTL and are swept away.

A stream learns that its reader left only when a write fails, a heartbeat or two after the
page closed: a phone closed during a run-through stayed "here" for 26-46 s. So the page says
goodbye as it closes (`depart`, with the id its stream was given), and its row goes at once.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from app.common.errors import NotFound
from app.common.times import seconds_from_now
from app.models import Workshop, WorkshopGroup, WorkshopParticipant, WorkshopPresence
from app.workshops.actors import Actor
from app.workshops.events import append_event
from app.workshops.payloads import Presence
from geo.i18n import N_

PRESENCE_TTL_SECONDS = 45
PRESENCE_ID = re.compile(r"[0-9a-f]{32}")  # uuid4().hex, as `new_presence_id` makes them
R = WorkshopPresence
P = WorkshopParticipant


def _fresh() -> ColumnElement[bool]:
    """Rows refreshed within the TTL."""
    return R.seen_at > seconds_from_now(-PRESENCE_TTL_SECONDS)


def presence_now(session: Session, workshop_id: int) -> Presence:
    """Who is connected now: each participant once (id, name, group), facilitators counted."""
    fresh = _fresh()
    participants = session.execute(
        select(P.id, P.name, P.group_id, WorkshopGroup.name.label("group"))
        .join(R, and_(R.workshop_id == P.workshop_id, R.participant_id == P.id))
        .outerjoin(
            WorkshopGroup,
            and_(WorkshopGroup.workshop_id == P.workshop_id, WorkshopGroup.id == P.group_id),
        )
        # A removed participant's stream may not have ended yet (it ends at its next read).
        .where(P.workshop_id == workshop_id, R.role == "participant", fresh, P.removed_at.is_(None))
        .group_by(P.id, P.name, P.group_id, WorkshopGroup.name)
        .order_by(P.id)
    ).all()
    facilitators = session.execute(
        select(func.count())
        .select_from(R)
        .where(R.workshop_id == workshop_id, R.role == "facilitator", fresh)
    ).scalar_one()
    people = [
        {"id": int(r.id), "name": r.name, "group_id": r.group_id, "group": r.group}
        for r in participants
    ]
    return Presence(participants=people, facilitators=int(facilitators), count=len(people))


def counts(session: Session, workshop_id: int) -> dict[str, int]:
    """Public presence: how many participants and facilitators are connected."""
    now = presence_now(session, workshop_id)
    return {"participants": now.count, "facilitators": now.facilitators}


def _lock(session: Session, workshop_id: int) -> str | None:
    """Lock the workshop's row (FOR NO KEY UPDATE) first, as every writer does; its state."""
    state = session.execute(
        select(Workshop.state).where(Workshop.id == workshop_id).with_for_update(key_share=True)
    ).scalar_one_or_none()
    return None if state is None else str(state)


def _announce(session: Session, workshop_id: int, state: str | None) -> None:
    """Append the presence event (not on a closed workshop: its stream has ended)."""
    if state is not None and state != "closed":
        append_event(session, workshop_id, presence_now(session, workshop_id))


def arrive(session: Session, actor: Actor, presence_id: str, process_id: str) -> None:
    """A stream opened: add its row and tell everyone; commits."""
    state = _lock(session, actor.workshop_id)
    session.execute(delete(R).where(R.workshop_id == actor.workshop_id, ~_fresh()))
    session.execute(
        insert(R).values(
            workshop_id=actor.workshop_id,
            id=presence_id,
            participant_id=actor.participant_id,
            role="participant" if actor.participant_id is not None else "facilitator",
            process_id=process_id,
        )
    )
    _announce(session, actor.workshop_id, state)
    session.commit()


def is_counted(session: Session, workshop_id: int, presence_id: str) -> bool:
    """Whether the stream with this presence id still has its row."""
    row = select(R.id).where(R.workshop_id == workshop_id, R.id == presence_id)
    return session.execute(row).first() is not None


def new_presence_id() -> str:
    """The id of a stream's row: told to its reader only, who may delete the row with it."""
    return uuid.uuid4().hex


def _remove(session: Session, workshop_id: int, *which: ColumnElement[bool]) -> bool:
    """Delete the row `which` names and tell everyone, if it was there; commits."""
    state = _lock(session, workshop_id)
    gone = delete(R).where(R.workshop_id == workshop_id, *which).returning(R.id)
    removed = session.execute(gone).first() is not None
    if removed:
        _announce(session, workshop_id, state)
    session.commit()
    return removed


def leave(session: Session, workshop_id: int, presence_id: str) -> None:
    """A stream ended: delete its row, unless its page said goodbye first; commits."""
    _remove(session, workshop_id, R.id == presence_id)


def depart(session: Session, actor: Actor, presence_id: str) -> None:
    """The page of a stream is closing: its reader is gone now; commits.

    Only the caller's own row: a participant's, or a facilitator's stream for a facilitator.
    """
    owners = []
    if actor.participant_id is not None:
        owners.append(R.participant_id == actor.participant_id)
    if actor.facilitator:
        owners.append(R.role == "facilitator")
    found = PRESENCE_ID.fullmatch(presence_id) is not None and _remove(
        session, actor.workshop_id, R.id == presence_id, or_(*owners)
    )
    if not found:
        raise NotFound(N_("No such connection."), field="presence_id")


def refresh(session: Session, process_id: str) -> None:
    """Mark every stream of this process as still there; commits."""
    session.execute(update(R).where(R.process_id == process_id).values(seen_at=func.now()))
    session.commit()
