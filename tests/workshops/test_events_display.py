"""A wall or projector opens the stream with `?display=true`: it counts as nobody present."""

from __future__ import annotations

from tests.workshops.helpers import join, start_workshop

EN = {"Accept-Language": "en"}


def test_display_takes_only_true_or_false(app):
    _, workshop = start_workshop(app)
    anna = join(app, workshop, "Anna")
    refused = anna.get(f"/api/workshops/{workshop['id']}/events?display=yes", headers=EN)
    error = refused.get_json()["error"]
    assert (refused.status_code, error["field"], error["message"]) == (
        422,
        "display",
        "display must be true or false.",
    )
