"""Pins: create, list, read one, support."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for
from flask_babel import gettext

from app.api import bp
from app.api.body import json_body
from app.api.responses import geojson_stream, geojson_text
from app.area import configured_area
from app.common import limits
from app.common.errors import NotFound
from app.common.text import clean_text
from app.db import get_session
from app.ideas.create import validate_new_idea
from app.ideas.filters import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    missing,
    next_page_args,
    parse_filters,
    parse_int,
)
from app.ideas.pin_batches import create_pin
from app.ideas.queries import is_public_pin, newest_features, public_feature_by_id, public_idea_rows
from app.ideas.similar import SIMILAR_LIMIT, SIMILAR_MAX, similar_features
from app.ideas.support import add_support, has_supported
from app.ratelimit import create_limits, support_limits
from app.replica import public_read
from app.supporters import current_supporter_id, known_supporter_id
from geo.geojson import EMPTY_FEATURE_COLLECTION, stream_feature_collection
from geo.i18n import N_
from geo.validate import parse_position


def _public_feature(idea_id: int) -> str | None:
    """One published pin as Feature text, or None."""
    found = get_session().execute(public_feature_by_id(), {"idea_id": idea_id}).first()
    return None if found is None else str(found.feature)


def _one_feature(idea_id: int) -> str:
    """One published pin as Feature text, or NotFound."""
    feature = _public_feature(idea_id)
    if feature is None:
        raise NotFound(N_("No such pin."), field="id")
    return feature


@bp.post("/api/ideas")
@create_limits
def create_idea() -> Response | tuple[Response, int]:
    """Create a pin from a GeoJSON Feature: 201 with the stored Feature, or 202 when held.

    A held pin (it matched the moderators' word list) is stored but not public yet.
    """
    new = validate_new_idea(json_body(), configured_area())
    created = create_pin(new)  # stored with other requests' new pins (app.ideas.pin_batches)
    if created.feature is None:
        message = gettext("Thank you. Your pin will be shown once a moderator has looked at it.")
        return jsonify({"id": created.id, "held": True, "message": message}), 202
    location = url_for("api.get_idea", idea_id=created.id)
    return geojson_text(created.feature, 201, {"Location": location})


@bp.get("/api/ideas")
@public_read
def list_ideas() -> Response:
    """Published pins, newest first, filtered and paged with an opaque cursor."""
    filters = parse_filters(request.args)
    limit = parse_int(request.args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    features = newest_features(public_idea_rows(filters), filters, limit=limit + 1)

    def next_page(last_id: int) -> dict[str, object]:
        args = next_page_args(request.args, last_id)
        href = url_for("api.list_ideas", **args)
        return {"next_cursor": args["cursor"], "links": [{"rel": "next", "href": href}]}

    return geojson_stream(
        lambda session: stream_feature_collection(
            session, features, page_size=limit, next_page_members=next_page
        )
    )


@bp.get("/api/ideas/similar")
@public_read
def similar_ideas() -> Response:
    """Published pins near `at` (lon,lat) that share a word of `title`, newest first.

    What the new-pin form shows under the title, so that a citizen can support a pin that is
    already there instead of pinning it again.
    """
    if "at" not in request.args:
        raise missing("at")
    at = parse_position(request.args["at"], configured_area())
    title = clean_text(request.args.get("title"), "title", limits.TITLE, required=True)
    assert title is not None
    limit = parse_int(request.args, "limit", SIMILAR_LIMIT, 1, SIMILAR_MAX)
    features = similar_features(at.x, at.y, title, limit=limit)
    if features is None:
        return geojson_text(EMPTY_FEATURE_COLLECTION)
    return geojson_stream(lambda session: stream_feature_collection(session, features))


@bp.get("/api/ideas/<id:idea_id>")
@public_read
def get_idea(idea_id: int) -> Response:
    """One published pin with its support count, status and the municipality's answer."""
    return geojson_text(_one_feature(idea_id))


@bp.post("/api/ideas/<id:idea_id>/support")
@support_limits
def support_idea(idea_id: int) -> tuple[Response, int]:
    """+1 once per person: 201 the first time, 409 after that."""
    session = get_session()
    count = add_support(session, idea_id, current_supporter_id())
    session.commit()
    return jsonify({"id": idea_id, "support_count": count, "supported": True}), 201


@bp.get("/api/ideas/<id:idea_id>/supported")
def supported_by_me(idea_id: int) -> Response:
    """Whether this browser has supported the pin (so the button can say so).

    A pin the public may not see is a 404, as its own address answers.
    """
    session = get_session()
    if not is_public_pin(session, idea_id):
        raise NotFound(N_("No such pin."), field="id")
    supporter = known_supporter_id()
    supported = supporter is not None and has_supported(session, idea_id, supporter)
    return jsonify({"id": idea_id, "supported": supported})
