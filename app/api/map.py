"""What the citizen map draws at a view: every pin, or grid cells when there are too many."""

from __future__ import annotations

from flask import Response, current_app, request

from app.api import bp
from app.api.validators import data_etag, not_modified
from app.db import map_connection
from app.ideas.counts import map_version
from app.ideas.filters import parse_filters, parse_int
from app.ideas.map_view import ALWAYS_PINS_FROM_ZOOM, counted_straight, read_map_view
from app.map_gates import map_view_turn
from app.replica import public_read
from geo.geojson import GEOJSON_MEDIA_TYPE, collection_text

MAX_ZOOM = 22

__all__ = ["ALWAYS_PINS_FROM_ZOOM", "MAX_ZOOM", "map_clusters"]


@bp.get("/api/map/clusters")
@public_read
def map_clusters() -> Response:
    """Pins within bbox at a zoom, or grid cells when there are too many (see map_view).

    Each pin has `count` 1; cells of several pins come as `cluster` true with `count` and
    `bbox`. The answer carries an ETag of the map's data version: an unchanged view is a 304.
    """
    filters = parse_filters(request.args, require_bbox=True)
    zoom = parse_int(request.args, "zoom", None, 0, MAX_ZOOM)
    limit = int(current_app.config["MAP_PIN_LIMIT"])
    # In autocommit, no transaction. A browser that sends a validator gets the data's version
    # first, and a 304 when its view has not changed since, without waiting its turn;
    # otherwise the view alone, which carries the version it was counted at (one statement,
    # one snapshot), computed in its turn (app.map_gates) on a connection taken then.
    if request.if_none_match:
        with map_connection() as connection:
            etag = data_etag(map_version(connection))
        if request.if_none_match.contains_weak(etag):
            return not_modified(etag)
    with map_view_turn(straight=counted_straight(filters)), map_connection() as connection:
        found = read_map_view(connection, filters, zoom, limit)
    members: dict[str, object] = {
        "numberReturned": found.count,
        "zoom": zoom,
        "clustered": found.clustered,
    }
    if found.more:
        members["truncated"] = True
    response = Response(collection_text(found.features, members), mimetype=GEOJSON_MEDIA_TYPE)
    response.set_etag(data_etag(found.version), weak=True)
    response.cache_control.no_cache = True  # always ask: the next new pin must show at once
    return response
