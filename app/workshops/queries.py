"""Reading workshops and their annotations. Features are built by PostGIS (geo/geojson.py)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from app.common.errors import Conflict, Forbidden, NotFound
from app.models import (
    Idea,
    Workshop,
    WorkshopAnnotation,
    WorkshopGroup,
    WorkshopParticipant,
)
from app.workshops.actors import Actor
from geo.geojson import feature_select
from geo.i18n import N_

A = WorkshopAnnotation
P = WorkshopParticipant
G = WorkshopGroup


def no_such_workshop() -> NotFound:
    """The error for a workshop that does not exist."""
    return NotFound(N_("No such workshop."), field="id")


def get_workshop(session: Session, workshop_id: int) -> Workshop:
    """The workshop, or NotFound."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise no_such_workshop()
    return workshop


def lock_workshop(session: Session, workshop_id: int, actor: Actor | None = None) -> Workshop:
    """Lock the workshop's row for a write and check that the write may happen now.

    Every write locks this row first, so writes to one workshop take turns (and number their
    events in order). FOR NO KEY UPDATE: inserts whose foreign key names the workshop take a
    KEY SHARE lock on it, which this does not wait for (FOR UPDATE would, and two such
    writers would deadlock). Closed refuses every write; paused refuses participants, not the
    facilitator.
    """
    workshop = session.execute(
        select(Workshop).where(Workshop.id == workshop_id).with_for_update(key_share=True)
    ).scalar_one_or_none()
    if workshop is None:
        raise no_such_workshop()
    if workshop.state == "closed":
        raise Conflict(
            N_("This workshop is closed: it can be read, not changed."), code="workshop_closed"
        )
    if workshop.state == "paused" and actor is not None and not actor.facilitator:
        raise Conflict(N_("The facilitator has paused drawing."), code="workshop_paused")
    if actor is not None and actor.participant_id is not None and not actor.facilitator:
        refuse_if_removed(session, workshop_id, actor.participant_id)
    return workshop


def removed_from_workshop() -> Forbidden:
    """The refusal of anything a participant the facilitator removed asks to do."""
    return Forbidden(
        N_(
            "The facilitator has removed you from this workshop: you can no longer add or "
            "change anything in it."
        ),
        code="removed",
    )


def refuse_if_removed(session: Session, workshop_id: int, participant_id: int) -> None:
    """Refuse a participant whom the facilitator has removed.

    Read under the workshop's lock, which removing takes too: a write that was on its way
    while its author was removed waits for the removal and is refused, never stored after it.
    """
    if is_removed(session, workshop_id, participant_id):
        raise removed_from_workshop()


def is_removed(session: Session, workshop_id: int, participant_id: int) -> bool:
    """Whether the facilitator has removed the participant (and not let them back in)."""
    removed_at = session.execute(
        select(P.removed_at).where(P.workshop_id == workshop_id, P.id == participant_id)
    ).scalar_one_or_none()
    return removed_at is not None


def groups_of(session: Session, workshop_id: int) -> list[dict[str, Any]]:
    """The workshop's groups in their order: id, name, colour."""
    rows = session.execute(
        select(G.id, G.name, G.color).where(G.workshop_id == workshop_id).order_by(G.position, G.id)
    )
    return [{"id": int(r.id), "name": r.name, "color": r.color} for r in rows]


def _annotation_joins(stmt: Select[Any]) -> Select[Any]:
    """Join an annotation select to its author and group (same workshop)."""
    return stmt.join(P, and_(P.workshop_id == A.workshop_id, P.id == A.participant_id)).outerjoin(
        G, and_(G.workshop_id == A.workshop_id, G.id == A.group_id)
    )


def annotation_rows(workshop_id: int, *, include_hidden: bool) -> Select[Any]:
    """The workshop's annotations as members see them (with the author's display name).

    `pin_id` is the pin an annotation was made into (app/workshops/promote.py), or null: the
    pin keeps the annotation's id (ideas.workshop_id, ideas.annotation_id, unique), so every
    device that reads the annotations knows which are pins already.
    """
    stmt = select(
        A.id,
        A.geom,
        A.note,
        A.color,
        A.category,
        A.participant_id.label("author_id"),
        P.name.label("author_name"),
        A.group_id,
        G.name.label("group"),
        A.version,
        A.hidden,
        A.on_behalf,
        A.client_id,
        A.created_at,
        A.updated_at,
        Idea.id.label("pin_id"),
    ).where(A.workshop_id == workshop_id, A.deleted.is_(False))
    if not include_hidden:
        stmt = stmt.where(A.hidden.is_(False))
    return _annotation_joins(stmt).outerjoin(
        Idea, and_(Idea.workshop_id == A.workshop_id, Idea.annotation_id == A.id)
    )


def export_rows(workshop_id: int) -> Select[Any]:
    """The annotations for a file: no display names, no client ids (personal data stays)."""
    stmt = select(
        A.id,
        A.geom,
        A.note,
        A.color,
        A.category,
        A.group_id,
        G.name.label("group"),
        A.on_behalf,
        A.hidden,
        A.version,
        A.created_at,
        A.updated_at,
    ).where(A.workshop_id == workshop_id, A.deleted.is_(False))
    return _annotation_joins(stmt)


def annotation_feature(session: Session, workshop_id: int, annotation_id: int) -> dict[str, Any]:
    """One annotation as its GeoJSON Feature (hidden included), for answers and events."""
    rows = annotation_rows(workshop_id, include_hidden=True).where(A.id == annotation_id)
    found = session.execute(feature_select(rows)).first()
    if found is None:
        raise no_such_annotation()
    return dict(json.loads(found.feature))


def annotation_features(
    session: Session, workshop_id: int, annotation_ids: set[int]
) -> dict[int, dict[str, Any]]:
    """The annotations among `annotation_ids` that are not deleted, as Features (hidden too)."""
    rows = annotation_rows(workshop_id, include_hidden=True).where(A.id.in_(annotation_ids))
    return {int(r.key): json.loads(r.feature) for r in session.execute(feature_select(rows))}


def no_such_annotation() -> NotFound:
    """The error for an annotation that does not exist (or is not visible to the caller)."""
    return NotFound(N_("No such annotation."), field="annotation_id")


def started_by(session: Session, user_id: int) -> list[dict[str, Any]]:
    """The workshops a planner started, newest first, with how much happened in each."""
    drawings = (
        select(func.count())
        .where(A.workshop_id == Workshop.id, A.deleted.is_(False))
        .correlate(Workshop)
        .scalar_subquery()
    )
    people = (
        select(func.count())
        .where(P.workshop_id == Workshop.id, P.on_behalf.is_(False))
        .correlate(Workshop)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Workshop.id,
            Workshop.title,
            Workshop.state,
            Workshop.join_code,
            Workshop.created_at,
            drawings.label("annotations"),
            people.label("participants"),
        )
        .where(Workshop.created_by == user_id)
        .order_by(Workshop.created_at.desc(), Workshop.id.desc())
    )
    return [dict(r._mapping) for r in rows]
