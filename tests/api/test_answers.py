"""Answers: PATCH a pin (status, answer, English answer, category, duplicate link) with history,
the all-or-nothing bulk answer, answer templates, internal notes."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import text

from app.common import limits
from app.db import get_engine
from tests.conftest import Api, pin_feature


def _sql(app, query: str, **params):
    with app.app_context(), get_engine().begin() as conn:
        result = conn.execute(text(query), params)
        return result.all() if result.returns_rows else []


def _pin(api: Api, **properties) -> int:
    response = api.post("/api/ideas", pin_feature(**properties))
    assert response.status_code == 201
    return response.get_json()["id"]


def _history(app, idea_id: int):
    return _sql(
        app,
        "SELECT action, from_value, to_value, reason FROM idea_history"
        " WHERE idea_id = :i ORDER BY id",
        i=idea_id,
    )


def test_the_staff_json_writes_times_as_the_public_feature_does(app, api, staff):
    """created_at and answered_at read alike in the planners' JSON and the pin's Feature (to
    the millisecond, as PostgreSQL writes them), so a planner can compare and filter by them."""
    idea_id = _pin(api)
    _sql(
        app,
        "UPDATE ideas SET created_at = '2026-12-01 10:00:59.999999+00' WHERE id = :i",
        i=idea_id,
    )
    answered = staff("planner").patch(f"/api/ideas/{idea_id}", {"answer": "Tack, vi tittar."})
    assert answered.status_code == 200
    staff_json = answered.get_json()
    feature = api.get(f"/api/ideas/{idea_id}").get_json()["properties"]
    assert staff_json["created_at"] == feature["created_at"] == "2026-12-01T10:00:59.999+00:00"
    assert staff_json["answered_at"] == feature["answered_at"]
    assert re.fullmatch(r"[0-9T:+-]+(\.[0-9]{1,3})?\+00:00", staff_json["answered_at"])


def test_status_and_answer_with_a_history_row_per_field(app, api, staff):
    idea_id = _pin(api)
    planner = staff("planner")
    response = planner.patch(
        f"/api/ideas/{idea_id}",
        {
            "status": "planned",
            "answer": "Vi sätter upp en bänk i vår.",
            "answer_en": "We will put up a bench in spring.",
            "reason": "Beslut i nämnden",
        },
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["changed"] == ["status", "answer", "answer_en"]
    assert (body["status"], body["answer"], body["answer_en"]) == (
        "planned",
        "Vi sätter upp en bänk i vår.",
        "We will put up a bench in spring.",
    )
    assert body["answered_at"]
    assert _history(app, idea_id) == [
        ("status", "new", "planned", "Beslut i nämnden"),
        ("answer", None, "Vi sätter upp en bänk i vår.", "Beslut i nämnden"),
        ("answer_en", None, "We will put up a bench in spring.", "Beslut i nämnden"),
    ]
    public = api.get(f"/api/ideas/{idea_id}").get_json()["properties"]
    assert (public["status"], public["answer"], public["answer_en"]) == (
        "planned",
        "Vi sätter upp en bänk i vår.",
        "We will put up a bench in spring.",
    )
    # the same values again change nothing and add no history
    again = planner.patch(f"/api/ideas/{idea_id}", {"status": "planned"})
    assert again.get_json()["changed"] == []
    assert len(_history(app, idea_id)) == 3


def test_a_new_answer_clears_the_stale_english_one(app, api, staff):
    idea_id = _pin(api)
    planner = staff("planner")
    planner.patch(f"/api/ideas/{idea_id}", {"answer": "Ja.", "answer_en": "Yes."})
    response = planner.patch(f"/api/ideas/{idea_id}", {"answer": "Nej, tyvärr."})
    assert response.get_json()["answer_en"] is None
    assert _history(app, idea_id)[-2:] == [
        ("answer", "Ja.", "Nej, tyvärr.", None),
        ("answer_en", "Yes.", None, None),
    ]
    cleared = planner.patch(f"/api/ideas/{idea_id}", {"answer": ""})
    assert (cleared.get_json()["answer"], cleared.get_json()["answered_at"]) == (None, None)
    english_first = planner.patch(f"/api/ideas/{idea_id}", {"answer_en": "Only English"})
    assert english_first.status_code == 422
    assert english_first.get_json()["error"] == {
        "code": "answer_first",
        "message": "Skriv det svenska svaret först.",
        "field": "answer_en",
    }


def test_the_pages_show_the_english_answer_in_english(app, api, staff):
    idea_id = _pin(api)
    staff("planner").patch(
        f"/api/ideas/{idea_id}", {"answer": "Vi bygger den.", "answer_en": "We will build it."}
    )
    client = app.test_client()
    swedish = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert "Vi bygger den." in swedish and "We will build it." not in swedish
    english = client.get(f"/ideas/{idea_id}?lang=en").get_data(as_text=True)
    assert "We will build it." in english and "Vi bygger den." not in english
    listing = client.get("/list?lang=en").get_data(as_text=True)
    assert "We will build it." in listing


def test_category_change_with_history(app, api, staff):
    idea_id = _pin(api, kind="concern", category="safety")
    planner = staff("planner")
    response = planner.patch(f"/api/ideas/{idea_id}", {"category": "traffic"})
    assert response.get_json()["category"] == "traffic"
    assert _history(app, idea_id) == [("category", "safety", "traffic", None)]
    assert api.get(f"/api/ideas/{idea_id}").get_json()["properties"]["category"] == "traffic"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {},
            None,
            "Skicka minst ett av status, answer, answer_en, category, duplicate_of, visibility.",
        ),
        ({"reason": "bara skäl"}, None, None),
        ({"status": "finished"}, "status", "Välj en status i listan."),
        ({"status": None}, "status", "Välj en status i listan."),
        ({"category": "cars"}, "category", "Välj en kategori i listan."),
        ({"answer": "x" * 4001}, "answer", "Skriv högst 4\N{NO-BREAK SPACE}000 tecken."),
        ({"answer": 12}, "answer", "Fältet måste vara text."),
        ({"colour": "red"}, "colour", "Okänt fält colour."),
        ({"duplicate_of": "12"}, "duplicate_of", "Det här måste vara numret på en nål."),
        ({"duplicate_of": True}, "duplicate_of", "Det här måste vara numret på en nål."),
        ({"duplicate_of": 2**63}, "duplicate_of", "Det här måste vara numret på en nål."),
        ([1, 2], None, "Innehållet måste vara ett JSON-objekt."),
    ],
)
def test_patch_refusals_name_the_field(app, api, staff, body, field, message):
    idea_id = _pin(api)
    response = staff("moderator").patch(f"/api/ideas/{idea_id}", body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == field
    if message:
        assert error["message"] == message
    assert _history(app, idea_id) == []


def test_patch_of_a_missing_pin_is_404(staff):
    response = staff("planner").patch("/api/ideas/987654", {"status": "done"})
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "Nålen finns inte."


def test_duplicates_link_and_never_move_supports(app, api, staff):
    original = _pin(api, title="Bänk vid älven")
    copy = _pin(api, title="Sittplats vid älven")
    supporter = Api(app.test_client())
    supporter.post(f"/api/ideas/{copy}/support")
    planner = staff("planner")
    response = planner.patch(f"/api/ideas/{copy}", {"duplicate_of": original})
    assert response.status_code == 200
    assert response.get_json()["duplicate_of"] == original
    public = api.get(f"/api/ideas/{copy}").get_json()["properties"]
    assert (public["duplicate_of"], public["duplicate_of_title"]) == (original, "Bänk vid älven")
    assert public["support_count"] == 1
    assert api.get(f"/api/ideas/{original}").get_json()["properties"]["support_count"] == 0
    page = api.get(f"/ideas/{copy}").get_data(as_text=True)
    assert f'Dubblett av <a href="/ideas/{original}">Bänk vid älven</a>' in page
    assert _history(app, copy) == [("duplicate", None, str(original), None)]
    unlinked = planner.patch(f"/api/ideas/{copy}", {"duplicate_of": None})
    assert unlinked.get_json()["duplicate_of"] is None
    assert _history(app, copy)[-1] == ("duplicate_removed", str(original), None, None)


def test_duplicate_refusals(app, api, staff):
    first, second, third = _pin(api), _pin(api), _pin(api)
    planner = staff("planner")

    def refused(idea_id: int, target: int) -> str:
        response = planner.patch(f"/api/ideas/{idea_id}", {"duplicate_of": target})
        assert response.status_code == 422
        assert response.get_json()["error"]["field"] == "duplicate_of"
        return response.get_json()["error"]["message"]

    assert refused(first, first) == "En nål kan inte vara en dubblett av sig själv."
    assert refused(first, 99999) == "Det finns ingen offentlig nål 99999."
    planner.patch(f"/api/ideas/{second}", {"duplicate_of": first})
    assert refused(third, second) == (
        f"Nål {second} är själv en dubblett av nål {first}: länka till den."
    )
    assert refused(first, third) == (
        "Andra nålar är markerade som dubbletter av den här; länka dem någon annanstans först."
    )


def test_a_hidden_original_is_not_linked_publicly(app, api, staff):
    original, copy = _pin(api), _pin(api)
    staff("planner").patch(f"/api/ideas/{copy}", {"duplicate_of": original})
    staff("moderator").patch(f"/api/ideas/{original}", {"visibility": "hidden", "reason": "Spam"})
    public = api.get(f"/api/ideas/{copy}").get_json()["properties"]
    assert (public["duplicate_of"], public["duplicate_of_title"]) == (None, None)


def test_bulk_answer_gives_each_pin_its_own_history(app, api, staff):
    ids = [_pin(api) for _ in range(4)]
    planner = staff("planner")
    planner.patch(f"/api/ideas/{ids[0]}", {"status": "planned"})
    response = planner.post(
        "/api/ideas/answer",
        {"ids": ids + [ids[1]], "status": "planned", "answer": "Vi tittar på det i vår."},
    )
    assert response.status_code == 200
    assert response.get_json() == {"updated": 4, "ids": ids, "history_rows": 7}
    rows = _sql(
        app,
        "SELECT idea_id, action, from_value, to_value, user_id IS NOT NULL FROM idea_history"
        " WHERE id > 1 ORDER BY idea_id, action",
    )
    expected = [(ids[0], "answer", None, "Vi tittar på det i vår.", True)]
    for idea_id in ids[1:]:
        expected += [
            (idea_id, "answer", None, "Vi tittar på det i vår.", True),
            (idea_id, "status", "new", "planned", True),
        ]
    assert rows == expected
    stored = _sql(app, "SELECT status, answer, answered_at IS NOT NULL FROM ideas")
    assert set(stored) == {("planned", "Vi tittar på det i vår.", True)}
    assert planner.get(f"/api/ideas/{ids[2]}/history").get_json()["history"][0]["by"] == (
        "planner@umea.se"
    )


def test_bulk_answer_is_all_or_nothing(app, api, staff):
    ids = [_pin(api) for _ in range(5)]
    staff("moderator").patch(f"/api/ideas/{ids[2]}", {"visibility": "hidden", "reason": "Spam"})
    before = _sql(app, "SELECT count(*) FROM idea_history")
    planner = staff("planner")
    for failing in (ids[2], 777777):
        batch = ids[:2] + [failing] + ids[3:]
        response = planner.post(
            "/api/ideas/answer", {"ids": batch, "status": "done", "answer": "Klart."}
        )
        assert response.status_code == 404
        assert response.get_json()["error"] == {
            "code": "not_found",
            "message": f"Nål {failing} finns inte eller är inte offentlig: ingen nål ändrades.",
            "field": "ids",
        }
    assert _sql(app, "SELECT DISTINCT status, answer FROM ideas") == [("new", None)]
    assert _sql(app, "SELECT count(*) FROM idea_history") == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ids": [], "status": "done", "answer": "Klart."}, "ids"),
        ({"ids": "1,2", "status": "done", "answer": "Klart."}, "ids"),
        ({"ids": [1, "2"], "status": "done", "answer": "Klart."}, "ids"),
        ({"ids": [1, 0], "status": "done", "answer": "Klart."}, "ids"),
        ({"ids": [1], "status": "done"}, "answer"),
        ({"ids": [1], "status": "done", "answer": "  "}, "answer"),
        ({"ids": [1], "answer": "Klart."}, "status"),
        ({"ids": [1], "status": "done", "answer": "Klart.", "visibility": "hidden"}, "visibility"),
        (
            {
                "ids": list(range(1, limits.BULK_ANSWER_MAX_IDS + 2)),
                "status": "done",
                "answer": "A",
            },
            "ids",
        ),
    ],
)
def test_bulk_answer_refusals(staff, body, field):
    response = staff("planner").post("/api/ideas/answer", body)
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field


def test_bulk_answer_takes_the_largest_batch_in_one_request(app, api, staff):
    """The most ids, as long as a bigint allows, and both answers at their longest: over the
    usual body limit, still accepted (and an id that is not there refuses it all)."""
    count = limits.BULK_ANSWER_MAX_IDS
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(text("ALTER SEQUENCE ideas_id_seq RESTART WITH 1000000000000"))
        conn.execute(
            text(
                "INSERT INTO ideas (kind, category, title, body, visibility, status, source, geom)"
                " SELECT 'idea', 'other', 'Pin ' || n, '', 'published', 'new', 'import',"
                " ST_SetSRID(ST_MakePoint(20.26, 63.82), 4326) FROM generate_series(1, :n) n"
            ),
            {"n": count},
        )
    ids = [row[0] for row in _sql(app, "SELECT id FROM ideas ORDER BY id")]
    body = {"ids": ids, "status": "done", "answer": "å" * 4000, "answer_en": "e" * 4000}
    assert len(json.dumps(body)) > int(app.config["MAX_CONTENT_LENGTH"])
    response = staff("planner").post("/api/ideas/answer", body)
    assert response.status_code == 200
    assert response.get_json()["updated"] == count
    assert _sql(app, "SELECT count(*) FROM idea_history") == [(3 * count,)]
    huge = {"ids": [2**62] * 40000, "status": "done", "answer": "A"}
    assert staff("planner").post("/api/ideas/answer", huge).status_code == 413


def test_answer_templates(app, staff):
    planner = staff("planner")
    listed = planner.get("/api/answer-templates").get_json()
    assert [t["status"] for t in listed] == [
        "new", "under_review", "planned", "in_progress", "done", "not_feasible",
    ]  # fmt: skip
    assert all(t["answer"] is None for t in listed)
    saved = planner.put(
        "/api/answer-templates/done", {"answer": "Nu är det klart.", "answer_en": "Done now."}
    )
    assert saved.status_code == 200
    assert saved.get_json()["answer"] == "Nu är det klart."
    assert saved.get_json()["updated_by"] == "planner@umea.se"
    planner.put("/api/answer-templates/done", {"answer": "Klart!"})
    done = next(t for t in planner.get("/api/answer-templates").get_json() if t["status"] == "done")
    assert (done["answer"], done["answer_en"]) == ("Klart!", None)
    assert planner.put("/api/answer-templates/finished", {"answer": "x"}).status_code == 404
    assert planner.put("/api/answer-templates/done", {"answer": ""}).status_code == 422
    assert planner.put("/api/answer-templates/done", {"text": "x"}).status_code == 422


def test_notes_are_for_staff_only(app, api, staff):
    idea_id = _pin(api)
    planner = staff("planner")
    added = planner.post(f"/api/ideas/{idea_id}/notes", {"body": "Ring trafikkontoret om det här."})
    assert added.status_code == 201
    note = added.get_json()
    assert (note["body"], note["by"]) == ("Ring trafikkontoret om det här.", "planner@umea.se")
    listed = planner.get(f"/api/ideas/{idea_id}/notes").get_json()
    assert listed == {"id": idea_id, "notes": [note]}
    assert planner.post(f"/api/ideas/{idea_id}/notes", {"body": ""}).status_code == 422
    assert planner.post("/api/ideas/99999/notes", {"body": "x"}).status_code == 404
    for path in (f"/api/ideas/{idea_id}", "/api/ideas", f"/ideas/{idea_id}", "/list"):
        assert "trafikkontoret" not in api.get(path).get_data(as_text=True)
    assert api.get(f"/api/ideas/{idea_id}/notes").status_code == 401
