"""A workshop's results: promotion to pins, the GeoJSON file, the summary."""

from __future__ import annotations

from flask import Response, jsonify

from app.api import bp
from app.api.body import json_body
from app.api.responses import geojson_stream
from app.api.workshops import identity
from app.auth import signed_in_user
from app.db import get_session
from app.ideas.filters import IdeaFilters
from app.ideas.queries import public_idea_rows
from app.models import Idea
from app.ratelimit import spend_new_pins, spend_nothing
from app.workshops import promote, results
from app.workshops.queries import export_rows
from geo.geojson import feature_select, stream_feature_collection


@bp.post("/api/workshops/<id:workshop_id>/promote")
def promote_annotations(workshop_id: int) -> Response:
    """Facilitator: make pins of annotations (all or nothing): 201 with the pins."""
    session = get_session()
    actor = identity.facilitator(session, workshop_id)
    # Anyone may start a workshop or be given its key: only staff signed in make pins past
    # the new-pin limits of their network (a planner's workshop's key shared is no pass).
    spend = spend_nothing if signed_in_user() is not None else spend_new_pins
    idea_ids = promote.promote(session, actor, json_body(), spend=spend)
    pins = feature_select(
        public_idea_rows(IdeaFilters()).where(Idea.id.in_(idea_ids)), order_by="id"
    )
    return geojson_stream(lambda s: stream_feature_collection(s, pins), status=201)


@bp.get("/api/workshops/<id:workshop_id>/export.geojson")
def export_workshop(workshop_id: int) -> Response:
    """Facilitator: every annotation as a GeoJSON file (no display names)."""
    identity.facilitator(get_session(), workshop_id)
    features = feature_select(export_rows(workshop_id), order_by="id")
    response = geojson_stream(lambda s: stream_feature_collection(s, features))
    response.headers["Content-Disposition"] = (
        f'attachment; filename="workshop-{workshop_id}.geojson"'
    )
    return response


@bp.get("/api/workshops/<id:workshop_id>/summary")
def workshop_summary(workshop_id: int) -> Response:
    """Members: counts by type, group and category, for the summary page."""
    session = get_session()
    identity.member(session, workshop_id)
    return jsonify(results.summary(session, workshop_id))
