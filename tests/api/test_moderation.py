"""Moderation: reports (once per supporter, rate-limited, auto-hold), the word list, the queue,
publish/hide/restore, redaction with the original only in the history."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from app.db import get_engine
from tests.conftest import Api, pin_feature

EN = {"Accept-Language": "en"}


def _sql(app, query: str, **params):
    with app.app_context(), get_engine().begin() as conn:
        result = conn.execute(text(query), params)
        return result.all() if result.returns_rows else []


def _pin(api: Api, **properties) -> int:
    response = api.post("/api/ideas", pin_feature(**properties))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _history(app, idea_id: int):
    return _sql(
        app,
        "SELECT user_id, action, from_value, to_value, reason FROM idea_history"
        " WHERE idea_id = :i ORDER BY id",
        i=idea_id,
    )


def test_a_report_is_counted_once_per_supporter(app, api):
    idea_id = _pin(api)
    response = api.post(f"/api/ideas/{idea_id}/flag", {"reason": "spam", "note": "Reklam för bil"})
    assert response.status_code == 201
    assert response.get_json() == {"id": idea_id, "reported": True}
    again = api.post(f"/api/ideas/{idea_id}/flag", {"reason": "offensive"})
    assert again.status_code == 409
    assert again.get_json()["error"] == {
        "code": "already_reported",
        "message": "Du har redan anmält den här nålen.",
        "field": "id",
    }
    rows = _sql(app, "SELECT reason, note, length(supporter_id) FROM flags")
    assert rows == [("spam", "Reklam för bil", 64)]  # a keyed hash, not the cookie


def test_report_refusals(app, api):
    idea_id = _pin(api)
    cases = [
        ({"reason": "ugly"}, "reason", "Välj ett skäl i listan."),
        ({}, "reason", "Välj ett skäl i listan."),
        ({"reason": "spam", "note": "x" * 501}, "note", "Skriv högst 500 tecken."),
        ({"reason": "spam", "note": "a\u202eb"}, "note", None),
        ([], None, "Innehållet måste vara ett JSON-objekt."),
    ]
    for body, field, message in cases:
        response = api.post(f"/api/ideas/{idea_id}/flag", body)
        assert response.status_code == 422, body
        error = response.get_json()["error"]
        assert error["field"] == field
        if message:
            assert error["message"] == message
    missing = api.post("/api/ideas/999999/flag", {"reason": "spam"})
    assert missing.status_code == 404
    assert _sql(app, "SELECT count(*) FROM flags") == [(0,)]


def test_reports_are_rate_limited_per_person(make_app, app, api):
    limited = make_app(FLAG_LIMIT="2 per minute")
    ids = [_pin(api) for _ in range(3)]
    reporter = Api(limited.test_client())
    statuses = [reporter.post(f"/api/ideas/{i}/flag", {"reason": "spam"}).status_code for i in ids]
    assert statuses == [201, 201, 429]
    # the pin page's form shares the counters
    page = reporter.client.post(f"/ideas/{ids[2]}/flag", data={"csrf_token": reporter.token})
    assert page.status_code == 429


def test_reports_from_different_people_hold_the_pin(make_app, app, api):
    held_app = make_app(FLAG_HOLD_THRESHOLD=3, FLAG_LIMIT="100 per minute")
    idea_id = _pin(api)
    reporters = [Api.from_address(held_app, f"10.0.0.{n}") for n in range(3)]
    for reporter in reporters[:2]:
        assert reporter.post(f"/api/ideas/{idea_id}/flag", {"reason": "spam"}).status_code == 201
    assert api.get(f"/api/ideas/{idea_id}").status_code == 200  # two are not enough
    assert (
        reporters[2].post(f"/api/ideas/{idea_id}/flag", {"reason": "offensive"}).status_code == 201
    )
    assert api.get(f"/api/ideas/{idea_id}").status_code == 404
    assert _sql(app, "SELECT visibility FROM ideas") == [("held",)]
    assert _history(app, idea_id) == [(None, "hold_reports", "published", "held", "3")]


def test_a_moderators_decision_to_publish_sticks(make_app, app, api, staff):
    """Reports after it bring the pin to the queue; they no longer take it off the map."""
    held_app = make_app(FLAG_HOLD_THRESHOLD=2, FLAG_LIMIT="100 per minute")
    idea_id = _pin(api)
    for n in range(2):
        Api.from_address(held_app, f"10.0.1.{n}").post(
            f"/api/ideas/{idea_id}/flag", {"reason": "spam"}
        )
    assert api.get(f"/api/ideas/{idea_id}").status_code == 404
    moderator = staff("moderator")
    response = moderator.patch(f"/api/ideas/{idea_id}", {"visibility": "published"})
    assert response.status_code == 200
    assert response.get_json()["changed"] == ["publish"]
    assert response.get_json()["open_reports"] == 0
    for n in range(2, 6):
        reporter = Api.from_address(held_app, f"10.0.1.{n}")
        assert reporter.post(f"/api/ideas/{idea_id}/flag", {"reason": "spam"}).status_code == 201
    assert api.get(f"/api/ideas/{idea_id}").status_code == 200
    [row] = moderator.get("/api/moderation/queue").get_json()["items"]
    assert (row["id"], row["visibility"], row["report_count"]) == (idea_id, "published", 4)
    assert [a for _, a, *_ in _history(app, idea_id)] == ["hold_reports", "publish"]


def test_addresses_of_one_ipv6_64_are_one_network(make_app, app, api):
    """A home connection has a /64: an address a request must not make a network of each."""
    held_app = make_app(FLAG_HOLD_THRESHOLD=3, FLAG_LIMIT="100 per minute")
    idea_id = _pin(api)
    for address in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ab::3", "::ffff:10.9.0.1"):
        reporter = Api.from_address(held_app, address)
        assert reporter.post(f"/api/ideas/{idea_id}/flag", {"reason": "spam"}).status_code == 201
    assert api.get(f"/api/ideas/{idea_id}").status_code == 200  # two networks
    reporter = Api.from_address(held_app, "10.9.0.1")  # the same network as ::ffff:10.9.0.1
    assert reporter.post(f"/api/ideas/{idea_id}/flag", {"reason": "spam"}).status_code == 201
    assert api.get(f"/api/ideas/{idea_id}").status_code == 200
    reporter = Api.from_address(held_app, "2001:db8:1:3::1")
    assert reporter.post(f"/api/ideas/{idea_id}/flag", {"reason": "spam"}).status_code == 201
    assert api.get(f"/api/ideas/{idea_id}").status_code == 404


def test_one_network_counts_once_towards_the_hold(make_app, app, api):
    """Supporter ids cost a `GET /` each: three from one address are one network."""
    held_app = make_app(FLAG_HOLD_THRESHOLD=3, FLAG_LIMIT="100 per minute")
    idea_id = _pin(api)
    for _ in range(5):
        reporter = Api.from_address(held_app, "10.0.2.1")
        assert reporter.post(f"/api/ideas/{idea_id}/flag", {"reason": "spam"}).status_code == 201
    assert api.get(f"/api/ideas/{idea_id}").status_code == 200
    for n in (2, 3):
        reporter = Api.from_address(held_app, f"10.0.2.{n}")
        assert reporter.post(f"/api/ideas/{idea_id}/flag", {"reason": "spam"}).status_code == 201
    assert api.get(f"/api/ideas/{idea_id}").status_code == 404
    assert _history(app, idea_id) == [(None, "hold_reports", "published", "held", "3")]


def test_the_word_list_holds_new_pins(app, api, staff):
    moderator = staff("moderator")
    for word in ("idiot", "dra åt skogen"):
        assert moderator.post("/api/moderation/words", {"word": word}).status_code == 201
    held = api.post("/api/ideas", pin_feature(title="Vilken ÍDIOT som byggde detta!"))
    assert held.status_code == 202
    body = held.get_json()
    assert body["held"] is True
    assert body["message"] == "Tack. Din nål visas när en moderator har tittat på den."
    assert api.get(f"/api/ideas/{body['id']}").status_code == 404
    phrase = api.post("/api/ideas", pin_feature(body="Ni kan DRA ÅT skogen."))
    assert phrase.status_code == 202
    # whole words only: "idiotisk" and "skogen dra" are not entries
    fine = api.post("/api/ideas", pin_feature(title="Idiotiskt bra idé", body="skogen dra åt"))
    assert fine.status_code == 201
    assert _history(app, body["id"]) == [(None, "hold_words", None, "held", "idiot")]
    queue = moderator.get("/api/moderation/queue").get_json()
    assert [item["id"] for item in queue["items"]] == [body["id"], phrase.get_json()["id"]]


def test_a_pin_is_held_by_the_oldest_entry_it_holds_as_whole_words_of_one_text(app, api, staff):
    """Entries are looked for only where their first word is one of the pin's words
    (app.planning.wordlist.first_listed_word); what is found is the same as testing each."""
    moderator = staff("moderator")
    for word in ("dra åt skogen", "skogen", "idiot", "åt"):
        assert moderator.post("/api/moderation/words", {"word": word}).status_code == 201
    cases = {
        # the phrase across title and body is not the phrase, older as it is
        ("Dra", "åt skogen"): "skogen",
        ("Åt vilket håll?", "Ingen aning"): "åt",
        ("Idiot", "Ni kan dra åt skogen"): "dra åt skogen",  # the oldest of three
        ("IDIOT", "idiot"): "idiot",
        ("Skogens stigar", "skogsdra"): None,  # no whole word
    }
    for (title, body), word in cases.items():
        created = api.post("/api/ideas", pin_feature(title=title, body=body))
        if word is None:
            assert created.status_code == 201, (title, body)
            continue
        assert created.status_code == 202, (title, body)
        assert _history(app, created.get_json()["id"])[0][-1] == word, (title, body)


def test_word_list_api(app, staff):
    moderator = staff("moderator")
    added = moderator.post("/api/moderation/words", {"word": "  Fåntratt "})
    assert added.status_code == 201
    word_id = added.get_json()["id"]
    assert added.get_json() == {"id": word_id, "word": "Fåntratt"}
    again = moderator.post("/api/moderation/words", {"word": "FANTRATT"})
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == "”FANTRATT” finns redan i listan."
    for body in ({"word": "!!"}, {"word": "x"}, {}):
        refused = moderator.post("/api/moderation/words", body)
        assert (refused.status_code, refused.get_json()["error"]["field"]) == (422, "word")
    listed = moderator.get("/api/moderation/words").get_json()
    assert [(w["word"], w["added_by"]) for w in listed] == [("Fåntratt", "moderator@umea.se")]
    assert moderator.delete(f"/api/moderation/words/{word_id}").status_code == 204
    assert moderator.delete(f"/api/moderation/words/{word_id}").status_code == 404
    assert moderator.get("/api/moderation/words").get_json() == []


def test_the_queue_is_oldest_first_with_counts_and_reasons(make_app, app, api, staff):
    held_app = make_app(FLAG_HOLD_THRESHOLD=10, FLAG_LIMIT="100 per minute")
    first, second, untouched = _pin(api, title="Först"), _pin(api, title="Sedan"), _pin(api)
    # `second` is reported before `first`, twice; `first` once
    for reason in ("spam", "offensive"):
        Api(held_app.test_client()).post(f"/api/ideas/{second}/flag", {"reason": reason})
    _sql(app, "UPDATE flags SET created_at = now() - interval '2 hours'")
    Api(held_app.test_client()).post(f"/api/ideas/{first}/flag", {"reason": "spam"})
    moderator = staff("moderator")
    moderator.post("/api/moderation/words", {"word": "fuskbygge"})
    newest = api.post("/api/ideas", pin_feature(title="Ett fuskbygge")).get_json()["id"]
    queue = moderator.get("/api/moderation/queue").get_json()
    assert queue["total"] == 3
    assert [item["id"] for item in queue["items"]] == [second, first, newest]
    top = queue["items"][0]
    assert (top["report_count"], top["reasons"], top["visibility"]) == (
        2,
        {"spam": 1, "offensive": 1},
        "published",
    )
    assert queue["items"][2]["visibility"] == "held"
    assert untouched not in [item["id"] for item in queue["items"]]
    assert moderator.get("/api/moderation/queue?limit=1").get_json()["total"] == 3
    assert len(moderator.get("/api/moderation/queue?limit=1").get_json()["items"]) == 1
    assert moderator.get("/api/moderation/queue?limit=0").status_code == 422
    # handled pins leave the queue
    moderator.patch(f"/api/ideas/{second}", {"visibility": "hidden", "reason": "Reklam"})
    moderator.patch(f"/api/ideas/{newest}", {"visibility": "published"})
    assert [i["id"] for i in moderator.get("/api/moderation/queue").get_json()["items"]] == [first]


def test_publish_hide_restore_with_history(app, api, staff):
    moderator = staff("moderator")
    idea_id = _pin(api)
    no_reason = moderator.patch(f"/api/ideas/{idea_id}", {"visibility": "hidden"})
    assert no_reason.status_code == 422
    assert no_reason.get_json()["error"] == {
        "code": "required",
        "message": "Skriv varför nålen döljs.",
        "field": "reason",
    }
    hide = moderator.patch(f"/api/ideas/{idea_id}", {"visibility": "hidden", "reason": "Hot"})
    assert hide.status_code == 200
    assert (hide.get_json()["visibility"], hide.get_json()["changed"]) == ("hidden", ["hide"])
    assert api.get(f"/api/ideas/{idea_id}").status_code == 404
    restore = moderator.patch(f"/api/ideas/{idea_id}", {"visibility": "published"})
    assert restore.get_json()["changed"] == ["restore"]
    same = moderator.patch(f"/api/ideas/{idea_id}", {"visibility": "published"})
    assert same.get_json()["changed"] == []  # nothing to do, nothing recorded
    hold = moderator.patch(f"/api/ideas/{idea_id}", {"visibility": "held"})
    publish = moderator.patch(f"/api/ideas/{idea_id}", {"visibility": "published"})
    assert (hold.get_json()["changed"], publish.get_json()["changed"]) == (["hold"], ["publish"])
    withdrawn = moderator.patch(f"/api/ideas/{idea_id}", {"visibility": "withdrawn"})
    assert withdrawn.status_code == 422
    user_id = _sql(app, "SELECT id FROM users WHERE role = 'moderator'")[0][0]
    assert _history(app, idea_id) == [
        (user_id, "hide", "published", "hidden", "Hot"),
        (user_id, "restore", "hidden", "published", None),
        (user_id, "hold", "published", "held", None),
        (user_id, "publish", "held", "published", None),
    ]
    _sql(app, "UPDATE ideas SET visibility = 'withdrawn'")
    refused = moderator.patch(f"/api/ideas/{idea_id}", {"visibility": "published"})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "withdrawn"


def test_dismissing_reports_keeps_the_pin_and_closes_them(app, api, staff):
    idea_id = _pin(api)
    api.post(f"/api/ideas/{idea_id}/flag", {"reason": "other"})
    moderator = staff("moderator")
    kept = moderator.patch(
        f"/api/ideas/{idea_id}", {"visibility": "published", "reason": "Inget fel"}
    )
    assert kept.get_json()["changed"] == ["dismiss_reports"]
    assert _sql(app, "SELECT resolved_at IS NOT NULL FROM flags") == [(True,)]
    assert moderator.get("/api/moderation/queue").get_json()["total"] == 0


def test_redaction_keeps_the_original_only_in_the_history(app, api, staff):
    idea_id = _pin(
        api, title="Granne Kalle Ek stör", body="Ring Kalle på 070-123 45 67 om bullret."
    )
    moderator = staff("moderator")
    response = moderator.post(
        f"/api/ideas/{idea_id}/redact",
        {"title": "Granne stör", "body": "Ring [borttaget] om bullret.", "reason": "Telefonnr"},
    )
    assert response.status_code == 200
    assert response.get_json()["changed"] == ["redact_title", "redact_body"]
    public = api.get(f"/api/ideas/{idea_id}").get_json()["properties"]
    assert (public["title"], public["body"]) == ("Granne stör", "Ring [borttaget] om bullret.")
    stored = _sql(app, "SELECT title, body FROM ideas")
    assert stored == [("Granne stör", "Ring [borttaget] om bullret.")]
    history = moderator.get(f"/api/ideas/{idea_id}/history").get_json()["history"]
    assert [(h["action"], h["from"], h["to"], h["by"]) for h in history] == [
        ("redact_title", "Granne Kalle Ek stör", "Granne stör", "moderator@umea.se"),
        (
            "redact_body",
            "Ring Kalle på 070-123 45 67 om bullret.",
            "Ring [borttaget] om bullret.",
            "moderator@umea.se",
        ),
    ]
    # the original is nowhere else: not in the pin, not in any public answer
    everything = api.get("/api/ideas").get_data(as_text=True) + api.get("/list").get_data(
        as_text=True
    )
    assert "070-123" not in everything and "Kalle" not in everything
    short = moderator.post(f"/api/ideas/{idea_id}/redact", {"title": "x"})
    assert short.status_code == 422 and short.get_json()["error"]["field"] == "title"
    assert moderator.post(f"/api/ideas/{idea_id}/redact", {}).status_code == 422


def test_the_history_is_append_only(app, api, staff):
    idea_id = _pin(api)
    staff("planner").patch(f"/api/ideas/{idea_id}", {"status": "planned"})
    for statement in ("UPDATE idea_history SET reason = 'x'", "DELETE FROM idea_history"):
        with pytest.raises(ProgrammingError, match="idea_history is append-only"):
            _sql(app, statement)
    assert len(_history(app, idea_id)) == 1


def test_report_from_the_pin_page(make_app, app, api):
    idea_id = _pin(api)
    page = Api(app.test_client())
    response = page.client.post(
        f"/ideas/{idea_id}/flag",
        data={"csrf_token": page.token, "reason": "personal_data", "note": "Namn på granne"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ideas/{idea_id}"
    html = page.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tack. En moderator kommer att titta på nålen." in html
    again = page.client.post(
        f"/ideas/{idea_id}/flag", data={"csrf_token": page.token, "reason": "spam"}
    )
    assert again.headers["Location"] == f"/ideas/{idea_id}?report=1#report"
    html = page.client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Du har redan anmält den här nålen." in html
    assert '<details class="report" id="report" open>' in html
    assert _sql(app, "SELECT reason, note FROM flags") == [("personal_data", "Namn på granne")]


def test_a_visibility_change_made_meanwhile_is_not_undone(app, api, staff):
    """The page sends the visibility it showed; a colleague's change since is a 409."""
    idea_id = _pin(api)
    moderator = staff("moderator")
    path = f"/api/ideas/{idea_id}"
    hidden = moderator.patch(path, {"visibility": "hidden", "reason": "Kränkande"})
    assert hidden.status_code == 200
    stale = moderator.patch(
        path, {"visibility": "published", "visibility_was": "published"}, headers=EN
    )
    assert stale.status_code == 409
    assert stale.get_json() == {
        "error": {
            "code": "visibility_changed",
            "message": "Meanwhile someone else changed this pin: it is now “Hidden”. Reload the "
            "page to see who and why, then decide again.",
            "field": "visibility",
        },
        "visibility": "hidden",
    }
    assert api.get(path).status_code == 404
    assert [a for _, a, *_ in _history(app, idea_id)] == ["hide"]
    bad = moderator.patch(path, {"visibility": "published", "visibility_was": "gone"}, headers=EN)
    assert bad.status_code == 422
    assert bad.get_json()["error"] == {
        "code": "invalid_choice",
        "message": "visibility_was must be published, held, hidden or withdrawn.",
        "field": "visibility_was",
    }
    current = moderator.patch(path, {"visibility": "published", "visibility_was": "hidden"})
    assert current.status_code == 200
    assert current.get_json()["changed"] == ["restore"]


def test_the_queue_says_why_each_held_pin_is_held(app, api, staff):
    """A pin the word list held had an empty "Reasons" cell: the moderator opened each one."""
    moderator = staff("moderator")
    assert moderator.post("/api/moderation/words", {"word": "idiot"}).status_code == 201
    by_word = api.post("/api/ideas", pin_feature(title="Vilken IDIOT som parkerade")).get_json()
    by_hand = _pin(api, title="Bänk vid ån")
    held = moderator.patch(f"/api/ideas/{by_hand}", {"visibility": "held", "reason": "Kolla"})
    assert held.status_code == 200
    reported = _pin(api, title="Mörk gångväg")
    api.post(f"/api/ideas/{reported}/flag", {"reason": "spam"})
    items = moderator.get("/api/moderation/queue", headers=EN).get_json()["items"]
    because = {item["id"]: (item["held_because"], item["reasons"]) for item in items}
    assert because == {
        by_word["id"]: ("Word list: idiot", {}),
        by_hand: ("Held by a moderator: Kolla", {}),
        reported: (None, {"spam": 1}),
    }
    page = moderator.get("/planner/moderation").get_data(as_text=True)
    assert "Ordlistan: idiot" in page
    assert "Hölls in av en moderator: Kolla" in page


def test_keeping_a_pin_does_not_dismiss_a_report_the_page_never_showed(app, api, staff):
    """'Keep it published' closes every open report: only those the moderator read."""
    idea_id = _pin(api)
    api.post(f"/api/ideas/{idea_id}/flag", {"reason": "spam"})
    moderator = staff("moderator")
    path = f"/api/ideas/{idea_id}"
    page = moderator.get(f"/planner/ideas/{idea_id}").get_data(as_text=True)
    assert 'name="open_reports_was" value="1" data-json="int"' in page
    Api.from_address(app, "10.0.4.1").post(f"{path}/flag", {"reason": "personal_data"})
    keep = {"visibility": "published", "visibility_was": "published", "open_reports_was": 1}
    stale = moderator.patch(path, keep, headers=EN)
    assert stale.status_code == 409
    assert stale.get_json() == {
        "error": {
            "code": "reports_changed",
            "message": "Meanwhile the pin's reports changed (open reports now: 2). Reload the "
            "page to read them, then decide again.",
            "field": "visibility",
        },
        "open_reports": 2,
    }
    assert _sql(app, "SELECT count(*) FROM flags WHERE resolved_at IS NULL") == [(2,)]
    kept = moderator.patch(path, {**keep, "open_reports_was": 2})
    assert kept.status_code == 200
    assert kept.get_json()["changed"] == ["dismiss_reports"]
    bad = moderator.patch(path, {**keep, "open_reports_was": -1}, headers=EN)
    assert bad.status_code == 422
    assert bad.get_json()["error"]["field"] == "open_reports_was"


def test_a_page_that_missed_a_colleagues_change_does_not_undo_it(app, api, staff):
    """A redaction put back, an answer reverted: every form sends the newest change it showed."""
    idea_id = _pin(api, title="Ring mig", body="Anna Svensson 070-123 45 67")
    moderator, admin = staff("moderator"), staff("admin")
    path = f"/api/ideas/{idea_id}"
    page = admin.get(f"/planner/ideas/{idea_id}").get_data(as_text=True)
    assert page.count('name="last_change_seen" value="0" data-json="int"') == 5
    redacted = moderator.post(f"{path}/redact", {"body": "[borttaget]", "reason": "Telefonnummer"})
    assert redacted.status_code == 200
    # The admin's page still shows the number: its title fix must not bring it back.
    stale = admin.post(
        f"{path}/redact",
        {"title": "Ring mig!", "body": "Anna Svensson 070-123 45 67", "last_change_seen": 0},
        headers=EN,
    )
    assert stale.status_code == 409
    assert stale.get_json()["error"] == {
        "code": "changed_meanwhile",
        "message": "Meanwhile moderator@umea.se changed this pin (Description redacted). Reload "
        "the page to see it, then save again.",
        "field": "last_change_seen",
    }
    assert api.get(path).get_json()["properties"]["body"] == "[borttaget]"
    answer = admin.patch(path, {"status": "done", "last_change_seen": 0}, headers=EN)
    assert answer.status_code == 409
    both = moderator.patch(path, {"status": "planned", "answer": "Vi tittar på det."})
    assert both.status_code == 200
    missed = admin.patch(path, {"status": "done", "last_change_seen": 0}, headers=EN)
    assert missed.get_json()["error"]["message"] == (  # every change missed, newest first
        "Meanwhile moderator@umea.se changed this pin (Answer changed; Status changed; "
        "Description redacted). Reload the page to see it, then save again."
    )
    [newest] = [h["id"] for h in admin.get(f"{path}/history").get_json()["history"]][-1:]
    fresh = admin.patch(path, {"status": "done", "last_change_seen": newest})
    assert fresh.status_code == 200
    bad = admin.patch(path, {"status": "done", "last_change_seen": "x"}, headers=EN)
    assert bad.status_code == 422
    assert bad.get_json()["error"]["field"] == "last_change_seen"
