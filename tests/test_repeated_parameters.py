"""A query parameter given twice with two values is refused, naming it; never guessed."""

from __future__ import annotations

import pytest

EN = {"Accept-Language": "en"}


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/ideas?kind=idea&kind=concern", "kind"),
        ("/api/ideas?since=2026-01-01&since=garbage", "since"),
        ("/api/ideas?bbox=20,63,21,64&bbox=0,0,1,1", "bbox"),
        ("/api/map/clusters?bbox=20,63,21,64&zoom=10&zoom=12", "zoom"),
        ("/api/layers/clusters?eps=100&eps=200", "eps"),
        ("/api/export/ideas.csv?kind=idea&kind=concern", "kind"),
        ("/api/places/at?at=20.26,63.82&at=1,1", "at"),
    ],
)
def test_two_values_are_refused_naming_the_parameter(staff, path, name):
    response = staff("planner").get(path, headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "repeated_parameter",
        "message": f"The query parameter {name} is given more than once, with different values.",
        "field": name,
    }


def test_the_same_value_twice_is_taken_and_a_page_says_it_in_words(client):
    assert client.get("/api/ideas?kind=idea&kind=idea").status_code == 200
    page = client.get("/ideas?kind=idea&kind=concern")
    assert page.status_code == 422
    assert "Parametern kind anges flera gånger med olika värden." in page.get_data(as_text=True)
