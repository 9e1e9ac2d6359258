"""Promoting annotations to pins: the workshop's results join the public map and the layers.

All or nothing: every annotation is checked before any pin is stored, and an annotation that
became a pin once is refused (the unique index on ideas(workshop_id, annotation_id) makes
sure of it even when two promotions race). That pin is how promotion is recorded: the
annotations' features carry its id as `pin_id` (app/workshops/queries.py), and an
`annotation.promoted` event tells every open list. From then on the drawing is no longer its
author's to change or undo (app/workshops/annotations.py `_locked`, app/workshops/undo.py).
Closed workshops can be promoted: that is when results are sorted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from geoalchemy2.shape import to_shape
from shapely.geometry import Point
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.categories import CATEGORY_BY_SLUG, KINDS
from app.common import limits
from app.common.errors import Conflict, DomainError, InvalidField
from app.ideas.create import NewIdea, Provenance, parse_kind_and_category, store_idea
from app.models import Idea, Workshop, WorkshopAnnotation
from app.workshops import audit
from app.workshops.actors import Actor
from app.workshops.events import append_event
from app.workshops.payloads import AnnotationsPromoted
from app.workshops.queries import G, P, _annotation_joins, no_such_workshop
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


def _ids(value: Any) -> dict[int, int]:
    """1 to MAX_PROMOTE annotation ids: each distinct id and where it first stands in the list."""
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
    positions: dict[int, int] = {}
    for index, annotation_id in enumerate(ids):
        if annotation_id is not None:
            positions.setdefault(annotation_id, index)
    return positions


# How the facilitator's list names a drawing (static/js/workshop/shapes.js `describe`): the
# same words, so a refusal names the drawing as the list shows it, never by its internal id.
SHAPE_NAMES = {"ST_Point": _l("Point"), "ST_LineString": _l("Line"), "ST_Polygon": _l("Area")}
BY = _l("by {name}")
BY_ON_BEHALF = _l("by {name} (entered from paper)")
NO_NOTE = _l("(no note)")
NOTE_SHOWN = 80  # characters of the note's first line a refusal quotes


@dataclass(frozen=True)
class DrawingName:
    """An annotation as the list describes it; written in the request's language when shown.

    "Area, by Bo, group 1, Parks and nature: New park": its shape, author (entered from paper or
    not), group, category and the first line of its note.
    """

    shape: str
    author: str | None
    on_behalf: bool
    group: str | None
    category: str | None
    note: str

    def __str__(self) -> str:
        """The description, translated now."""
        parts = [str(SHAPE_NAMES.get(self.shape, self.shape))]
        if self.author:
            parts.append(str(BY_ON_BEHALF if self.on_behalf else BY).format(name=self.author))
        if self.group:
            parts.append(self.group)
        if self.category:
            known = CATEGORY_BY_SLUG.get(self.category)
            parts.append(str(known.label) if known else self.category)
        note = " ".join(self.note.strip().split("\n", 1)[0].split()) if self.note else ""
        if len(note) > NOTE_SHOWN:
            note = note[: NOTE_SHOWN - 1].rstrip() + "…"
        return f"{', '.join(parts)}: {note or NO_NOTE}"


def _refused(
    error: type[DomainError],
    message: str,
    row: Any,
    index: int,
    code: str,
    **extra: Any,
) -> DomainError:
    """A refusal of the annotation `row`, at `annotation_ids[index]`, named as the list does."""
    name = DrawingName(
        shape=row.shape,
        author=row.author_name,
        on_behalf=bool(row.on_behalf),
        group=row.group,
        category=row.category,
        note=row.note or "",
    )
    return error(
        message,
        field=f"annotation_ids[{index}]",
        code=code,
        extra={"annotation_id": int(row.id), **extra},
        drawing=name,
    )


def promote(
    session: Session, actor: Actor, payload: Any, *, spend: Callable[[int], None]
) -> list[int]:
    """Make a published pin of each annotation, with its provenance; commits. The pin ids.

    A refusal names the first annotation refused as the facilitator's list describes it, and
    points at it: `field` is `annotation_ids[<index from 0>]`, `annotation_id` its id (and
    `pin_id` the pin it became, when it is one already).

    `spend(n)` counts the n new pins in the caller's limits, or refuses them (the caller's:
    an anonymous facilitator's pins keep to a citizen's limits, a signed-in planner's do not).
    """
    if not isinstance(payload, dict):
        raise InvalidField(N_("The body must be a JSON object."), field="body")
    positions = _ids(payload.get("annotation_ids"))
    ids = list(positions)
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
            _annotation_joins(
                select(
                    A.id,
                    A.geom,
                    A.note,
                    A.category,
                    A.hidden,
                    A.deleted,
                    A.on_behalf,
                    func.ST_GeometryType(A.geom).label("shape"),
                    P.name.label("author_name"),
                    G.name.label("group"),
                ).where(A.workshop_id == actor.workshop_id, A.id.in_(ids))
            ).with_for_update(of=A)
        )
    }
    promoted = {
        int(r.annotation_id): int(r.id)
        for r in session.execute(
            select(Idea.id, Idea.annotation_id).where(
                Idea.workshop_id == actor.workshop_id, Idea.annotation_id.in_(ids)
            )
        )
    }
    new_ideas: list[tuple[int, NewIdea]] = []
    for annotation_id, index in positions.items():
        row = rows.get(annotation_id)
        if row is None:
            raise InvalidField(
                N_("No such annotation."),
                field=f"annotation_ids[{index}]",
                code="not_found",
                extra={"annotation_id": annotation_id},
            )
        if row.deleted:
            raise _refused(
                InvalidField,
                N_("The drawing “%(drawing)s” has been deleted."),
                row,
                index,
                "not_found",
            )
        if annotation_id in promoted:
            raise _refused(
                Conflict,
                N_("The drawing “%(drawing)s” has been made a pin already."),
                row,
                index,
                "already_promoted",
                pin_id=promoted[annotation_id],
            )
        if row.hidden:
            raise _refused(
                InvalidField,
                N_("The drawing “%(drawing)s” is hidden: show it again to make a pin of it."),
                row,
                index,
                "not_found",
            )
        category = payload.get("category") or row.category
        if category is None:
            # Each drawing's own category was asked for, and this one has none.
            raise _refused(
                InvalidField,
                N_(
                    "The drawing “%(drawing)s” has no category: give it one, untick it, or "
                    "choose one category for all the drawings."
                ),
                row,
                index,
                "required",
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
    spend(len(new_ideas))
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
    audit.record(session, actor, "promote", annotation_ids=ids, idea_ids=idea_ids, kind=kind)
    # Every facilitator's list marks them at once (app/workshops/payloads.py).
    pins = [{"id": a, "pin_id": i} for (a, _), i in zip(new_ideas, idea_ids, strict=True)]
    append_event(session, actor.workshop_id, AnnotationsPromoted(pins=pins), actor=actor)
    session.commit()
    return idea_ids
