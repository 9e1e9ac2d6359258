"""Starting, finding, joining and steering a workshop."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify, request, url_for
from sqlalchemy import func, select

from app.api import bp
from app.api.body import json_body
from app.api.workshops import identity
from app.api.workshops.links import facilitator_url, join_block, join_url, qr_svg
from app.area import configured_area
from app.auth import signed_in_user
from app.common.errors import Forbidden, InvalidField, NotFound
from app.common.times import instant_text
from app.db import get_session
from app.models import Workshop
from app.ratelimit import workshop_create_limits, workshop_join_limits
from app.request import body_limit
from app.workshops import audit, control, presence
from app.workshops.codes import key_matches
from app.workshops.queries import get_workshop, groups_of
from app.workshops.setup import (
    create_workshop,
    find_by_code,
    has_ended,
    join_workshop,
    set_ends_at,
    validate_new_workshop,
)
from geo.i18n import N_


def workshop_state(workshop_id: int) -> dict[str, Any]:
    """The workshop as anyone sees it, plus the join block and `me` for members."""
    session = get_session()
    workshop = get_workshop(session, workshop_id)
    actor = identity.current_actor(session, workshop_id)
    focus = None
    if workshop.focus_area is not None:
        focus = session.execute(
            select(func.ST_AsGeoJSON(Workshop.focus_area, 6)).where(Workshop.id == workshop_id)
        ).scalar_one()
    state: dict[str, Any] = {
        "id": workshop.id,
        "title": workshop.title,
        "description": workshop.description,
        "state": workshop.state,
        "ends_at": instant_text(workshop.ends_at),
        "ended": has_ended(workshop),
        "district_id": workshop.district_id,
        "focus_area": None if focus is None else json.loads(focus),
        "groups": groups_of(session, workshop_id),
        "follow": workshop.follow,
        "view": workshop.last_view if workshop.follow else None,
        "presence": presence.counts(session, workshop_id),
        "last_event_id": workshop.last_event_id,
        "me": None,
        "join": None,
    }
    if actor.member:
        state["me"] = {"participant_id": actor.participant_id, "facilitator": actor.facilitator}
        state["join"] = join_block(workshop.join_code, workshop.joins_open)
    elif actor.removed_id is not None:  # their page says so, instead of a join form
        state["me"] = {"participant_id": None, "facilitator": False, "removed": True}
    return state


@bp.post("/api/workshops")
@body_limit("MAX_SHAPE_BODY_BYTES")
@workshop_create_limits
def create_workshop_view() -> tuple[Response, int]:
    """Start a workshop (no account): 201 with its links, its code and the facilitator key."""
    new = validate_new_workshop(json_body(), configured_area())
    session = get_session()
    planner = signed_in_user()
    # A signed-in planner's workshops are listed on their pages, and theirs to steer.
    created_by = planner.id if planner is not None and planner.can("planner") else None
    created = create_workshop(session, new, created_by=created_by)
    body = workshop_state(created.id)
    body.update(
        join=join_block(created.join_code, True),
        join_code=created.join_code,
        join_url=join_url(created.join_code),
        qr_svg=qr_svg(join_url(created.join_code)),
        facilitator_key=created.facilitator_key,
        facilitator_url=facilitator_url(created.id, created.facilitator_key),
        me={"participant_id": None, "facilitator": True},
    )
    response = jsonify(body)
    response.headers["Location"] = url_for("api.get_workshop_view", workshop_id=created.id)
    # This browser started it: it is the facilitator from now on.
    identity.set_facilitator_cookie(response, created.id, created.facilitator_key_hash)
    return response, 201


@bp.get("/api/workshops/by-code")
@workshop_join_limits
def find_workshop_by_code() -> Response:
    """`?code=ABC234`: which workshop a join code opens (so a phone can join with the code)."""
    code = request.args.get("code")
    if code is None:
        raise InvalidField(N_("%(name)s is required."), field="code", code="required", name="code")
    workshop = find_by_code(get_session(), code)
    if workshop is None:
        raise NotFound(N_("No workshop has this code."), field="code")
    return jsonify(
        {
            "id": workshop.id,
            "title": workshop.title,
            "state": workshop.state,
            # Past its end time nobody joins: the join page says so instead of a form.
            "ended": has_ended(workshop),
            # Nor while the facilitator lets nobody new in (app/workshops/joining.py).
            "joins_open": workshop.joins_open,
            "groups": groups_of(get_session(), workshop.id),
        }
    )


@bp.get("/api/workshops/<id:workshop_id>")
def get_workshop_view(workshop_id: int) -> Response:
    """The workshop's public state: title, state, groups, focus area, presence counts."""
    return jsonify(workshop_state(workshop_id))


@bp.post("/api/workshops/<id:workshop_id>/join")
@workshop_join_limits
def join_workshop_view(workshop_id: int) -> tuple[Response, int]:
    """Join with the code and a display name: 201 with the token, also set as a cookie."""
    session = get_session()
    caller = identity.current_actor(session, workshop_id)
    joined = join_workshop(session, workshop_id, json_body(), caller)
    token = identity.participant_token(workshop_id, joined.participant_id)
    response = jsonify(
        {
            "workshop_id": workshop_id,
            "participant_id": joined.participant_id,
            "name": joined.name,
            "group_id": joined.group_id,
            "token": token,
        }
    )
    identity.set_participant_cookie(response, workshop_id, token)
    return response, 201


@bp.post("/api/workshops/<id:workshop_id>/facilitator")
@workshop_join_limits
def facilitator_session(workshop_id: int) -> tuple[str, int] | Response:
    """Exchange the key from the secret link for a signed facilitator cookie: 204."""
    workshop = get_workshop(get_session(), workshop_id)
    body = json_body()
    key = body.get("key") if isinstance(body, dict) else None
    if not isinstance(key, str):
        raise InvalidField(N_("%(name)s is required."), field="key", code="required", name="key")
    if len(key) > identity.MAX_KEY_LENGTH or not key_matches(key, workshop.facilitator_key_hash):
        raise Forbidden(N_("The facilitator key is not right."), field="key")
    response = Response(status=204)
    identity.set_facilitator_cookie(response, workshop_id, workshop.facilitator_key_hash)
    return response


@bp.post("/api/workshops/<id:workshop_id>/state")
def set_workshop_state(workshop_id: int) -> Response:
    """Facilitator: open, pause drawing, or close for good."""
    session = get_session()
    actor = identity.facilitator(session, workshop_id)
    state = control.set_state(session, actor, json_body())
    return jsonify({"id": workshop_id, "state": state})


@bp.post("/api/workshops/<id:workshop_id>/view")
def send_view(workshop_id: int) -> Response:
    """Facilitator: bring everyone here (or, in follow mode, where the facilitator looks)."""
    session = get_session()
    actor = identity.facilitator(session, workshop_id)
    view = control.send_view(session, actor, json_body(), configured_area())
    return jsonify({"center": view.center, "zoom": view.zoom, "follow": view.follow})


@bp.post("/api/workshops/<id:workshop_id>/follow")
def set_follow(workshop_id: int) -> Response:
    """Facilitator: "follow me" on or off."""
    session = get_session()
    actor = identity.facilitator(session, workshop_id)
    return jsonify({"on": control.set_follow(session, actor, json_body())})


@bp.post("/api/workshops/<id:workshop_id>/ends_at")
def set_workshop_end(workshop_id: int) -> Response:
    """Facilitator: `{"ends_at"}` a later end time (or null: none), e.g. to go on after it."""
    session = get_session()
    actor = identity.facilitator(session, workshop_id)
    ends_at = set_ends_at(session, actor, json_body())
    return jsonify({"id": workshop_id, "ends_at": instant_text(ends_at)})


@bp.get("/api/workshops/<id:workshop_id>/audit")
def workshop_audit(workshop_id: int) -> Response:
    """Facilitator: every facilitator action, oldest first."""
    session = get_session()
    identity.facilitator(session, workshop_id)
    return jsonify({"entries": audit.audit_entries(session, workshop_id)})
