"""Undo: each participant takes back their own last changes, one at a time, never another's.

The stack is derived from the events: the caller's own annotation changes, newest first,
less those an undo already took back. An undo is itself an event that names the event it
undoes, so nothing is overwritten and the stream tells everyone. Each facilitator has a stack
of their own too (their account, their device, or the bare key: `Actor.facilitator_id`);
events stored before facilitators were told apart are on every facilitator's.

A change someone else has changed since (or whose drawing they deleted, or made a pin of)
cannot be undone without undoing their work too: the undo that reaches it is refused with 409
and says why, and that change is passed over from then on (a row of its own, `PASSED_OVER`),
so the next undo reaches the caller's change before it. Undo never waits for another person.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from app.common.errors import Conflict, Forbidden
from app.models import WorkshopAnnotation, WorkshopEvent
from app.workshops.actors import Actor
from app.workshops.annotations import pin_of, state_of, write_update
from app.workshops.events import PASSED_OVER, append_event, record_passed_over
from app.workshops.payloads import (
    UNDOABLE,
    AnnotationCreated,
    AnnotationDeleted,
    AnnotationsPromoted,
    AnnotationUpdated,
    Payload,
)
from app.workshops.queries import annotation_feature, lock_workshop, no_such_annotation
from app.workshops.setup import refuse_if_ended
from geo.crs import WGS84
from geo.i18n import N_

E = WorkshopEvent
A = WorkshopAnnotation


def _undone(workshop_id: int, *, passed_over: bool = False) -> Select[Any]:
    """Ids of the events an undo has taken back (with `passed_over`, also those it passed)."""
    query = select(E.undoes_event_id).where(
        E.workshop_id == workshop_id, E.undoes_event_id.is_not(None)
    )
    # A passed-over change still stands on the map: it blocks undoing what came before it.
    return query if passed_over else query.where(E.type != PASSED_OVER)


def _acting(actor: Actor) -> Actor:
    """Whose undo stack the caller's is: the participant's, else the facilitator's."""
    if actor.participant_id is not None:
        return Actor(actor.workshop_id, participant_id=actor.participant_id)
    if actor.facilitator:
        return actor.as_facilitator()
    raise Forbidden(N_("Join the workshop first."), field="token")


def _own_changes(actor: Actor) -> Select[tuple[WorkshopEvent]]:
    """The caller's last undoable change: a participant's own, or this facilitator's."""
    if actor.participant_id is not None:
        own = E.actor_participant_id == actor.participant_id
    else:
        own = and_(
            E.actor_facilitator.is_(True),
            or_(
                E.actor_facilitator_id == actor.facilitator_id,
                E.actor_facilitator_id.is_(None),  # stored before facilitators had ids
            ),
        )
    return (
        select(E)
        .where(
            E.workshop_id == actor.workshop_id,
            own,
            E.type.in_(UNDOABLE),
            E.undoes_event_id.is_(None),
            or_(E.type == AnnotationCreated.type, E.undo_state.is_not(None)),
            E.id.not_in(_undone(actor.workshop_id, passed_over=True)),
        )
        .order_by(E.id.desc())
        .limit(1)
    )


def _changed_since(session: Session, event: WorkshopEvent) -> bool:
    """Whether anything but undos has changed the annotation after `event`."""
    later = select(E.id).where(
        E.workshop_id == event.workshop_id,
        E.annotation_id == event.annotation_id,
        E.id > event.id,
        E.undoes_event_id.is_(None),
        E.id.not_in(_undone(event.workshop_id)),
    )
    return session.execute(later.limit(1)).first() is not None


def _promoted_since(session: Session, event: WorkshopEvent) -> bool:
    """Whether the annotation was made a pin after `event` (and is one still).

    Undoing the change would leave the published pin saying what the drawing no longer does.
    """
    promotion = select(E.id).where(
        E.workshop_id == event.workshop_id,
        E.type == AnnotationsPromoted.type,
        E.id > event.id,
        E.payload.contains({"pins": [{"id": event.annotation_id}]}),
    )
    if session.execute(promotion.limit(1)).first() is None:
        return False
    return pin_of(session, event.workshop_id, int(event.annotation_id or 0)) is not None


def _revert(
    session: Session, event: WorkshopEvent, before: dict[str, Any] | None
) -> tuple[Payload, dict[str, Any] | None]:
    """Put the annotation back as it was before `event`: the undo's event and Feature."""
    workshop_id, annotation_id = event.workshop_id, int(event.annotation_id or 0)
    if event.type == AnnotationCreated.type:
        session.execute(
            update(A)
            .where(A.workshop_id == workshop_id, A.id == annotation_id)
            .values(deleted=True, version=A.version + 1, updated_at=func.now())
        )
        version = session.execute(
            select(A.version).where(A.workshop_id == workshop_id, A.id == annotation_id)
        ).scalar_one()
        return AnnotationDeleted(id=annotation_id, version=version, undo_of=event.id), None
    assert before is not None
    values = {
        "geom": func.ST_SetSRID(func.ST_GeomFromGeoJSON(before["geometry"]), WGS84),
        "note": before["note"],
        "color": before["color"],
        "category": before["category"],
        "deleted": False,
    }
    feature = write_update(session, workshop_id, annotation_id, values)
    if event.type == AnnotationDeleted.type:
        return AnnotationCreated(feature=feature, undo_of=event.id), feature
    return AnnotationUpdated(feature=feature, undo_of=event.id), feature


CHANGED_SINCE = N_("Someone else has changed this since, so it cannot be undone.")
PROMOTED_SINCE = N_(
    "This drawing has been made a pin on the public map since, so it cannot be undone. "
    "The facilitator and the municipality's planners look after it now."
)


def _refuse(
    session: Session,
    acting: Actor,
    event: WorkshopEvent,
    current: dict[str, Any],
    *,
    promoted: bool = False,
) -> Conflict:
    """Pass over `event` from now on (commits) and say why it was not undone.

    The 409 carries the drawing as it is now, unless it is gone or hidden from the caller.
    """
    record_passed_over(session, acting, event.id)
    annotation_id = int(event.annotation_id or 0)
    shown = not current["deleted"] and (acting.facilitator or not current["hidden"])
    extra = (
        {"current": annotation_feature(session, acting.workshop_id, annotation_id)}
        if shown
        else None
    )
    session.commit()
    return Conflict(
        PROMOTED_SINCE if promoted else CHANGED_SINCE,
        code="promoted" if promoted else "changed_since",
        extra=extra,
    )


def undo_last(session: Session, actor: Actor) -> dict[str, Any]:
    """Undo the caller's last change not yet undone; commits. What was undone, and the result."""
    refuse_if_ended(lock_workshop(session, actor.workshop_id, actor), actor)
    acting = _acting(actor)
    event = session.execute(_own_changes(acting)).scalar_one_or_none()
    if event is None:
        raise Conflict(N_("There is nothing of yours to undo."), code="nothing_to_undo")
    annotation_id = int(event.annotation_id or 0)
    current = state_of(session, actor.workshop_id, annotation_id)
    if current is None:
        raise no_such_annotation()
    if _changed_since(session, event):
        raise _refuse(session, acting, event, current)
    if _promoted_since(session, event):
        raise _refuse(session, acting, event, current, promoted=True)
    undo_event, feature = _revert(session, event, event.undo_state)
    event_id = append_event(
        session,
        actor.workshop_id,
        undo_event,
        actor=acting,
        annotation_id=annotation_id,
        undoes_event_id=event.id,
    )
    session.commit()
    return {
        "undone_event_id": event.id,
        "event_id": event_id,
        "annotation_id": annotation_id,
        "deleted": feature is None,
        "feature": feature,
    }
