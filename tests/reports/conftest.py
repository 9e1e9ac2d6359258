"""The report is for signed-in planners: its tests use a planner's client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.conftest import Api


@pytest.fixture
def client(staff: Callable[[str], Api]) -> FlaskClient:
    """A signed-in planner's test client."""
    return staff("planner").client
