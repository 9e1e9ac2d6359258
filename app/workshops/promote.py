"""Promoting annotations to pins: the workshop's results join the public map and the layers.

All or nothing: every annotation is checked before any pin is stored, and an annotation that
became a pin once is refused (the unique index on ideas(workshop_id, annotation_id) makes
sure of it even when two promotions race). Closed workshops can be promoted: that is when
results are sorted.
"""

from __future__ import annotations

from typing import Any

from geoalchemy2.shape import to_shape
from shapely.geometry import Point
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.categories import KINDS
from app.common import limits
from app.common.errors import Conflict, InvalidField
from app.ideas.create import NewIdea, Provenance, parse_kind_and_category, store_idea
from app.models import Idea, Workshop, WorkshopAnnotation
from app.workshops import audit
from app.workshops.actors import Actor
from app.workshops.queries import no_such_workshop
from geo.i18n import N_
from geo.numbers import whole_in_range

MAX_PROMOTE = 500
A = WorkshopAnnotation


def title_from_note(note: str, fallback: str) -> str:
    """A pin title from an annotation's note.

    Its first line, spaces collapsed, cut at a word boundary to the title limit; the fallback
    when the note is too short to be a title.
    """
    first_line = " ".join(note.strip().split("\n", 1)[0].split())
    if len(first_line) < limits.TITLE.min:
        first_line = " ".join(fallback.split())
    if len(first_line) <= limits.TITLE.max:
        return first_line
    cut = first_line[: limits.TITLE.max - 1]
    if " " in cut[limits.TITLE.max // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"


def _ids(value: Any) -> list[int]:
    """1 to MAX_PROMOTE distinct annotation ids."""
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_PROMOTE:
        raise InvalidField(
            N_("annotation_ids must be a list of 1 to %(n)s ids."),
            field="annotation_ids",
            n=MAX_PROMOTE,
        )
    ids = [whole_in_range(v, 1, 2**63 - 1) for v in value]
    if None in ids:
        raise InvalidField(
            N_("annotation_ids must be a list of 1 to %(n)s ids."),
            field="annotation_ids",
            n=MAX_PROMOTE,
        )
    return list(dict.fromkeys(i for i in ids if i is not None))


def promote(session: Session, actor: Actor, payload: Any) -> list[int]:
    """Make a published pin of each annotation, with its provenance; commits. The pin ids."""
    if not isinstance(payload, dict):
        raise InvalidField(N_("The body must be a JSON object."), field="body")
    ids = _ids(payload.get("annotation_ids"))
    kind = payload.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise InvalidField(N_("Choose idea or concern."), field="kind", code="invalid_choice")
    workshop = session.execute(
        select(Workshop).where(Workshop.id == actor.workshop_id).with_for_update(key_share=True)
    ).scalar_one_or_none()
    if workshop is None:
        raise no_such_workshop()
    rows = {
        int(r.id): r
        for r in session.execute(
            select(A.id, A.geom, A.note, A.category, A.hidden)
            .where(A.workshop_id == actor.workshop_id, A.id.in_(ids), A.deleted.is_(False))
            .with_for_update()
        )
    }
    promoted = set(
        session.execute(
            select(Idea.annotation_id).where(
                Idea.workshop_id == actor.workshop_id, Idea.annotation_id.in_(ids)
            )
        ).scalars()
    )
    new_ideas: list[tuple[int, NewIdea]] = []
    for annotation_id in ids:
        row = rows.get(annotation_id)
        if row is None or row.hidden:
            raise InvalidField(
                N_("Annotation %(id)d does not exist or is hidden."),
                field="annotation_ids",
                code="not_found",
                id=annotation_id,
            )
        if annotation_id in promoted:
            raise Conflict(
                N_("Annotation %(id)d has been promoted already."),
                field="annotation_ids",
                code="already_promoted",
                id=annotation_id,
            )
        category = payload.get("category") or row.category
        if category is None:
            raise InvalidField(
                N_("Choose a category from the list."), field="category", code="required"
            )
        kind, category = parse_kind_and_category({"kind": kind, "category": category})
        point = to_shape(row.geom).representative_point()  # GEOS PointOnSurface
        new_ideas.append(
            (
                annotation_id,
                NewIdea(
                    point=Point(point.x, point.y),
                    kind=kind,
                    category=category,
                    title=title_from_note(row.note, workshop.title),
                    body=row.note,
                    author_name=None,  # a display name is not the municipality's to publish
                ),
            )
        )
    try:
        idea_ids = [
            store_idea(
                session,
                idea,
                provenance=Provenance("workshop", actor.workshop_id, annotation_id),
            )
            for annotation_id, idea in new_ideas
        ]
    except IntegrityError:
        session.rollback()
        raise Conflict(
            N_("These annotations have been promoted already."),
            field="annotation_ids",
            code="already_promoted",
        ) from None
    audit.record(
        session, actor.workshop_id, "promote", annotation_ids=ids, idea_ids=idea_ids, kind=kind
    )
    session.commit()
    return idea_ids
