"""What the citizen map draws at a view."""

from __future__ import annotations

from flask import Response, request

from app.api import bp
from app.api.responses import geojson_stream
from app.ideas.filters import parse_filters, parse_int
from app.ideas.queries import map_pin_rows
from geo.geojson import feature_select, stream_feature_collection

MAX_MAP_PINS = 5000  # beyond this the browser is better served by server-side clusters


@bp.get("/api/map/clusters")
def map_clusters() -> Response:
    """Pins within bbox at a zoom; each Feature has `count` 1 (clustering is done by the client)."""
    filters = parse_filters(request.args, require_bbox=True)
    zoom = parse_int(request.args, "zoom", None, 0, 22)
    features = feature_select(
        map_pin_rows(filters), order_by="id", descending=True, limit=MAX_MAP_PINS + 1
    )
    return geojson_stream(
        lambda session: stream_feature_collection(
            session,
            features,
            page_size=MAX_MAP_PINS,
            members={"zoom": zoom},
            next_page_members=lambda _last: {"truncated": True},
        )
    )
