"""Annotations: list, create (idempotent), edit with a version, delete, hide, undo."""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

from flask import Response, jsonify, request, url_for
from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api import bp
from app.api.body import json_body
from app.api.responses import geojson_stream, geojson_text
from app.api.workshops import identity
from app.area import configured_area
from app.common.errors import InvalidField
from app.db import get_session
from app.models import Workshop
from app.ratelimit import workshop_draw_limits
from app.request import body_limit
from app.workshops import annotations as service
from app.workshops import undo
from app.workshops.queries import annotation_rows
from geo.geojson import feature_select, stream_feature_collection
from geo.i18n import N_
from geo.numbers import parse_whole


def _feature(
    feature: dict[str, Any], status: int, headers: dict[str, str] | None = None
) -> Response:
    """One Feature as the answer."""
    return geojson_text(json.dumps(feature, separators=(",", ":")), status, headers)


class AnnotationsView(MethodView):
    """`/api/workshops/<id>/annotations`: list and draw.

    One rule for both methods: with a rule per method, an id the converter refuses (0) would
    answer 405 for the other method instead of 404.
    """

    def get(self, workshop_id: int) -> Response:
        """Members: the annotations (hidden ones for the facilitator only).

        `last_event_id`, read in the same snapshot, is where to open the event stream from.
        """
        actor = identity.member(get_session(), workshop_id)
        features = feature_select(
            annotation_rows(workshop_id, include_hidden=actor.facilitator), order_by="id"
        )

        def chunks(session: Session) -> Generator[str, None, None]:
            # One snapshot for the features and the event id: resuming from it misses nothing.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            last_event_id = session.execute(
                select(Workshop.last_event_id).where(Workshop.id == workshop_id)
            ).scalar_one()
            return stream_feature_collection(
                session, features, members={"last_event_id": int(last_event_id)}
            )

        return geojson_stream(chunks)

    @body_limit("MAX_SHAPE_BODY_BYTES")
    def post(self, workshop_id: int) -> Response:
        """Draw: 201 with the Feature; a retry with the same client id gets it again, 200."""
        session = get_session()
        actor = identity.member(session, workshop_id)
        new = service.validate_new_annotation(
            json_body(), configured_area(), request.headers.get("Idempotency-Key")
        )
        feature, created = service.create_annotation(session, actor, new)
        location = url_for(
            "api.annotation", workshop_id=workshop_id, annotation_id=int(str(feature["id"]))
        )
        return _feature(feature, 201 if created else 200, {"Location": location})


class AnnotationView(MethodView):
    """`/api/workshops/<id>/annotations/<annotation_id>`: edit and delete."""

    @body_limit("MAX_SHAPE_BODY_BYTES")
    def patch(self, workshop_id: int, annotation_id: int) -> Response:
        """Edit with the version you saw: 200 with the Feature, 409 with the current one."""
        session = get_session()
        actor = identity.member(session, workshop_id)
        version, changes = service.parse_changes(json_body(), configured_area())
        feature = service.update_annotation(session, actor, annotation_id, version, changes)
        return _feature(feature, 200)

    def delete(self, workshop_id: int, annotation_id: int) -> Response:
        """Delete (its author or the facilitator): 204. `?version=` makes it conditional."""
        session = get_session()
        actor = identity.member(session, workshop_id)
        version = None
        if "version" in request.args:
            version = parse_whole(request.args["version"], 1, 2**31 - 1)
            if version is None:
                raise InvalidField(N_("version must be a whole number."), field="version")
        service.delete_annotation(session, actor, annotation_id, version)
        return Response(status=204)


bp.add_url_rule(
    "/api/workshops/<id:workshop_id>/annotations",
    view_func=workshop_draw_limits(AnnotationsView.as_view("annotations")),
)
bp.add_url_rule(
    "/api/workshops/<id:workshop_id>/annotations/<id:annotation_id>",
    view_func=workshop_draw_limits(AnnotationView.as_view("annotation")),
)


@bp.post("/api/workshops/<id:workshop_id>/annotations/<id:annotation_id>/hidden")
def hide_annotation(workshop_id: int, annotation_id: int) -> Response:
    """Facilitator: `{"hidden": true}` hides it from participants, false shows it again."""
    session = get_session()
    actor = identity.facilitator(session, workshop_id)
    return _feature(service.set_hidden(session, actor, annotation_id, json_body()), 200)


@bp.post("/api/workshops/<id:workshop_id>/undo")
@workshop_draw_limits
def undo_last(workshop_id: int) -> Response:
    """Undo the caller's own last change (a participant's, or the facilitator's own)."""
    session = get_session()
    actor = identity.member(session, workshop_id)
    return jsonify(undo.undo_last(session, actor))
