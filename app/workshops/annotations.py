"""Drawing together: create (idempotent), edit (versioned), delete, hide.

Every write locks the workshop's row first (`lock_workshop`), writes, appends its event in
the same transaction and commits: the change and its event are stored together or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from geoalchemy2.shape import from_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.categories import CATEGORY_BY_SLUG
from app.common import limits
from app.common.booleans import true_or_false
from app.common.errors import Conflict, Forbidden, InvalidField
from app.common.text import clean_text
from app.models import Idea, WorkshopAnnotation, WorkshopGroup, WorkshopParticipant
from app.workshops import audit
from app.workshops.actors import Actor, acting_on
from app.workshops.events import append_event, append_events
from app.workshops.palette import DEFAULT_COLOR, parse_color
from app.workshops.payloads import (
    AnnotationCreated,
    AnnotationDeleted,
    AnnotationHidden,
    AnnotationUpdated,
)
from app.workshops.queries import annotation_feature, lock_workshop, no_such_annotation
from app.workshops.setup import choose_group, on_behalf_participant, refuse_if_ended
from geo.crs import WGS84, AreaOfInterest
from geo.i18n import N_
from geo.numbers import whole_in_range
from geo.validate import parse_shape

MAX_VERTICES = 5000
CLIENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
A = WorkshopAnnotation
_UNSET = object()


@dataclass(frozen=True)
class NewAnnotation:
    """A validated annotation, ready to store."""

    geom: BaseGeometry
    note: str
    color: str | None
    category: str | None
    client_id: str | None
    on_behalf_of: str | None
    group: Any


def _props(payload: Any) -> dict[str, Any]:
    """The Feature's properties (an object, possibly empty)."""
    props = payload.get("properties", {}) if isinstance(payload, dict) else None
    if props is None:
        return {}
    if not isinstance(props, dict):
        raise InvalidField(N_("properties must be an object."), field="properties")
    return props


def parse_category(value: Any) -> str | None:
    """A category slug, or None."""
    if value is None:
        return None
    if not isinstance(value, str) or value not in CATEGORY_BY_SLUG:
        raise InvalidField(
            N_("Choose a category from the list."), field="category", code="invalid_choice"
        )
    return value


def parse_client_id(value: Any, field: str) -> str | None:
    """A client-generated id (a UUID, say): 1-64 of letters, digits and `_.:-`."""
    if value is None:
        return None
    if not isinstance(value, str) or not CLIENT_ID.fullmatch(value):
        raise InvalidField(
            N_("%(name)s must be 1 to 64 letters, digits or _ . : -"), field=field, name=field
        )
    return value


def validate_new_annotation(
    payload: Any, area: AreaOfInterest, idempotency_key: str | None
) -> NewAnnotation:
    """Check a GeoJSON Feature from a client; unknown properties are ignored, never stored."""
    if not isinstance(payload, dict) or payload.get("type") != "Feature":
        raise InvalidField(
            N_("The body must be a GeoJSON Feature."), field="type", code="invalid_feature"
        )
    geom = parse_shape(payload.get("geometry"), area, max_vertices=MAX_VERTICES)
    props = _props(payload)
    client_id = parse_client_id(props.get("client_id"), "client_id")
    header_id = parse_client_id(idempotency_key, "Idempotency-Key")
    if client_id and header_id and client_id != header_id:
        raise InvalidField(
            N_("client_id and Idempotency-Key differ."), field="client_id", code="conflict"
        )
    on_behalf_of = clean_text(props.get("on_behalf_of"), "on_behalf_of", limits.DISPLAY_NAME)
    return NewAnnotation(
        geom=geom,
        note=clean_text(props.get("note"), "note", limits.NOTE, multiline=True) or "",
        color=None if props.get("color") is None else parse_color(props.get("color")),
        category=parse_category(props.get("category")),
        client_id=client_id or header_id,
        on_behalf_of=on_behalf_of,
        group=props.get("group"),
    )


def _existing_by_client_id(session: Session, actor: Actor, client_id: str) -> dict[str, Any] | None:
    """The annotation an earlier try with this client id made, or None."""
    row = session.execute(
        select(A.id, A.participant_id, A.deleted, A.on_behalf).where(
            A.workshop_id == actor.workshop_id, A.client_id == client_id
        )
    ).first()
    if row is None:
        return None
    mine = row.participant_id == actor.participant_id or (row.on_behalf and actor.facilitator)
    if not mine:
        raise Conflict(
            N_("This client_id belongs to another annotation."), field="client_id", code="taken"
        )
    if row.deleted:
        raise Conflict(N_("This annotation has been deleted."), code="deleted")
    return annotation_feature(session, actor.workshop_id, int(row.id))


def _author(session: Session, actor: Actor, new: NewAnnotation) -> tuple[int, int | None, Actor]:
    """(author participant, group, acting as): the caller, or a paper map's drawer."""
    if new.on_behalf_of is not None or actor.participant_id is None:
        if not actor.facilitator:
            raise Forbidden(
                N_("Only the facilitator can draw on someone's behalf."), field="on_behalf_of"
            )
        if new.on_behalf_of is None:
            raise InvalidField(
                N_("Say whose drawing this is (on_behalf_of)."),
                field="on_behalf_of",
                code="required",
            )
        group_id = choose_group(session, actor.workshop_id, new.group)
        author = on_behalf_participant(session, actor.workshop_id, new.on_behalf_of, group_id)
        return author, group_id, actor.as_facilitator()
    group_id = session.execute(
        select(WorkshopParticipant.group_id).where(
            WorkshopParticipant.workshop_id == actor.workshop_id,
            WorkshopParticipant.id == actor.participant_id,
        )
    ).scalar_one()
    return actor.participant_id, group_id, Actor(actor.workshop_id, actor.participant_id)


def _group_color(session: Session, workshop_id: int, group_id: int | None) -> str:
    """The colour a drawing gets when none was chosen: its group's, else the default."""
    if group_id is None:
        return DEFAULT_COLOR
    return str(
        session.execute(
            select(WorkshopGroup.color).where(
                WorkshopGroup.workshop_id == workshop_id, WorkshopGroup.id == group_id
            )
        ).scalar_one()
    )


def create_annotation(
    session: Session, actor: Actor, new: NewAnnotation
) -> tuple[dict[str, Any], bool]:
    """Store the annotation and its event; commits. (Feature, created).

    A retry with the same client id gets the first try's annotation and `created` False.
    """
    if new.client_id and (found := _existing_by_client_id(session, actor, new.client_id)):
        return found, False
    writer = actor if new.on_behalf_of is None else actor.as_facilitator()
    refuse_if_ended(lock_workshop(session, actor.workshop_id, writer), writer)
    # Checked again under the lock: two retries racing each other make one annotation.
    if new.client_id and (found := _existing_by_client_id(session, actor, new.client_id)):
        session.rollback()
        return found, False
    author, group_id, acting = _author(session, actor, new)
    annotation_id = session.execute(
        insert(A)
        .values(
            workshop_id=actor.workshop_id,
            client_id=new.client_id,
            participant_id=author,
            group_id=group_id,
            geom=from_shape(new.geom, srid=WGS84),
            note=new.note,
            color=new.color or _group_color(session, actor.workshop_id, group_id),
            category=new.category,
            version=1,
            hidden=False,
            deleted=False,
            on_behalf=acting.facilitator,
        )
        .returning(A.id)
    ).scalar_one()
    feature = annotation_feature(session, actor.workshop_id, int(annotation_id))
    append_event(
        session,
        actor.workshop_id,
        AnnotationCreated(feature=feature),
        actor=acting,
        annotation_id=int(annotation_id),
    )
    if acting.facilitator:
        audit.record(
            session,
            acting,
            "annotation.on_behalf",
            annotation_id=int(annotation_id),
            on_behalf_of=new.on_behalf_of,
        )
    session.commit()
    return feature, True


def state_of(session: Session, workshop_id: int, annotation_id: int) -> dict[str, Any] | None:
    """What an annotation is now (for undo): geometry, note, colour, category, flags, version."""
    row = session.execute(
        select(
            func.ST_AsGeoJSON(A.geom).label("geometry"),
            A.note,
            A.color,
            A.category,
            A.hidden,
            A.deleted,
            A.version,
            A.participant_id,
        )
        .where(A.workshop_id == workshop_id, A.id == annotation_id)
        .with_for_update()
    ).first()
    return None if row is None else dict(row._mapping)


def _locked(session: Session, actor: Actor, annotation_id: int) -> tuple[dict[str, Any], Actor]:
    """The annotation (locked) and as whom the caller may change it: 404 or 403 otherwise.

    A drawing made a pin is the facilitator's and the planners' from then on: its author
    changing it would leave the published pin saying something else (409 `promoted`).
    """
    refuse_if_ended(lock_workshop(session, actor.workshop_id, actor), actor)
    current = state_of(session, actor.workshop_id, annotation_id)
    if current is None or current["deleted"] or (current["hidden"] and not actor.facilitator):
        raise no_such_annotation()
    acting = acting_on(actor, current["participant_id"])
    if acting is None:
        raise Forbidden(
            N_("Only the person who drew this, or the facilitator, can change it."),
            field="annotation_id",
        )
    if not actor.facilitator and pin_of(session, actor.workshop_id, annotation_id) is not None:
        raise promoted_conflict()
    return current, acting


def pin_of(session: Session, workshop_id: int, annotation_id: int) -> int | None:
    """The pin the annotation was made into, or None."""
    found = session.execute(
        select(Idea.id).where(Idea.workshop_id == workshop_id, Idea.annotation_id == annotation_id)
    ).scalar_one_or_none()
    return None if found is None else int(found)


def promoted_conflict() -> Conflict:
    """The refusal to change a drawing that has been made a pin."""
    return Conflict(
        N_(
            "This drawing has been made a pin on the public map, so it can no longer be "
            "changed here. The facilitator and the municipality's planners look after it now."
        ),
        field="annotation_id",
        code="promoted",
    )


def _stale(session: Session, workshop_id: int, annotation_id: int) -> Conflict:
    """A 409 that carries the annotation as it is now."""
    return Conflict(
        N_("Someone changed this annotation first: here is how it is now."),
        field="version",
        code="stale_version",
        extra={"current": annotation_feature(session, workshop_id, annotation_id)},
    )


def parse_changes(payload: Any, area: AreaOfInterest) -> tuple[int, dict[str, Any]]:
    """`{"version", "geometry"?, "properties": {"note"?, "color"?, "category"?}}`."""
    if not isinstance(payload, dict):
        raise InvalidField(N_("The body must be a JSON object."), field="body")
    version = whole_in_range(payload.get("version"), 1, 2**31 - 1)
    if version is None:
        raise InvalidField(
            N_("version is required: the version you changed."), field="version", code="required"
        )
    changes: dict[str, Any] = {}
    if payload.get("geometry") is not None:
        shape = parse_shape(payload["geometry"], area, max_vertices=MAX_VERTICES)
        changes["geom"] = from_shape(shape, srid=WGS84)
    props = _props(payload)
    if "note" in props:
        changes["note"] = clean_text(props["note"], "note", limits.NOTE, multiline=True) or ""
    if "color" in props:
        changes["color"] = parse_color(props["color"])
    if "category" in props:
        changes["category"] = parse_category(props["category"])
    return version, changes


def write_update(
    session: Session,
    workshop_id: int,
    annotation_id: int,
    values: dict[str, Any],
) -> dict[str, Any]:
    """Apply `values`, bump the version; the Feature after."""
    session.execute(
        update(A)
        .where(A.workshop_id == workshop_id, A.id == annotation_id)
        .values(**values, version=A.version + 1, updated_at=func.now())
    )
    return annotation_feature(session, workshop_id, annotation_id)


def _changed_fields(changes: dict[str, Any]) -> list[str]:
    """The names of the fields an edit set, as the API names them.

    Never their values: a note is the participant's own words.
    """
    return sorted("geometry" if name == "geom" else name for name in changes)


def update_annotation(
    session: Session, actor: Actor, annotation_id: int, version: int, changes: dict[str, Any]
) -> dict[str, Any]:
    """Change an annotation if `version` is still current (else 409 with it); commits."""
    current, acting = _locked(session, actor, annotation_id)
    if current["version"] != version:
        raise _stale(session, actor.workshop_id, annotation_id)
    feature = write_update(session, actor.workshop_id, annotation_id, changes)
    append_event(
        session,
        actor.workshop_id,
        AnnotationUpdated(feature=feature),
        actor=acting,
        annotation_id=annotation_id,
        undo_state=current,
    )
    if acting.facilitator:
        audit.record(
            session,
            acting,
            "annotation.edit",
            annotation_id=annotation_id,
            fields=_changed_fields(changes),
        )
    session.commit()
    return feature


def delete_annotation(
    session: Session, actor: Actor, annotation_id: int, version: int | None = None
) -> None:
    """Delete (keeping the row, so an undo can bring it back); commits."""
    current, acting = _locked(session, actor, annotation_id)
    if version is not None and current["version"] != version:
        raise _stale(session, actor.workshop_id, annotation_id)
    session.execute(
        update(A)
        .where(A.workshop_id == actor.workshop_id, A.id == annotation_id)
        .values(deleted=True, version=A.version + 1, updated_at=func.now())
    )
    append_event(
        session,
        actor.workshop_id,
        AnnotationDeleted(id=annotation_id, version=current["version"] + 1),
        actor=acting,
        annotation_id=annotation_id,
        undo_state=current,
    )
    if acting.facilitator:
        audit.record(session, acting, "annotation.delete", annotation_id=annotation_id)
    session.commit()


def set_hidden(session: Session, actor: Actor, annotation_id: int, payload: Any) -> dict[str, Any]:
    """The facilitator hides an annotation from participants, or shows it again; commits."""
    hidden = true_or_false(payload.get("hidden") if isinstance(payload, dict) else None, "hidden")
    feature = write_hidden(session, actor, annotation_id, hidden)
    session.commit()
    return feature


def write_hidden(
    session: Session, actor: Actor, annotation_id: int, hidden: bool
) -> dict[str, Any]:
    """Hide or show an annotation, with its event and audit entry; no commit. The Feature."""
    _only_the_facilitator(actor)
    current, _owner = _locked(session, actor, annotation_id)
    acting = actor.as_facilitator()  # moderation: never on an undo stack
    feature = write_update(session, actor.workshop_id, annotation_id, {"hidden": hidden})
    version = int(feature["properties"]["version"])
    event = (
        AnnotationHidden(id=annotation_id, version=version)
        if hidden
        else AnnotationUpdated(feature=feature)
    )
    append_event(session, actor.workshop_id, event, actor=acting, annotation_id=annotation_id)
    audit.record(
        session,
        acting,
        "annotation.hide" if hidden else "annotation.show",
        annotation_id=annotation_id,
        before=current["hidden"],
        after=hidden,
    )
    return feature


def hide_all_drawn_by(session: Session, actor: Actor, participant_id: int) -> list[int]:
    """Hide every drawing of a participant that everyone sees now (their removal); no commit.

    The ids, oldest first. Each is hidden as `write_hidden` hides one (a new version, an
    `annotation.hidden` event, never on an undo stack), but all in one statement and their
    events in one more: one by one, 3,601 drawings held the workshop's lock for 69 s. The
    caller has locked the workshop; the removal's audit entry names them.
    """
    _only_the_facilitator(actor)
    hidden = session.execute(
        update(A)
        .where(
            A.workshop_id == actor.workshop_id,
            A.participant_id == participant_id,
            A.deleted.is_(False),
            A.hidden.is_(False),
        )
        .values(hidden=True, version=A.version + 1, updated_at=func.now())
        .returning(A.id, A.version)
    ).all()
    rows = sorted((int(row.id), int(row.version)) for row in hidden)
    append_events(
        session,
        actor.workshop_id,
        [(AnnotationHidden(id=id_, version=version), id_) for id_, version in rows],
        actor=actor.as_facilitator(),  # moderation: never on an undo stack
    )
    return [id_ for id_, _version in rows]


def _only_the_facilitator(actor: Actor) -> None:
    if not actor.facilitator:
        raise Forbidden(N_("Only the facilitator can do this."), field="X-Facilitator-Key")
