"""Who has a workshop open: one row per open event stream, kept in PostgreSQL.

A stream adds its row when it opens and deletes it when it ends; each app process refreshes
its streams' rows (`seen_at`) with one statement per heartbeat, so the rows of a process that
died stop being counted after PRESENCE_TTL and are swept away.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from app.models import Workshop, WorkshopGroup, WorkshopParticipant, WorkshopPresence
from app.workshops.actors import Actor
from app.workshops.events import append_event
from app.workshops.payloads import Presence

PRESENCE_TTL_SECONDS = 45
R = WorkshopPresence
P = WorkshopParticipant


def _fresh() -> ColumnElement[bool]:
    """Rows refreshed within the TTL."""
    return R.seen_at > func.now() - func.make_interval(0, 0, 0, 0, 0, 0, PRESENCE_TTL_SECONDS)


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


def leave(session: Session, workshop_id: int, presence_id: str) -> None:
    """A stream ended: delete its row and tell everyone; commits."""
    state = _lock(session, workshop_id)
    session.execute(delete(R).where(R.workshop_id == workshop_id, R.id == presence_id))
    _announce(session, workshop_id, state)
    session.commit()


def refresh(session: Session, process_id: str) -> None:
    """Mark every stream of this process as still there; commits."""
    session.execute(update(R).where(R.process_id == process_id).values(seen_at=func.now()))
    session.commit()
