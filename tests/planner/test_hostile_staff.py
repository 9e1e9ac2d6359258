"""The planners' routes, signed in as an admin, with hostile bodies: never a 5xx, nothing stored
half-way. (Anonymous, they answer 401 before reading a body: tests/test_no_5xx.py.)"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.db import get_engine
from tests.test_no_5xx import BODIES, HOSTILE_VALUES

FIELDS = [
    "ids", "status", "answer", "answer_en", "category", "duplicate_of", "visibility", "reason",
    "title", "body", "word", "role", "disabled", "type", "features", "source",
]  # fmt: skip
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=60),
    st.sampled_from(
        HOSTILE_VALUES
        + ["hidden", "published", "held", "withdrawn", "done", "FeatureCollection", "paper"]
    ),
    st.lists(st.integers(min_value=-5, max_value=2**64), max_size=6),
)
STAFF_BODIES = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=5).map(
        lambda d: ("application/json", d)
    ),
    BODIES,
)
ROUTES = [
    ("PATCH", "/api/ideas/{pin}"),
    ("POST", "/api/ideas/answer"),
    ("POST", "/api/ideas/import"),
    ("POST", "/api/ideas/{pin}/notes"),
    ("POST", "/api/ideas/{pin}/redact"),
    ("POST", "/api/ideas/{pin}/flag"),
    ("PUT", "/api/answer-templates/done"),
    ("POST", "/api/moderation/words"),
    ("DELETE", "/api/moderation/words/1"),
    ("PATCH", "/api/users/1"),
    ("PATCH", "/api/users/2"),
]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(route=st.sampled_from(ROUTES), body=STAFF_BODIES)
def test_staff_routes_never_5xx(app, staff, route, body):
    admin = staff("admin")
    with app.app_context(), get_engine().begin() as conn:  # no rate limit, no word list
        pin = conn.execute(
            text(
                "INSERT INTO ideas (kind, category, title, body, visibility, status, source, geom)"
                " VALUES ('idea', 'other', 'En nål', 'Text', 'published', 'new', 'web',"
                " ST_SetSRID(ST_MakePoint(20.26, 63.82), 4326)) RETURNING id"
            )
        ).scalar_one()
    method, path = route
    content_type, payload = body
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    response = admin.client.open(
        path.format(pin=pin),
        method=method,
        data=data,
        headers={"X-CSRFToken": admin.token, "Content-Type": content_type},
    )
    assert response.status_code < 500, (method, path, payload, response.get_data()[:300])
