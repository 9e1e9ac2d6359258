"""The workshop API: setting up, joining, drawing, steering, live events and results."""

from app.api.workshops import annotations, events, participants, results, setup  # noqa: F401
