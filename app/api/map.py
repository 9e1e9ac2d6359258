"""What the citizen map draws at a view: every pin, or grid clusters when there are too many."""

from __future__ import annotations

from flask import Response, current_app, request
from sqlalchemy import false, func, literal, select

from app.api import bp
from app.api.responses import geojson_stream
from app.db import get_session
from app.ideas.filters import parse_filters, parse_int
from app.ideas.queries import map_pin_rows
from geo.cluster import grid_clusters
from geo.geojson import feature_select, stream_feature_collection

MAX_ZOOM = 22
ALWAYS_PINS_FROM_ZOOM = 17  # street level: cells would hold a few pins at most


@bp.get("/api/map/clusters")
def map_clusters() -> Response:
    """Pins within bbox at a zoom, or grid clusters when there are too many.

    Each pin has `count` 1; when more than MAP_PIN_LIMIT are in view (below street level),
    cells with several pins come as `cluster` true with `count` and `bbox`.
    """
    filters = parse_filters(request.args, require_bbox=True)
    zoom = parse_int(request.args, "zoom", None, 0, MAX_ZOOM)
    limit = int(current_app.config["MAP_PIN_LIMIT"])
    rows = map_pin_rows(filters)
    # Counting stops at limit + 1: a crowded view costs no more than a sparse one.
    capped = select(func.count()).select_from(rows.limit(limit + 1).subquery())
    clustered = get_session().execute(capped).scalar_one() > limit
    clustered = clustered and zoom < ALWAYS_PINS_FROM_ZOOM
    if clustered:
        features = feature_select(grid_clusters(rows, zoom=zoom), strip_nulls=True)
    else:
        pins = rows.add_columns(literal(1).label("count"), false().label("cluster"))
        features = feature_select(pins, order_by="id", descending=True, limit=limit + 1)
    return geojson_stream(
        lambda session: stream_feature_collection(
            session,
            features,
            page_size=None if clustered else limit,
            members={"zoom": zoom, "clustered": clustered},
            next_page_members=lambda _last: {"truncated": True},
        )
    )
