"""Health check and the reference lists clients need (categories)."""

from __future__ import annotations

from flask import Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api import bp
from app.api.openapi import openapi_document
from app.area import configured_area
from app.categories import categories_as_json
from app.db import get_session
from app.replica import public_read


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when PostGIS answers, 503 otherwise."""
    try:
        get_session().execute(text("SELECT postgis_lib_version()")).scalar_one()
    except SQLAlchemyError:
        return jsonify({"status": "unavailable", "database": "unavailable"}), 503
    return jsonify({"status": "ok", "database": "ok"}), 200


@bp.get("/api/categories")
@public_read
def categories() -> Response:
    """The categories with labels in the request's language."""
    return jsonify(categories_as_json())


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    area = configured_area()
    response = jsonify(openapi_document(area.bounds))
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response
