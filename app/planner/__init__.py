"""The planners' pages: sign-in, the workspace, the queue, a pin's page, word list, templates."""

from flask import Blueprint

bp = Blueprint("planner", __name__)

from app.planner import login, views, workspace  # noqa: E402,F401  (routes register on import)
