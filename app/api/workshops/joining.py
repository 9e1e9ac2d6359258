"""The facilitator's door: stop new joins or let new people in, and change the join code."""

from __future__ import annotations

from flask import Response, jsonify

from app.api import bp
from app.api.body import json_body
from app.api.workshops import identity
from app.api.workshops.links import join_block
from app.db import get_session
from app.workshops import joining
from app.workshops.queries import get_workshop


@bp.post("/api/workshops/<id:workshop_id>/joins")
def set_joins_open(workshop_id: int) -> Response:
    """Facilitator: `{"open": false}` lets nobody new join (everyone in stays), true again."""
    session = get_session()
    actor = identity.facilitator(session, workshop_id)
    joins_open = joining.set_joins_open(session, actor, json_body())
    return jsonify(join_block(get_workshop(session, workshop_id).join_code, joins_open))


@bp.post("/api/workshops/<id:workshop_id>/join_code")
def change_join_code(workshop_id: int) -> Response:
    """Facilitator: a new join code; the old code, link and QR code open nothing any more."""
    session = get_session()
    actor = identity.facilitator(session, workshop_id)
    code = joining.change_join_code(session, actor)
    return jsonify(join_block(code, get_workshop(session, workshop_id).joins_open))
