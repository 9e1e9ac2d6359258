"""Place search and the light reference layers of the citizen map (outline, districts)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request, send_file
from sqlalchemy import select

from app.api import bp
from app.api.responses import geojson_stream
from app.area import configured_area
from app.common import limits
from app.common.text import clean_text
from app.db import get_session
from app.district_at import district_at
from app.ideas.filters import missing
from app.models import District
from app.places import load_places, search_places
from app.replica import public_read
from geo.geojson import GEOJSON_MEDIA_TYPE, feature_select, stream_feature_collection
from geo.validate import parse_position


@bp.get("/api/places")
@public_read
def places() -> Response:
    """Districts and localities whose name matches `q` (accents and case ignored)."""
    query = clean_text(request.args.get("q"), "q", limits.PLACE_QUERY) or ""
    found = search_places(load_places(str(current_app.config["PLACES_FILE"])), query)
    return jsonify([p.as_json() for p in found])


@bp.get("/api/places/at")
@public_read
def place_at() -> Response:
    """Whether a pin may be placed at `at` (lon,lat), and the district it would belong to.

    The new-pin form asks before a citizen writes anything: a place outside the municipality
    is refused here with the same 422 the pin itself would get.
    """
    if "at" not in request.args:
        raise missing("at")
    at = parse_position(request.args["at"], configured_area())
    return jsonify({"at": [at.x, at.y], "district": district_at(get_session(), at.x, at.y)})


@bp.get("/api/area")
@public_read
def area() -> Response:
    """The outline of the area where pins are accepted."""
    response = send_file(str(current_app.config["AREA_FILE"]), mimetype=GEOJSON_MEDIA_TYPE)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/api/districts")
@public_read
def districts() -> Response:
    """District polygons with name and code, for the map's reference layer."""
    rows = select(
        District.id,
        District.outline.label("geom"),
        District.name,
        District.code,
    )
    features = feature_select(rows, order_by="name")
    response = geojson_stream(lambda session: stream_feature_collection(session, features))
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
