"""Only answers that are the same for everyone may be kept by a shared cache in front."""

from __future__ import annotations

from tests.conftest import CENTRE
from tests.workshops.helpers import join, start_workshop

PRIVATE = "private, no-cache"


def test_answers_for_one_caller_are_private(app, staff, api):
    facilitator, workshop = start_workshop(app)
    wid = workshop["id"]
    anna = join(app, workshop, "Anna")
    for client, path in (
        (anna, f"/api/workshops/{wid}"),  # the join code and `me`
        (anna, f"/api/workshops/{wid}/annotations"),  # display names
        (facilitator, f"/api/workshops/{wid}/summary"),
        (facilitator, f"/api/workshops/{wid}/export.geojson"),
        (staff("moderator"), "/api/moderation/queue"),
        (staff("planner"), "/planner"),
        (api, "/"),  # a page with a CSRF token
        (api, "/mine"),
    ):
        response = client.get(path)
        response.get_data()  # an export streams: read it and let its request end
        response.close()
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == PRIVATE, path


def test_answers_the_same_for_everyone_keep_their_own_caching(client):
    lon, lat = CENTRE
    bbox = f"{lon - 0.01},{lat - 0.005},{lon + 0.01},{lat + 0.005}"
    assert client.get(f"/api/map/clusters?bbox={bbox}&zoom=15").headers["Cache-Control"] == (
        "no-cache"
    )
    assert client.get("/api/districts").headers["Cache-Control"] == "public, max-age=3600"
