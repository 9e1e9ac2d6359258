"""The workshop pages: start one, join one, the shared map, facilitator, projector, summary."""

from flask import Blueprint

bp = Blueprint("workshop", __name__)

from app.workshop import views  # noqa: E402,F401  (routes register on import)
