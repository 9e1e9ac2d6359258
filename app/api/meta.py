"""Health check and the reference lists clients need (categories)."""

from __future__ import annotations

from pathlib import Path

from flask import Response, jsonify, send_file
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api import bp
from app.categories import categories_as_json
from app.db import get_session

OPENAPI_FILE = Path(__file__).with_name("openapi.json")


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when PostGIS answers, 503 otherwise."""
    try:
        get_session().execute(text("SELECT postgis_lib_version()")).scalar_one()
    except SQLAlchemyError:
        return jsonify({"status": "unavailable", "database": "unavailable"}), 503
    return jsonify({"status": "ok", "database": "ok"}), 200


@bp.get("/api/categories")
def categories() -> Response:
    """The categories with labels in the request's language."""
    return jsonify(categories_as_json())


@bp.get("/api/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return send_file(OPENAPI_FILE, mimetype="application/json", max_age=300)
