"""The JSON/GeoJSON API: the contract in DESIGN.md."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import ideas, map, meta, places, workshops  # noqa: E402,F401  (routes register)
