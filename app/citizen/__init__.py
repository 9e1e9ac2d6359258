"""The public pages: the map, the list, one pin, the language switch."""

from flask import Blueprint

bp = Blueprint("citizen", __name__)

from app.citizen import views  # noqa: E402,F401  (routes register on import)
