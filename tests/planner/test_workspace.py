"""The workspace page (/planner): who may open it, what it hands its scripts, its links."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from app.common.limits import BULK_ANSWER_MAX_IDS
from app.layers.params import DEFAULT_EPS, DEFAULT_HEX_SIZE, DEFAULT_MIN_POINTS
from tests.conftest import PASSWORD, Api, create_user, pin_feature


def _settings(html: str) -> dict:
    return json.loads(unescape(re.search(r'data-settings="([^"]*)"', html).group(1)))


def test_anonymous_gets_the_sign_in_form(client):
    response = client.get("/planner?layer=clusters&eps=80")
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert 'id="email"' in html
    assert 'value="/planner?layer=clusters&amp;eps=80"' in html  # back to the same view


@pytest.mark.parametrize("role", ["planner", "moderator", "admin"])
def test_the_page_renders_for_staff(staff, role):
    response = staff(role).get("/planner")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h1 id="pw-heading">Arbetsyta</h1>' in html
    assert 'aria-current="page">Arbetsyta</a>' in html  # first in the staff links
    assert 'id="pw-map"' in html and 'id="pw-district-table"' in html
    assert "<caption" in html and 'aria-sort="descending"' in html
    assert "js/planner/workspace.js" in html
    assert "<script>" not in html  # no inline scripts (only the import map, with its nonce)


def test_settings_carry_urls_bounds_and_strings(staff):
    html = staff("planner").get("/planner?lang=en").get_data(as_text=True)
    settings = _settings(html)
    assert settings["urls"]["clusters"] == "/api/layers/clusters"
    assert settings["urls"]["districtLayer"] == "/api/layers/districts"
    assert settings["urls"]["hexgrid"] == "/api/layers/hexgrid"
    assert settings["urls"]["ideas"] == "/api/ideas"
    assert settings["urls"]["answer"] == "/api/ideas/answer"
    assert settings["urls"]["templates"] == "/api/answer-templates"
    assert settings["urls"]["export"] == "/api/export/{name}.{fmt}"
    assert settings["urls"]["report"] == "/planner/report"
    assert settings["urls"]["ideaPage"] == "/planner/ideas/{idea_id}"
    assert settings["layers"]["eps"] == {"default": DEFAULT_EPS, "min": 1, "max": 5000}
    assert settings["layers"]["min_points"]["default"] == DEFAULT_MIN_POINTS
    assert settings["layers"]["size"]["default"] == DEFAULT_HEX_SIZE
    assert settings["bulkMax"] == BULK_ANSWER_MAX_IDS
    assert settings["exports"]["clusters"] == ["geojson", "gpkg"]
    assert settings["crs"] == [4326, 3006]
    assert settings["sources"] == ["web", "workshop", "paper", "import"]
    assert settings["strings"]["answer"] == "Answer all {n} pins"
    assert settings["role"] == "planner"
    swedish = _settings(staff("planner").get("/planner?lang=sv").get_data(as_text=True))
    assert swedish["strings"]["answer"] == "Besvara alla {n} nålar"


@pytest.mark.parametrize(
    ("lang", "hint"),
    [
        ("sv", "10 till 20\N{NO-BREAK SPACE}000; 250 m är ungefär ett bostadsområde."),
        ("en", "10 to 20,000; 250 m is about a neighbourhood."),
    ],
)
def test_the_hints_write_their_limits_as_the_language_does(staff, lang, hint):
    html = staff("planner").get(f"/planner?lang={lang}").get_data(as_text=True)
    assert f'<p id="pw-size-hint" class="hint">{hint}</p>' in html


def test_links_to_queue_templates_exports_and_report(api, staff):
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    api.post(f"/api/ideas/{idea_id}/flag", {"reason": "spam"})
    moderator = staff("moderator").get("/planner").get_data(as_text=True)
    assert '<a href="/planner/moderation">Modereringskö (1 väntar)</a>' in moderator
    assert 'href="/planner/templates"' in moderator
    assert 'data-export="ideas" data-format="gpkg" href="/api/export/ideas.gpkg"' in moderator
    assert 'data-report href="/planner/report"' in moderator
    assert 'name="crs" value="3006"' in moderator
    planner = staff("planner").get("/planner").get_data(as_text=True)
    assert "/planner/moderation" not in planner  # the queue is for moderators


def test_every_district_is_a_filter_choice(staff):
    html = staff("planner").get("/planner").get_data(as_text=True)
    assert '<option value="">Alla stadsdelar</option>' in html
    assert ">Marieområdet</option>" in html


RATE_CHOICE = '<input type="radio" name="metric" value="per_1000"'
RATE_COLUMN = '<th scope="col" data-sort="per_1000">'


def test_without_any_population_there_is_no_rate_to_choose(staff):
    """As the app ships, no district's population is known: the rate is offered disabled, with
    the reason, and the table has no column of "unknown"."""
    html = staff("planner").get("/planner").get_data(as_text=True)
    assert f'{RATE_CHOICE} disabled aria-describedby="pw-metric-hint">' in html
    assert (
        '<p id="pw-metric-hint" class="hint">Ingen stadsdels invånarantal är inläst ännu, så det '
        "finns inga nålar per 1 000 invånare. En administratör kan läsa in det.</p>"
    ) in html
    assert RATE_COLUMN not in html


def test_with_a_population_the_rate_is_a_choice(staff, central_population):
    html = staff("planner").get("/planner").get_data(as_text=True)
    assert f"{RATE_CHOICE}> " in html
    assert "pw-metric-hint" not in html
    assert RATE_COLUMN in html


def test_signing_in_lands_on_the_workspace(app, client):
    create_user(app, "per@umea.se", "planner")
    api = Api(client)
    response = client.post(
        "/login", data={"email": "per@umea.se", "password": PASSWORD, "csrf_token": api.token}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/planner"
