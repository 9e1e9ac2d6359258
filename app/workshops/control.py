"""The facilitator's controls: open, pause, close; bring everyone here; follow me."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, update
from sqlalchemy.orm import Session

from app.common.booleans import true_or_false
from app.common.errors import InvalidField
from app.models import Workshop
from app.workshops import audit
from app.workshops.actors import Actor
from app.workshops.events import append_event
from app.workshops.payloads import Closed, Follow, StateChanged, View
from app.workshops.queries import lock_workshop
from geo.crs import AreaOfInterest
from geo.i18n import N_
from geo.numbers import whole_in_range
from geo.validate import parse_point

STATES = ("open", "paused", "closed")
MIN_ZOOM, MAX_ZOOM = 0, 22


def set_state(session: Session, actor: Actor, payload: Any) -> str:
    """Open, pause or close the workshop (closing is for good); commits. The new state."""
    state = payload.get("state") if isinstance(payload, dict) else None
    if state not in STATES:
        raise InvalidField(
            N_("state must be open, paused or closed."), field="state", code="invalid_choice"
        )
    workshop = lock_workshop(session, actor.workshop_id, actor)
    before = workshop.state
    values: dict[str, Any] = {"state": state}
    if state == "closed":
        values.update(closed_at=func.now(), follow=False)
    session.execute(update(Workshop).where(Workshop.id == actor.workshop_id).values(**values))
    if state != before:
        event = Closed() if state == "closed" else StateChanged(state=state)
        append_event(session, actor.workshop_id, event, actor=actor)
    audit.record(session, actor, "state", before=before, after=state)
    session.commit()
    return str(state)


def _view(payload: Any, area: AreaOfInterest) -> tuple[list[float], int]:
    """`{"center": [lon, lat], "zoom"}`: a place inside the area and a map zoom."""
    if not isinstance(payload, dict):
        raise InvalidField(N_("The body must be a JSON object."), field="body")
    center = payload.get("center")
    point = parse_point({"type": "Point", "coordinates": center}, area, field="center")
    zoom = whole_in_range(payload.get("zoom"), MIN_ZOOM, MAX_ZOOM)
    if zoom is None:
        raise InvalidField(
            N_("zoom must be a whole number from %(low)s to %(high)s."),
            field="zoom",
            low=MIN_ZOOM,
            high=MAX_ZOOM,
        )
    return [point.x, point.y], zoom


def send_view(session: Session, actor: Actor, payload: Any, area: AreaOfInterest) -> View:
    """Bring everyone here (or, in follow mode, where the facilitator looks now); commits."""
    center, zoom = _view(payload, area)
    workshop = lock_workshop(session, actor.workshop_id, actor)
    event = View(center=center, zoom=zoom, follow=workshop.follow)
    session.execute(
        update(Workshop)
        .where(Workshop.id == actor.workshop_id)
        .values(last_view={"center": center, "zoom": zoom})
    )
    append_event(session, actor.workshop_id, event, actor=actor)
    if not workshop.follow:  # follow mode moves often; its start and end are audited
        audit.record(session, actor, "view", center=center, zoom=zoom)
    session.commit()
    return event


def set_follow(session: Session, actor: Actor, payload: Any) -> bool:
    """Turn "follow me" on or off; commits. Whether it is on."""
    on = true_or_false(payload.get("on") if isinstance(payload, dict) else None, "on")
    lock_workshop(session, actor.workshop_id, actor)
    session.execute(update(Workshop).where(Workshop.id == actor.workshop_id).values(follow=on))
    append_event(session, actor.workshop_id, Follow(on=on), actor=actor)
    audit.record(session, actor, "follow", on=on)
    session.commit()
    return on
