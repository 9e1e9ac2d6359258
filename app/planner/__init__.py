"""The planners' pages: sign-in, the moderation queue, a pin's staff page, word list, templates."""

from flask import Blueprint

bp = Blueprint("planner", __name__)

from app.planner import login, views  # noqa: E402,F401  (routes register on import)
