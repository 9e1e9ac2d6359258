"""The planners' layers: DBSCAN clusters, districts and hexagons, as streamed GeoJSON."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from sqlalchemy import Select

from app.api import bp
from app.api.responses import geojson_stream
from app.api.validators import validated
from app.area import configured_area
from app.db import get_session
from app.ideas.filters import parse_filters
from app.layers.params import parse_cluster_params, parse_hex_size
from app.layers.queries import cluster_layer, district_layer, hexgrid_layer
from app.replica import public_read
from geo.geojson import feature_select, stream_feature_collection
from geo.rows import Fetch


def _stream(features: Select[Any], members: dict[str, object], *, fetch: Fetch) -> Response:
    """A FeatureCollection streamed from PostGIS, with the parameters used as members.

    Fetched "whole" for the districts, a few hundred kB at most, and "pipelined" for the
    clusters (up to MAX_CLUSTERS hulls) and the hexagons (up to MAX_HEX_CELLS): either way
    their query may run in parallel (geo.rows), and pipelined rows come without SQLAlchemy's
    processing, while PostgreSQL sends the next. 1.04M pins in process, in turn: clusters at
    eps 50 m 10.6-13.3 s through a cursor, 9.9-10.6 s pipelined (4 each); the default
    hexagons 287-671 ms whole, 251-292 ms pipelined (8 each).
    """
    return geojson_stream(
        lambda session: stream_feature_collection(session, features, members=members, fetch=fetch)
    )


@bp.get("/api/layers/clusters")
@public_read
def cluster_layer_view() -> Response:
    """DBSCAN density clusters of the filtered pins, `eps` metres and `min_points` pins.

    With a validator: a planner's workspace that shows the clusters again, or a GIS that reloads
    them, gets a 304 while no pin has changed, where finding them took 6.0 s at 1.18M pins.
    """
    filters = parse_filters(request.args)
    params = parse_cluster_params(request.args)

    def answer() -> Response:
        clusters = cluster_layer(get_session(), filters, params)
        members: dict[str, object] = {"eps": params.eps, "min_points": params.min_points}
        return _stream(feature_select(clusters, order_by="cluster_id"), members, fetch="pipelined")

    return validated(answer)


@bp.get("/api/layers/districts")
@public_read
def district_layer_view() -> Response:
    """Every district with the filtered pins' counts, share and per 1,000 residents."""
    filters = parse_filters(request.args)
    features = feature_select(district_layer(filters, for_display=True), order_by="id")
    return _stream(features, {}, fetch="whole")


@bp.get("/api/layers/hexgrid")
@public_read
def hexgrid_layer_view() -> Response:
    """The non-empty hexagons (edge `size` metres) with the filtered pins' counts.

    With a validator, as the clusters have.
    """
    filters = parse_filters(request.args)
    area = configured_area()
    size = parse_hex_size(request.args, filters, area.bounds)
    features = feature_select(hexgrid_layer(filters, size=size), order_by="id")
    return validated(lambda: _stream(features, {"size": size}, fetch="pipelined"))
