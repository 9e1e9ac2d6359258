"""The facilitator's participants: the list, and removing one (or letting them back in)."""

from __future__ import annotations

from flask import Response, jsonify

from app.api import bp
from app.api.body import json_body
from app.api.workshops import identity
from app.db import get_session
from app.workshops import participants


@bp.get("/api/workshops/<id:workshop_id>/participants")
def list_participants(workshop_id: int) -> Response:
    """Facilitator: everyone who joined, connected or not, removed or not."""
    session = get_session()
    identity.facilitator(session, workshop_id)
    return jsonify({"participants": participants.participants_of(session, workshop_id)})


@bp.post("/api/workshops/<id:workshop_id>/participants/<id:participant_id>/removed")
def set_participant_removed(workshop_id: int, participant_id: int) -> Response:
    """Facilitator: `{"removed": true, "hide_drawings"?: true}` removes, false lets back in."""
    session = get_session()
    actor = identity.facilitator(session, workshop_id)
    return jsonify(participants.set_removed(session, actor, participant_id, json_body()))
