"""Removing a participant in a real browser: the facilitator's list and confirm step, the
removed phone's page, letting them back in; and the join link of a workshop that has ended."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.workshops import (
    annotations,
    draw_area,
    ended_workshop,
    facilitate_in_browser,
    join_in_browser,
    save_drawing,
    shapes,
    wait_for_map,
    workshop,
)
from tests.workshops.helpers import draw, join, shape

EN: dict[str, Any] = {"locale": "en-GB"}
PHONE_EN: dict[str, Any] = {**PHONE, **EN}
REMOVED = (
    "The facilitator has removed you from this workshop. You can no longer draw or change "
    "anything here."
)


def test_the_facilitator_removes_a_participant_who_is_told_and_can_draw_no_more(app, open_page):
    facilitator, body = workshop(app)
    wid = body["id"]
    lead = open_page(**PHONE_EN)  # the facilitator on a phone too: the list fits 375 px
    facilitate_in_browser(lead, body)
    anna = open_page(**PHONE_EN)
    join_in_browser(anna, body["join_code"], "Anna")
    draw_area(anna, touch=True)
    save_drawing(anna, "Kränkande text")
    bo = open_page(**EN)
    join_in_browser(bo, body["join_code"], "Bo")
    expect(shapes(bo)).to_have_count(1)
    drawn = draw(join(app, body, "Cecilia"), wid, shape("Polygon", note="Cecilias område"))
    assert drawn.status_code == 201, drawn.get_json()
    expect(shapes(anna)).to_have_count(2)

    rows = lead.locator("#ws-participants li")
    expect(rows).to_have_count(2)
    anna_row = rows.filter(has_text="Anna")
    expect(anna_row.locator(".ws-participant__status")).to_have_text("connected")
    remove = lead.get_by_role("button", name="Remove Anna from the workshop…")
    remove.focus()
    lead.keyboard.press("Enter")  # the confirm step, by keyboard
    confirm = anna_row.get_by_role("group", name="Remove Anna from the workshop?", exact=False)
    expect(confirm).to_be_visible()
    expect(confirm.get_by_role("button", name="Keep them")).to_be_focused()
    hide = confirm.get_by_role("checkbox", name="Also hide their drawings from everyone")
    expect(hide).to_be_checked()
    box = confirm.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert lead.evaluate("document.documentElement.scrollWidth") <= 375
    lead.keyboard.press("Escape")  # not yet
    expect(confirm).to_be_hidden()
    expect(remove).to_be_focused()
    lead.keyboard.press("Enter")
    confirm.get_by_role("button", name="Remove", exact=True).click()

    # Anna's phone says so plainly, and nothing can be drawn or undone there.
    notice = anna.locator("#ws-notice")
    expect(notice).to_have_text(REMOVED)
    for kind in ("Point", "LineString", "Polygon"):
        expect(anna.locator(f"[data-draw='{kind}']")).to_be_disabled()
    expect(anna.locator("#ws-undo")).to_be_disabled()
    expect(anna.locator("#ws-connection")).to_have_text("Not live")
    # Her map empties as on a reload: nothing reaches it any more, so it would only go stale.
    expect(shapes(anna)).to_have_count(0)
    expect(anna.locator("#ws-presence-summary")).to_have_text(
        "Not shown: you are no longer in this workshop."
    )  # not the count as it last was
    # Her drawing went from Bo's map at once; the facilitator's list says she was removed.
    expect(shapes(bo)).to_have_count(1)
    expect(anna_row.locator(".ws-participant__status")).to_have_text("removed")
    back = lead.get_by_role("button", name="Let Anna back in")
    expect(back).to_be_focused()
    hidden = {
        f["properties"]["note"]: f["properties"]["hidden"] for f in annotations(facilitator, wid)
    }
    assert hidden == {"Kränkande text": True, "Cecilias område": False}

    # Reloaded, and through the join link again: the same sentence, no map, no form.
    anna.reload()
    expect(anna.locator("#ws-gate-text")).to_have_text(REMOVED)
    expect(anna.locator("#ws-page")).to_be_hidden()
    anna.goto(f"/w/{body['join_code']}")
    expect(anna.locator("#ws-join-status")).to_have_text(REMOVED)
    expect(anna.locator("#ws-join-form")).to_be_hidden()

    # A mistake can be undone: let back in, she draws again; her drawing stays hidden.
    back.click()
    expect(anna_row.locator(".ws-participant__status")).not_to_have_text("removed")
    expect(lead.get_by_role("button", name="Remove Anna from the workshop…")).to_be_focused()
    anna.goto(f"/workshops/{wid}")
    wait_for_map(anna)
    expect(anna.locator("[data-draw='Polygon']")).to_be_enabled()
    expect(shapes(anna)).to_have_count(1)  # Cecilia's: hers stays hidden


def test_the_join_link_of_an_ended_workshop_says_it_has_ended(app, open_page):
    _facilitator, body = ended_workshop(app)
    page = open_page(**PHONE_EN)
    page.goto(f"/w/{body['join_code']}")
    status = page.locator("#ws-join-status")
    expect(status).to_have_text("This workshop has ended: it cannot be joined any more.")
    expect(page.locator("#ws-join-form")).to_be_hidden()
    expect(page.locator("#ws-join-title")).to_have_text("Join “Vision för Haga”")
