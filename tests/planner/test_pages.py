"""The planners' pages: the queue (one click to a pin), a pin's page (text, place, status,
answer form, history with who moderated, notes, reports without reporters, moderation actions
for moderators only), the word list and the templates; translated; staff links in the header."""

from __future__ import annotations

import json
import re
from html import unescape

from tests.conftest import Api, pin_feature


def _settings(html: str) -> dict:
    return json.loads(unescape(re.search(r'data-settings="([^"]*)"', html).group(1)))


def _reported_pin(api: Api, **properties) -> int:
    idea_id = api.post("/api/ideas", pin_feature(**properties)).get_json()["id"]
    api.post(f"/api/ideas/{idea_id}/flag", {"reason": "personal_data", "note": "Ett namn"})
    return idea_id


def test_the_queue_links_each_pin_to_its_page(api, staff):
    idea_id = _reported_pin(api, title="Granne med namn")
    html = staff("moderator").get("/planner/moderation").get_data(as_text=True)
    assert "1 nål väntar på en moderator" in html
    assert f'<a href="/planner/ideas/{idea_id}">Granne med namn</a>' in html
    assert "Innehåller personuppgifter (1)" in html
    english = staff("moderator").get("/planner/moderation?lang=en").get_data(as_text=True)
    assert "1 pin waits for a moderator" in english and "Contains personal details (1)" in english


def test_an_empty_queue_says_so_once(staff):
    html = staff("moderator").get("/planner/moderation").get_data(as_text=True)
    assert "Inget väntar på en moderator." in html
    assert "väntar på en moderator, den som väntat längst först" not in html


def test_a_pins_page_for_a_moderator(app, api, staff):
    idea_id = _reported_pin(api, title="Bänk vid älven", author_name="Eva Ek")
    moderator = staff("moderator")
    moderator.patch(f"/api/ideas/{idea_id}", {"status": "planned", "answer": "Vi ordnar det."})
    moderator.post(f"/api/ideas/{idea_id}/notes", {"body": "Kolla med parkförvaltningen."})
    moderator.patch(f"/api/ideas/{idea_id}", {"visibility": "hidden", "reason": "Namn på granne"})
    moderator.put("/api/answer-templates/done", {"answer": "Klart nu.", "answer_en": "Done."})
    response = moderator.get(f"/planner/ideas/{idea_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bänk vid älven" in html and "Eva Ek" in html
    assert "Kolla med parkförvaltningen." in html
    assert "Innehåller personuppgifter: “Ett namn”" in html
    assert "Dold" in html and "Namn på granne" in html
    assert "<dt>Källa</dt><dd>Webbkartan</dd>" in html  # the source in words, not `web`
    assert html.count("moderator@umea.se") >= 3  # who answered, noted and hid it
    assert 'name="visibility" value="published">Återställ</button>' in html
    assert 'data-method="PATCH"' in html and f'action="/api/ideas/{idea_id}"' in html
    assert f'action="/api/ideas/{idea_id}/redact"' in html
    assert 'id="pin-map"' in html
    settings = _settings(html)
    lon, lat = pin_feature()["geometry"]["coordinates"]
    assert settings["center"] == [lat, lon]
    assert settings["templates"]["done"]["answer"] == "Klart nu."
    assert settings["role"] == "moderator"
    # no reporter anywhere on the page
    with app.app_context():
        from sqlalchemy import text

        from app.db import get_engine

        with get_engine().connect() as conn:
            reporter = conn.execute(text("SELECT supporter_id FROM flags")).scalar_one()
    assert reporter not in html


def test_a_planner_sees_no_moderation_on_a_pins_page(api, staff):
    idea_id = _reported_pin(api)
    html = staff("planner").get(f"/planner/ideas/{idea_id}").get_data(as_text=True)
    assert "Spara status och svar" in html
    assert 'name="visibility"' not in html and "/redact" not in html
    assert "Ett namn" not in html  # the reports are for moderators
    assert staff("planner").get("/planner/ideas/424242").status_code == 404


def test_word_list_and_templates_pages(staff):
    moderator = staff("moderator")
    moderator.post("/api/moderation/words", {"word": "fuskbygge"})
    html = moderator.get("/planner/moderation/words").get_data(as_text=True)
    assert "fuskbygge" in html and 'data-method="DELETE"' in html
    templates = staff("planner").get("/planner/templates?lang=en").get_data(as_text=True)
    assert templates.count('data-method="PUT"') == 6
    assert "Not feasible" in templates


def test_staff_links_in_the_header(client, staff):
    anonymous = client.get("/list").get_data(as_text=True)
    assert 'href="/login"' in anonymous and "Logga ut" not in anonymous
    planner = staff("planner").get("/list").get_data(as_text=True)
    assert "Svarsmallar" in planner and "Logga ut" in planner
    assert "Moderering" not in planner
    assert "Moderering" in staff("moderator").get("/list").get_data(as_text=True)


def test_forbidden_page_says_so(staff):
    response = staff("planner").get("/planner/moderation")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Inte tillåtet" in html
    assert "Din roll tillåter inte det här; det kräver rollen moderator." in html


def test_api_forms_wait_for_their_script(api, staff):
    """Sent by the browser itself an API form would POST to a path that takes PATCH (a 405
    page): its fields stay disabled until static/js/planner/api-forms.js takes it over."""
    idea_id = _reported_pin(api)
    html = staff("moderator").get(f"/planner/ideas/{idea_id}").get_data(as_text=True)
    forms = re.findall(r'<form class="api-form[^>]*>.*?</form>', html, re.S)
    assert len(forms) >= 3
    for form in forms:
        assert '<fieldset class="api-form__body" disabled>' in form
