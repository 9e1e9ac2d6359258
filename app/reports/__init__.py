"""Planners' reports: a standalone HTML map of the chosen layers and filters (Folium)."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from app.reports import views  # noqa: E402,F401  (routes register on import)
