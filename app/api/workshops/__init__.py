"""The workshop API: setting up, joining, drawing, steering, live events and results."""

from app.api.workshops import (  # noqa: F401
    annotations,
    events,
    joining,
    participants,
    results,
    setup,
)
