"""Starting a workshop and joining one. Nothing is written until every field has passed."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.common import limits
from app.common.errors import Conflict, InvalidField
from app.common.text import clean_text, first_refused_character
from app.common.times import instant_text, parse_instant
from app.models import District, Workshop, WorkshopGroup, WorkshopParticipant
from app.workshops import audit
from app.workshops.actors import Actor
from app.workshops.codes import hash_key, new_facilitator_key, normalise_join_code
from app.workshops.events import append_event
from app.workshops.joining import refuse_if_joins_stopped, with_fresh_join_code
from app.workshops.palette import PALETTE, parse_color
from app.workshops.payloads import EndsAtChanged
from app.workshops.queries import lock_workshop, refuse_if_removed, removed_from_workshop
from geo.crs import WGS84, AreaOfInterest
from geo.i18n import N_
from geo.numbers import whole_in_range
from geo.validate import parse_shape

MAX_GROUPS = 12
MAX_FOCUS_VERTICES = 5000
_GROUP_COLORS = list(PALETTE.values())


@dataclass(frozen=True)
class NewGroup:
    """A group as asked for."""

    name: str
    color: str


@dataclass(frozen=True)
class NewWorkshop:
    """Validated settings of a workshop."""

    title: str
    description: str
    focus_area: Polygon | None
    district_id: int | None
    ends_at: datetime | None
    groups: tuple[NewGroup, ...]


@dataclass(frozen=True)
class CreatedWorkshop:
    """What the facilitator gets once: the id, the join code and the secret key."""

    id: int
    join_code: str
    facilitator_key: str
    facilitator_key_hash: str


def _groups(value: Any) -> tuple[NewGroup, ...]:
    """`["Grupp 1", ...]` or `[{"name", "color"?}, ...]`: distinct names, palette colours."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_GROUPS:
        raise InvalidField(
            N_("groups must be a list of at most %(n)s groups."), field="groups", n=MAX_GROUPS
        )
    groups: list[NewGroup] = []
    for index, item in enumerate(value):
        field = f"groups[{index}]"
        spec = item if isinstance(item, dict) else {"name": item}
        name = clean_text(spec.get("name"), f"{field}.name", limits.GROUP_NAME, required=True)
        assert name is not None
        default = _GROUP_COLORS[index % len(_GROUP_COLORS)]
        color = parse_color(spec.get("color"), f"{field}.color", default=default)
        if any(g.name.casefold() == name.casefold() for g in groups):
            raise InvalidField(
                N_("Two groups have the same name."), field=f"{field}.name", code="duplicate"
            )
        groups.append(NewGroup(name, color))
    return tuple(groups)


def parse_ends_at(value: Any) -> datetime | None:
    """An RFC 3339 date-time with its zone, still to come, or None."""
    if value is None:
        return None
    parsed = parse_instant(value) if isinstance(value, str) else None
    try:
        # In UTC, as every answer writes it; 9999-12-31T23:59-23:59 is past what Python holds.
        parsed = None if parsed is None else parsed.astimezone(UTC)
    except OverflowError:
        parsed = None
    if parsed is None or "T" not in value.upper():
        raise InvalidField(
            N_("ends_at must be a date-time with its zone (2026-05-01T18:00:00+02:00)."),
            field="ends_at",
        )
    if parsed <= datetime.now(UTC):
        raise InvalidField(
            N_("The end time has passed already: choose a later one, or none."),
            field="ends_at",
            code="in_the_past",
        )
    return parsed


def has_ended(workshop: Workshop) -> bool:
    """Whether the workshop's end time (if it has one) has passed."""
    return workshop.ends_at is not None and workshop.ends_at <= datetime.now(UTC)


def refuse_if_ended(workshop: Workshop, actor: Actor | None) -> None:
    """After its end time a workshop takes no joins and no participant's changes.

    Like a closed one, but the facilitator still steers it: they may draw, hide, promote,
    close it, or give it a later end time (`set_ends_at`).
    """
    if has_ended(workshop) and (actor is None or not actor.facilitator):
        raise Conflict(
            N_(
                "This workshop has ended: it can be read, not changed. "
                "The facilitator can give it a later end time."
            ),
            code="workshop_ended",
        )


def set_ends_at(session: Session, actor: Actor, payload: Any) -> datetime | None:
    """The facilitator moves the end time (later, or none); commits. The new end time."""
    if not isinstance(payload, dict) or "ends_at" not in payload:
        raise InvalidField(
            N_("%(name)s is required."), field="ends_at", code="required", name="ends_at"
        )
    ends_at = parse_ends_at(payload["ends_at"])
    workshop = lock_workshop(session, actor.workshop_id, actor)
    before = instant_text(workshop.ends_at)
    workshop.ends_at = ends_at
    after = instant_text(ends_at)
    if after != before:  # pages open at it learn it now, not at their next reload
        append_event(session, actor.workshop_id, EndsAtChanged(ends_at=after), actor=actor)
    audit.record(session, actor, "ends_at", before=before, after=after)
    session.commit()
    return ends_at


def validate_new_workshop(payload: Any, area: AreaOfInterest) -> NewWorkshop:
    """Check a workshop's settings from a client; unknown members are ignored."""
    if not isinstance(payload, dict):
        raise InvalidField(N_("The body must be a JSON object."), field="body")
    title = clean_text(payload.get("title"), "title", limits.TITLE, required=True)
    description = clean_text(
        payload.get("description"), "description", limits.WORKSHOP_DESCRIPTION, multiline=True
    )
    focus = payload.get("focus_area")
    district = payload.get("district_id")
    if focus is not None and district is not None:
        raise InvalidField(
            N_("Give a focus area or a district, not both."), field="district_id", code="conflict"
        )
    focus_area = None
    if focus is not None:
        if not isinstance(focus, dict) or focus.get("type") != "Polygon":
            raise InvalidField(
                N_("The focus area must be a GeoJSON Polygon."), field="focus_area.type"
            )
        shape = parse_shape(focus, area, max_vertices=MAX_FOCUS_VERTICES, field="focus_area")
        assert isinstance(shape, Polygon)
        focus_area = shape
    district_id = None
    if district is not None:
        district_id = whole_in_range(district, 1, 2**31 - 1)
        if district_id is None:
            raise InvalidField(N_("Choose a district from the list."), field="district_id")
    assert title is not None
    return NewWorkshop(
        title=title,
        description=description or "",
        focus_area=focus_area,
        district_id=district_id,
        ends_at=parse_ends_at(payload.get("ends_at")),
        groups=_groups(payload.get("groups")),
    )


def _focus_geometry(session: Session, new: NewWorkshop) -> Any:
    """The focus area to store: the drawn polygon, or the chosen district's outline."""
    if new.focus_area is not None:
        return from_shape(MultiPolygon([new.focus_area]), srid=WGS84)
    if new.district_id is None:
        return None
    geom = session.execute(
        select(District.geom).where(District.id == new.district_id)
    ).scalar_one_or_none()
    if geom is None:
        raise InvalidField(N_("Choose a district from the list."), field="district_id")
    return geom


def create_workshop(
    session: Session, new: NewWorkshop, *, created_by: int | None = None
) -> CreatedWorkshop:
    """Store the workshop and its groups with a fresh join code; commits."""
    key = new_facilitator_key()
    focus = _focus_geometry(session, new)

    def store(code: str) -> int:
        return int(
            session.execute(
                insert(Workshop)
                .values(
                    title=new.title,
                    description=new.description,
                    district_id=new.district_id,
                    focus_area=focus,
                    ends_at=new.ends_at,
                    state="open",
                    join_code=code,
                    facilitator_key_hash=hash_key(key),
                    created_by=created_by,
                    follow=False,
                    last_event_id=0,
                )
                .returning(Workshop.id)
            ).scalar_one()
        )

    workshop_id, code = with_fresh_join_code(session, store)
    for position, group in enumerate(new.groups):
        session.execute(
            insert(WorkshopGroup).values(
                workshop_id=workshop_id, name=group.name, color=group.color, position=position
            )
        )
    session.commit()
    return CreatedWorkshop(int(workshop_id), code, key, hash_key(key))


def find_by_code(session: Session, raw: Any) -> Workshop | None:
    """The workshop with this join code (spaces, dashes and case ignored), or None."""
    code = normalise_join_code(raw) if isinstance(raw, str) else None
    if code is None:
        return None
    return session.execute(select(Workshop).where(Workshop.join_code == code)).scalar_one_or_none()


def choose_group(session: Session, workshop_id: int, value: Any) -> int | None:
    """A group of this workshop by id or by name (case ignored), or None when not given."""
    if value is None:
        return None
    stmt = select(WorkshopGroup.id).where(WorkshopGroup.workshop_id == workshop_id)
    if isinstance(value, str):
        if first_refused_character(value, multiline=False) is not None:
            raise _no_such_group()  # no group's name holds one (and PostgreSQL refuses NUL)
        stmt = stmt.where(func.lower(WorkshopGroup.name) == value.strip().lower()[:80])
    else:
        group_id = whole_in_range(value, 1, 2**63 - 1)
        if group_id is None:
            raise _no_such_group()
        stmt = stmt.where(WorkshopGroup.id == group_id)
    found = session.execute(stmt).scalar_one_or_none()
    if found is None:
        raise _no_such_group()
    return int(found)


def _no_such_group() -> InvalidField:
    return InvalidField(
        N_("Choose one of the workshop's groups."), field="group", code="invalid_choice"
    )


@dataclass(frozen=True)
class Joined:
    """A new participant."""

    workshop_id: int
    participant_id: int
    name: str
    group_id: int | None


def join_workshop(
    session: Session, workshop_id: int, payload: Any, caller: Actor | None = None
) -> Joined:
    """Add a participant when the code is right and the workshop open to joins; commits.

    `caller`: who the browser is already. One whose token the facilitator removed does not
    come back as someone new by typing the code again.
    """
    if not isinstance(payload, dict):
        raise InvalidField(N_("The body must be a JSON object."), field="body")
    workshop = lock_workshop(session, workshop_id)
    if caller is not None and not caller.facilitator:
        if caller.removed_id is not None:
            raise removed_from_workshop()
        if caller.participant_id is not None:  # removed while this join waited for the lock
            refuse_if_removed(session, workshop_id, caller.participant_id)
    refuse_if_ended(workshop, None)
    code = payload.get("code")
    normalised = normalise_join_code(code) if isinstance(code, str) else None
    if normalised is None or not hmac.compare_digest(normalised, workshop.join_code):
        raise InvalidField(N_("The join code is not right."), field="code", code="wrong_code")
    # After the code: only someone who has it learns that the door is stopped.
    refuse_if_joins_stopped(workshop)
    name = clean_text(payload.get("name"), "name", limits.DISPLAY_NAME, required=True)
    assert name is not None
    group_id = choose_group(session, workshop_id, payload.get("group"))
    participant_id = session.execute(
        insert(WorkshopParticipant)
        .values(workshop_id=workshop_id, name=name, group_id=group_id, on_behalf=False)
        .returning(WorkshopParticipant.id)
    ).scalar_one()
    session.commit()
    return Joined(workshop_id, int(participant_id), name, group_id)


def on_behalf_participant(
    session: Session, workshop_id: int, name: str, group_id: int | None
) -> int:
    """The participant that stands for `name` (and group) on a paper map; made once."""
    found = session.execute(
        select(WorkshopParticipant.id).where(
            WorkshopParticipant.workshop_id == workshop_id,
            WorkshopParticipant.on_behalf.is_(True),
            WorkshopParticipant.name == name,
            WorkshopParticipant.group_id.is_(None)
            if group_id is None
            else WorkshopParticipant.group_id == group_id,
        )
    ).first()
    if found is not None:
        return int(found.id)
    return int(
        session.execute(
            insert(WorkshopParticipant)
            .values(workshop_id=workshop_id, name=name, group_id=group_id, on_behalf=True)
            .returning(WorkshopParticipant.id)
        ).scalar_one()
    )
