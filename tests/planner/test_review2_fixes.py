"""The staff pages' second review (server side): removing a duplicate link is its own history
action; an answer template can be removed; an automatic hold's reason is a sentence; the
report's refusal of too small hexagons speaks the workspace's words."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import text

from app.db import get_engine
from tests.conftest import Api, pin_feature

EN = {"Accept-Language": "en"}


def _pin(api: Api, title: str = "Bänk vid älven") -> int:
    return int(api.post("/api/ideas", pin_feature(title=title)).get_json()["id"])


def _page_text(html: str) -> str:
    """The visible words of a page, tags taken out and spaces folded."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


# --- 2. Removing a duplicate link ---------------------------------------------------------------


def test_removing_a_duplicate_link_is_recorded_as_removed(app, api, staff):
    original, copy = _pin(api), _pin(api, "Bänk vid ån")
    planner = staff("planner")
    assert planner.patch(f"/api/ideas/{copy}", {"duplicate_of": original}).status_code == 200
    removed = planner.patch(f"/api/ideas/{copy}", {"duplicate_of": None}, headers=EN)
    assert removed.status_code == 200
    assert removed.get_json()["changed"] == ["duplicate_removed"]
    history = planner.get(f"/api/ideas/{copy}/history", headers=EN).get_json()["history"]
    assert [(h["action"], h["action_label"], h["from"], h["to"]) for h in history] == [
        ("duplicate", "Marked as a duplicate", None, str(original)),
        ("duplicate_removed", "Duplicate link removed", str(original), None),
    ]
    page = _page_text(planner.get(f"/planner/ideas/{copy}", headers=EN).get_data(as_text=True))
    assert f"Duplicate link removed #{original} –" in page


def test_the_database_takes_the_new_action(app):
    """The CHECK on idea_history.action (migration 0019) names it."""
    with app.app_context(), get_engine().connect() as conn:
        check = conn.execute(
            text(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'action_known'"
            )
        ).scalar_one()
    assert "'duplicate_removed'" in check


# --- 5. Removing an answer template -------------------------------------------------------------


def test_a_template_is_removed_with_delete(app, staff):
    planner = staff("planner")
    put = planner.put("/api/answer-templates/done", {"answer": "Klart.", "answer_en": "Done."})
    assert put.status_code == 200
    response = planner.delete("/api/answer-templates/done")
    assert (response.status_code, response.get_data(as_text=True)) == (204, "")
    done = next(t for t in planner.get("/api/answer-templates").get_json() if t["status"] == "done")
    assert (done["answer"], done["answer_en"], done["updated_by"]) == (None, None, None)
    assert planner.delete("/api/answer-templates/done").status_code == 204  # a second click


def test_removing_the_template_of_no_status_is_404(staff):
    response = staff("planner").delete("/api/answer-templates/someday", headers=EN)
    assert response.status_code == 404
    assert response.get_json()["error"] == {
        "code": "not_found",
        "message": "There is no status someday.",
        "field": "status",
    }


def test_removing_a_template_needs_a_planner(client):
    response = Api(client).delete("/api/answer-templates/done", headers=EN)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "login_required"


def test_an_empty_template_is_still_refused_by_name(staff):
    """PUT stays a write: emptying it is not how a template goes (DELETE is)."""
    response = staff("planner").put("/api/answer-templates/done", {"answer": ""}, headers=EN)
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "answer"


def test_the_templates_page_offers_removal_only_where_one_is_written(staff):
    planner = staff("planner")
    planner.put("/api/answer-templates/planned", {"answer": "Det är planerat."})
    page = planner.get("/planner/templates", headers=EN).get_data(as_text=True)
    assert page.count('data-method="DELETE"') == 1
    assert 'action="/api/answer-templates/planned" method="post" data-method="DELETE"' in page


def test_the_document_has_the_delete(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    delete = paths["/api/answer-templates/{status}"]["delete"]
    assert delete["operationId"] == "deleteAnswerTemplate"
    assert "204" in delete["responses"]


# --- 6. An automatic hold's reason --------------------------------------------------------------


def test_an_automatic_hold_gives_its_reason_in_words(make_app, app, api, staff):
    """Stored as the bare count (language-neutral); said as "3 reports" where it is read."""
    held_app = make_app(FLAG_HOLD_THRESHOLD=3, FLAG_LIMIT="100 per minute")
    idea_id = _pin(api)
    for reporter in [Api.from_address(held_app, f"10.0.3.{n}") for n in range(3)]:
        assert reporter.post(f"/api/ideas/{idea_id}/flag", {"reason": "spam"}).status_code == 201
    moderator = staff("moderator")
    (row,) = moderator.get(f"/api/ideas/{idea_id}/history", headers=EN).get_json()["history"]
    assert (row["action"], row["reason"], row["reason_label"]) == ("hold_reports", "3", "3 reports")
    html = moderator.get(f"/planner/ideas/{idea_id}", headers=EN).get_data(as_text=True)
    assert (
        "the system Held automatically after reports Published Held for review 3 reports"
        in _page_text(html)
    )


def test_other_reasons_are_shown_as_written(app, api, staff):
    idea_id = _pin(api)
    moderator = staff("moderator")
    hidden = moderator.patch(f"/api/ideas/{idea_id}", {"visibility": "hidden", "reason": "112"})
    assert hidden.status_code == 200, hidden.get_json()
    (row,) = moderator.get(f"/api/ideas/{idea_id}/history", headers=EN).get_json()["history"]
    assert (row["action"], row["reason_label"]) == ("hide", "112")


# --- 7. The report's refusal of too small hexagons ----------------------------------------------


def test_the_report_refuses_small_hexagons_in_the_fields_words(staff):
    response = staff("planner").get("/planner/report?layers=hexgrid&size=10", headers=EN)
    assert response.status_code == 422
    page = _page_text(response.get_data(as_text=True))
    least = re.search(r"choose an edge of at least (\d+) m\.", page)
    assert least, page
    assert (
        f"Hexagons this small would be too many for the whole municipality: choose an edge of "
        f"at least {least[1]} m." in page
    )
    assert "bbox" not in page and "size" not in page.lower().replace("size=", "")
    html = response.get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Show the report with hexagons of (\d+) m</a>', html)
    assert link, html
    assert link[2] == least[1]
    query = parse_qs(urlsplit(unescape(link[1])).query)
    assert query == {"layers": ["hexgrid"], "size": [least[1]]}
    assert "Back to the workspace" in page


def test_the_report_at_the_suggested_size_is_made(staff):
    planner = staff("planner")
    refused = planner.get("/planner/report?layers=hexgrid&size=10", headers=EN)
    link = re.search(r'<a href="(/planner/report\?[^"]+)">', refused.get_data(as_text=True))
    assert link
    url = unescape(link[1])
    assert planner.get(url, headers=EN).status_code == 200
