"""Fixtures of the workshop tests: a served app whose event streams end when a test does."""

from __future__ import annotations

import time

import pytest

from tests.conftest import serving
from tests.workshops.helpers import join, start_workshop


@pytest.fixture
def live(make_app):
    """The app served over real HTTP in this process, with quick heartbeats; its URL."""
    app = make_app(WORKSHOP_HEARTBEAT_SECONDS=0.3, WORKSHOP_LISTENER_IDLE_SECONDS=1)
    hub = app.extensions["workshop_hub"]
    with serving(app) as url:
        yield app, url
        # Streams notice a hung-up client at their next write (a heartbeat): let them end.
        deadline = time.monotonic() + 10
        while hub.subscriber_count and time.monotonic() < deadline:
            time.sleep(0.05)
    hub.stop()


@pytest.fixture
def room(app):
    """A workshop with a group, and two who joined: (workshop, facilitator, Anna in the
    group, Bo in none)."""
    facilitator, workshop = start_workshop(app, groups=["Grupp 1"])
    anna = join(app, workshop, "Anna", group="Grupp 1")
    bo = join(app, workshop, "Bo")
    return workshop, facilitator, anna, bo
