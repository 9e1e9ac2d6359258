"""The facilitator's list of participants: who joined, who is connected, who was removed.

Removing a participant (abuse in front of the room, say) makes their token change nothing in
the workshop from then on, their own stream included (app/workshops/stream.py); by default
their drawings are hidden at the same time, all in one statement (`hide_all_drawn_by`), each
with the `annotation.hidden` event a single hide sends, so every page and the projector
follow. Letting them back in undoes the
removal only: drawings hidden stay hidden until the facilitator shows them. The state is in
PostgreSQL (`removed_at`), so every app process sees it at once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from app.common.booleans import true_or_false
from app.common.errors import InvalidField, NotFound
from app.common.times import instant_text
from app.models import WorkshopGroup, WorkshopParticipant
from app.workshops import audit, presence
from app.workshops.actors import Actor
from app.workshops.annotations import hide_all_drawn_by
from app.workshops.events import append_event
from app.workshops.payloads import ParticipantLetBackIn, ParticipantRemoved
from app.workshops.queries import lock_workshop
from geo.i18n import N_

P = WorkshopParticipant
G = WorkshopGroup


def no_such_participant() -> NotFound:
    """The error for a participant who is not one of this workshop's (or was drawn for)."""
    return NotFound(N_("No such participant."), field="participant_id")


def _rows(session: Session, workshop_id: int, participant_id: int | None = None) -> list[Any]:
    """Participants who joined themselves (not those drawn for from paper), oldest first."""
    stmt = (
        select(P.id, P.name, P.group_id, G.name.label("group"), P.removed_at)
        .outerjoin(G, and_(G.workshop_id == P.workshop_id, G.id == P.group_id))
        .where(P.workshop_id == workshop_id, P.on_behalf.is_(False))
        .order_by(P.id)
    )
    if participant_id is not None:
        stmt = stmt.where(P.id == participant_id)
    return list(session.execute(stmt))


def _as_json(row: Any, connected: set[int]) -> dict[str, Any]:
    return {
        "id": int(row.id),
        "name": row.name,
        "group_id": row.group_id,
        "group": row.group,
        "removed": row.removed_at is not None,
        "removed_at": instant_text(row.removed_at),
        "connected": int(row.id) in connected,
    }


def _connected(session: Session, workshop_id: int) -> set[int]:
    return {int(p["id"]) for p in presence.presence_now(session, workshop_id).participants}


def participants_of(session: Session, workshop_id: int) -> list[dict[str, Any]]:
    """Everyone who joined: name, group, whether connected now, whether removed."""
    connected = _connected(session, workshop_id)
    return [_as_json(row, connected) for row in _rows(session, workshop_id)]


def parse_removal(payload: Any) -> tuple[bool, bool]:
    """`{"removed": bool, "hide_drawings"?: bool}` (drawings are hidden unless told not to)."""
    if not isinstance(payload, dict):
        raise InvalidField(N_("The body must be a JSON object."), field="body")
    removed = true_or_false(payload.get("removed"), "removed")
    return removed, true_or_false(payload.get("hide_drawings", True), "hide_drawings")


def set_removed(
    session: Session, actor: Actor, participant_id: int, payload: Any
) -> dict[str, Any]:
    """Remove a participant (and hide their drawings), or let them back in; commits.

    The participant as the list shows them, and `hidden`: the drawings this call hid. Asking
    for what is so already changes nothing.
    """
    removed, hide = parse_removal(payload)
    lock_workshop(session, actor.workshop_id, actor)
    found = session.execute(
        select(P.removed_at)
        .where(P.workshop_id == actor.workshop_id, P.id == participant_id, P.on_behalf.is_(False))
        .with_for_update()
    ).first()
    if found is None:
        raise no_such_participant()
    hidden: list[int] = []
    if removed and found.removed_at is None:
        hidden = _remove(session, actor, participant_id, hide=hide)
    elif not removed and found.removed_at is not None:
        _let_back_in(session, actor, participant_id)
    [row] = _rows(session, actor.workshop_id, participant_id)
    result = {**_as_json(row, _connected(session, actor.workshop_id)), "hidden": hidden}
    session.commit()
    return result


def _remove(session: Session, actor: Actor, participant_id: int, *, hide: bool) -> list[int]:
    """Mark them removed, tell the streams, hide their drawings if asked; the ids hidden."""
    session.execute(
        update(P)
        .where(P.workshop_id == actor.workshop_id, P.id == participant_id)
        .values(removed_at=func.now(), removed_by=actor.facilitator_id)
    )
    # First: their own stream ends with it, before any other event reaches them.
    append_event(
        session, actor.workshop_id, ParticipantRemoved(participant_id), actor=actor.as_facilitator()
    )
    hidden = hide_all_drawn_by(session, actor, participant_id) if hide else []
    audit.record(
        session,
        actor,
        "participant.remove",
        participant_id=participant_id,
        hide_drawings=hide,
        hidden=hidden,
    )
    return hidden


def _let_back_in(session: Session, actor: Actor, participant_id: int) -> None:
    """Their token counts again; what was hidden stays hidden."""
    session.execute(
        update(P)
        .where(P.workshop_id == actor.workshop_id, P.id == participant_id)
        .values(removed_at=None, removed_by=None)
    )
    append_event(
        session,
        actor.workshop_id,
        ParticipantLetBackIn(participant_id),
        actor=actor.as_facilitator(),
    )
    audit.record(session, actor, "participant.let_back_in", participant_id=participant_id)
