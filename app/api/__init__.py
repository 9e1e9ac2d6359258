"""The JSON/GeoJSON API: the contract in DESIGN.md."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import (  # noqa: E402,F401  (routes register on import)
    export,
    ideas,
    layers,
    map,
    meta,
    moderation,
    places,
    planning,
    workshops,
)
