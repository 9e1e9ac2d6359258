"""Place search and the light reference layers of the citizen map (outline, districts)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request, send_file
from flask_babel import gettext
from sqlalchemy import select

from app.api import bp
from app.api.responses import geojson_stream
from app.errors import ApiError
from app.models import District
from app.places import load_places, search_places
from geo.geojson import (
    GEOJSON_MEDIA_TYPE,
    feature_select,
    simplified_for_display,
    stream_feature_collection,
)

MAX_QUERY = 100


@bp.get("/api/places")
def places() -> Response:
    """Districts and localities whose name matches `q` (accents and case ignored)."""
    query = request.args.get("q", "")
    if len(query) > MAX_QUERY:
        raise ApiError(400, "invalid_parameter", gettext("The search text is too long."), "q")
    found = search_places(load_places(str(current_app.config["PLACES_FILE"])), query)
    return jsonify([p.as_json() for p in found])


@bp.get("/api/area")
def area() -> Response:
    """The outline of the area where pins are accepted."""
    response = send_file(str(current_app.config["AREA_FILE"]), mimetype=GEOJSON_MEDIA_TYPE)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/api/districts")
def districts() -> Response:
    """District polygons with name and code, for the map's reference layer."""
    rows = select(
        District.id,
        simplified_for_display(District.geom).label("geom"),
        District.name,
        District.code,
    )
    features = feature_select(rows, order_by="name")
    response = geojson_stream(lambda session: stream_feature_collection(session, features))
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
