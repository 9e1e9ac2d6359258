"""A query parameter no view reads is refused on the API and the staff pages, naming it: a
misspelt filter used to be ignored, and a planner got every pin as if filtered."""

from __future__ import annotations

import pytest

from tests.conftest import pin_feature
from tests.workshops.helpers import shape, start_workshop

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/export/ideas.geojson?catgory=safety", "catgory"),
        ("/api/export/ideas.csv?kind=idea&stauts=done", "stauts"),
        ("/api/layers/districts?kinds=concern", "kinds"),
        ("/api/layers/hexgrid?size=500&szie=250", "szie"),
        ("/api/ideas?stauts=done", "stauts"),
        ("/api/map/clusters?bbox=20.2,63.8,20.3,63.85&zoom=12&catgory=safety", "catgory"),
    ],
)
def test_a_parameter_no_view_reads_is_refused_naming_it(staff, path, name):
    response = staff("planner").get(path, headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "unknown_parameter",
        "message": f"Unknown query parameter: {name}",
        "field": name,
    }


def test_a_staff_page_says_it_in_words_and_public_pages_take_what_others_append(staff, client):
    page = staff("planner").client.get("/planner/report?kinds=concern")
    assert page.status_code == 422
    assert "Okänd parameter: kinds" in page.get_data(as_text=True)
    assert client.get("/?fbclid=IwAR0abc&utm_source=facebook").status_code == 200
    assert client.get("/list?utm_campaign=x").status_code == 200


def test_the_language_and_every_parameter_a_view_reads_are_taken(staff):
    planner = staff("planner")
    assert planner.get("/api/categories?lang=en").status_code == 200
    assert planner.get("/api/export/ideas.csv?category=safety&kind=idea&lang=sv").status_code == 200
    assert planner.get("/api/layers/hexgrid?size=500&kind=idea").status_code == 200


def test_a_write_refuses_a_parameter_it_does_not_take_before_writing(app, api):
    """POST /api/ideas?evil=1 stored the pin with the parameter ignored: a write's unknown
    parameter can only be refused before it is done."""
    response = api.post("/api/ideas?evil=1", pin_feature(), headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "unknown_parameter",
        "message": "Unknown query parameter: evil",
        "field": "evil",
    }
    assert api.get("/api/ideas").get_json()["features"] == []
    assert api.post("/api/ideas?lang=en", pin_feature()).status_code == 201  # the language is taken


def test_a_conditional_delete_keeps_its_version(app):
    facilitator, workshop = start_workshop(app)
    wid = workshop["id"]
    drawn = facilitator.post(f"/api/workshops/{wid}/annotations", shape(on_behalf_of="Gunnar"))
    path = f"/api/workshops/{wid}/annotations/{drawn.get_json()['id']}"
    refused = facilitator.delete(f"{path}?versoin=1", headers=EN)
    assert (refused.status_code, refused.get_json()["error"]["field"]) == (422, "versoin")
    assert facilitator.delete(f"{path}?version=1").status_code == 204


def test_a_write_no_route_takes_keeps_its_404_and_405(client):
    assert client.post("/api/nothing-here?evil=1").status_code == 404
    assert client.post("/api/categories?evil=1").status_code == 405
