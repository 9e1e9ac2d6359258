"""`GET /api/places/at`: may a pin go here, and in which district (the new-pin form asks)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, pin_feature

EN = {"Accept-Language": "en"}


def _place_at(api: Api, **args: str) -> tuple[int, Any]:
    response = api.get("/api/places/at", query_string=args, headers=EN)
    return response.status_code, response.get_json()


def test_a_place_gets_the_district_a_pin_there_is_given(api: Api) -> None:
    status, body = _place_at(api, at="20.2630,63.8258")
    assert (status, body) == (
        200,
        {"at": [20.263, 63.8258], "district": {"code": "8", "name": "Centrala stan"}},
    )
    # the same rule as a stored pin's district
    stored = api.post("/api/ideas", pin_feature((20.2630, 63.8258))).get_json()
    assert stored["properties"]["district"] == "Centrala stan"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({}, "at is required."),
        ({"at": "20.263"}, "at needs two numbers: lon,lat."),
        ({"at": "20.263,63.8,1"}, "at needs two numbers: lon,lat."),
        ({"at": "nan,63.8"}, "at values must be finite numbers."),
        ({"at": "1e999,63.8"}, "at values must be finite numbers."),
        ({"at": "<b>20</b>,63.8"}, "at values must be finite numbers."),
        ({"at": "63.8258,200"}, "Coordinates are out of range: longitude first, then latitude."),
        ({"at": "63.8258,20.2630"}, "The place is outside the area this map covers."),  # swapped
        ({"at": "19.7530,63.9095"}, "The place is outside the area this map covers."),  # Vännäs
        ({"at": "18.06,59.33"}, "The place is outside the area this map covers."),  # Stockholm
    ],
)
def test_a_place_no_pin_may_have_is_refused_as_the_pin_would_be(
    api: Api, args: dict[str, str], message: str
) -> None:
    status, body = _place_at(api, **args)
    assert (status, body["error"]["field"], body["error"]["message"]) == (422, "at", message)
    if "at" in args and args["at"] == "19.7530,63.9095":
        refused = api.post("/api/ideas", pin_feature((19.7530, 63.9095)), headers=EN)
        assert refused.status_code == 422
        assert refused.get_json()["error"]["message"] == message
