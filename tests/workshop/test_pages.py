"""The workshop pages: settings handed to the scripts, joining by code without scripts, the
summary for members only, the planner's list, and that scripts and server agree on names."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from app.config import PROJECT_DIR
from app.workshop.js_strings import STRINGS
from app.workshop.palette import COLOR_LABELS
from app.workshop.views import WORKSHOP_URLS
from app.workshops.palette import PALETTE
from tests.conftest import create_user, sign_in
from tests.workshops.helpers import draw, join, new_client, shape, start_workshop

WORKSHOP_JS = PROJECT_DIR / "static" / "js" / "workshop"


def _settings(html: str) -> dict:
    match = re.search(r'data-settings="([^"]*)"', html)
    assert match, "the page hands its settings over in data-settings"
    return json.loads(unescape(match.group(1)))


def test_the_map_page_gets_its_settings(app):
    _facilitator, body = start_workshop(app)
    response = app.test_client().get(f"/workshops/{body['id']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    settings = _settings(html)
    assert settings["page"] == "participant"
    assert settings["workshopId"] == body["id"]
    annotation = "/api/workshops/{workshop_id}/annotations/{annotation_id}"
    assert settings["urls"]["annotation"] == annotation
    assert settings["urls"]["events"] == "/api/workshops/{workshop_id}/events"
    assert settings["strings"]["shapePolygon"] == "Område"
    assert settings["palette"][0] == {"name": "red", "color": "#c62828", "label": "Röd"}
    assert settings["limits"]["note"] == {"min": 0, "max": 1000}
    assert "<title>Vision för Haga · Verkstad</title>" in html
    assert "vendor/geoman/leaflet-geoman.min.js" in html
    assert "umecom_supporter=" in response.headers.get("Set-Cookie", "")  # a person from the start


@pytest.mark.parametrize("page", ["", "/facilitate", "/projector", "/summary"])
def test_pages_of_a_workshop_that_does_not_exist_are_404(client, page):
    response = client.get(f"/workshops/999{page}")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)


def test_the_join_form_goes_on_to_the_join_link_without_scripts(client):
    assert client.get("/join").status_code == 200
    response = client.get("/join?code=abc-234")
    assert response.status_code == 303
    assert response.headers["Location"] == "/w/ABC234"
    refused = client.get("/join?code=ABC1O4")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Det här är ingen kod till en verkstad." in html
    assert 'value="ABC1O4" aria-invalid="true"' in html


def test_the_join_link_checks_its_code_and_hands_it_to_the_script(client):
    response = client.get("/w/abc234")
    assert response.status_code == 200
    assert _settings(response.get_data(as_text=True))["code"] == "ABC234"
    assert client.get("/w/ABC1O4").status_code == 404
    assert client.get("/w/" + "A" * 300).status_code == 404


def test_the_summary_is_for_members(app):
    facilitator, body = start_workshop(app, groups=["Bord 1"])
    bo = join(app, body, "Bo", group="Bord 1")
    drawn = draw(bo, body["id"], shape("Point", category="traffic")).get_json()
    draw(bo, body["id"], shape("Polygon"))
    hide = f"/api/workshops/{body['id']}/annotations/{drawn['id']}/hidden"
    assert facilitator.post(hide, {"hidden": True}).status_code == 200
    path = f"/workshops/{body['id']}/summary"

    stranger = new_client(app).get(path).get_data(as_text=True)
    assert "Resultatet är till för verkstadens deltagare och samtalsledare." in stranger
    assert "<table" not in stranger
    member = bo.get(path).get_data(as_text=True)
    assert '<th scope="row">Områden</th><td>1</td>' in member
    assert '<th scope="row">Bord 1</th><td>1</td>' in member
    assert "</strong> dold" not in member  # hidden counts are the facilitator's
    # a count and its word agree (deltagare is both one and many)
    assert "<strong>1</strong> deltagare" in member
    assert "<strong>1</strong> ritning<" in member  # the hidden one is not counted
    assert "<strong>0</strong> gjorda till nålar" in member
    lead = facilitator.get(path).get_data(as_text=True)
    assert "<strong>1</strong> dold<" in lead
    english = bo.get(path + "?lang=en").get_data(as_text=True)
    assert "<strong>1</strong> participant<" in english
    assert "<strong>1</strong> drawing<" in english
    assert "<strong>0</strong> made into pins<" in english
    assert f"/api/workshops/{body['id']}/export.geojson" in lead


def test_a_planner_lists_only_the_workshops_they_started(app):
    create_user(app, "eva@umea.se", "planner")
    create_user(app, "per@umea.se", "planner")
    eva = sign_in(app.test_client(), "eva@umea.se")
    per = sign_in(app.test_client(), "per@umea.se")
    assert eva.post("/api/workshops", {"title": "Evas verkstad"}).status_code == 201
    assert per.post("/api/workshops", {"title": "Pers verkstad"}).status_code == 201
    start_workshop(app, title="Någon annans")
    html = eva.get("/planner/workshops").get_data(as_text=True)
    assert "Evas verkstad" in html
    assert "Pers verkstad" not in html and "Någon annans" not in html
    assert 'href="/planner/workshops" aria-current="page"' in html  # in the planners' nav


def test_the_palette_has_a_name_for_every_colour():
    assert list(COLOR_LABELS) == list(PALETTE)


def _literals(pattern: str) -> set[str]:
    found: set[str] = set()
    for path in Path(WORKSHOP_JS).glob("*.js"):
        found |= set(re.findall(pattern, path.read_text(encoding="utf-8")))
    return found


def test_every_string_the_scripts_use_is_handed_over():
    plain = _literals(r'\bt\(\s*"(\w+)"')
    # t(cond ? "one" : "other"), the condition possibly comparing with a quoted word
    chosen = _literals(r'\bt\((?:[\w.!=\s]|\(\)|"\w+")*\?\s*"(\w+)"\s*:\s*"(\w+)"')
    used = plain | {name for pair in chosen for name in pair}
    assert "hintAreaStart" in used and "byOnBehalf" in used  # the patterns find them
    shapes = {f"shape{kind}" for kind in ("Point", "LineString", "Polygon")}
    states = {f"state_{state}" for state in ("open", "paused", "closed")}
    assert used | shapes | states <= set(STRINGS)


def test_every_url_the_scripts_use_is_handed_over():
    assert _literals(r'urlFor\(\s*"(\w+)"') <= set(WORKSHOP_URLS)
