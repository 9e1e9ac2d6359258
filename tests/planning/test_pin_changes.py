"""The planners' pin changes as a service, without HTTP: the visibility is a moderator's right
whoever calls `apply_changes` (the PATCH view is one caller; the role check is the service's)."""

from __future__ import annotations

import pytest

from app.common.errors import Forbidden
from app.db import get_session
from app.models import Idea
from app.planning.pins import PinChanges, apply_changes, parse_changes
from tests.conftest import create_user
from tests.pins import add_pins

UMEA_CENTRE = {"lon": 20.2630, "lat": 63.8258}


def test_a_planners_visibility_change_is_refused_by_the_service(app):
    [pin] = add_pins(app, [UMEA_CENTRE])
    planner = create_user(app, "per@umea.se", "planner")
    changes = PinChanges(given=frozenset({"visibility"}), visibility="hidden", reason="Spam")
    with app.app_context():
        session = get_session()
        with pytest.raises(Forbidden) as refused:
            apply_changes(session, pin, changes, planner, "planner")
        assert refused.value.code == "forbidden"
        assert refused.value.params == {"role": "moderator"}  # the default language's word
        session.rollback()
        assert session.get(Idea, pin).visibility == "published"
        assert apply_changes(session, pin, changes, planner, "moderator") == ["hide"]


@pytest.mark.parametrize("value", ["hidden", "no such visibility", None])
def test_a_planner_is_refused_a_visibility_before_its_value_is_checked(app, value):
    with app.app_context(), pytest.raises(Forbidden):
        parse_changes({"visibility": value}, "planner")
