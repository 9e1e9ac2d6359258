"""The facilitator's door in a real browser: stop new joins and let people in again, a new
join code, and what the projector and a newcomer's join page show meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.workshops import (
    ended_workshop,
    facilitate_in_browser,
    join_in_browser,
    wait_for_map,
    workshop,
)

EN: dict[str, Any] = {"locale": "en-GB"}
PHONE_EN: dict[str, Any] = {**PHONE, **EN}
OPEN = "Anyone with the code can join."
STOPPED = "Nobody new can join now. Everyone who has joined stays in."
REFUSED = "The facilitator is not letting anyone new join now. Ask them to let new people in."


def _projector(open_page, body):
    wall = open_page(**EN)
    facilitate_in_browser(wall, body)
    wall.goto(f"/workshops/{body['id']}/projector")
    wait_for_map(wall)
    return wall


def test_stopping_new_joins_shows_on_every_screen_and_turns_newcomers_away(
    app, open_page, browser_log
):
    browser_log.allow(409)  # the join sent after the door closed, on purpose
    _, body = workshop(app)
    code = body["join_code"]
    lead = open_page(**PHONE_EN)  # the facilitator's controls fit a 375 px phone
    facilitate_in_browser(lead, body)
    second = open_page(**EN)  # a co-facilitator's laptop follows by the stream
    facilitate_in_browser(second, body)
    wall = _projector(open_page, body)
    late = open_page(**EN)  # a newcomer who opened the form before the door closed
    late.goto(f"/w/{code}")
    late.wait_for_selector("#ws-join-form:not([hidden])")

    expect(lead.locator("#ws-joins-now")).to_have_text(OPEN)
    toggle = lead.locator("#ws-joins-toggle")
    expect(toggle).to_have_text("Stop new joins")
    toggle.focus()
    lead.keyboard.press("Enter")
    expect(lead.locator("#ws-joins-now")).to_have_text(STOPPED)
    expect(toggle).to_have_text("Let new people join")
    expect(toggle).to_be_focused()
    assert lead.evaluate("document.documentElement.scrollWidth") <= 375
    expect(second.locator("#ws-joins-now")).to_have_text(STOPPED)
    expect(second.locator("#map-status")).to_contain_text(STOPPED)  # said, not only shown
    expect(wall.locator("#ws-joins-stopped")).to_have_text("Nobody new can join now.")
    expect(wall.locator("#ws-join-code")).to_be_hidden()
    expect(wall.locator("#ws-join-qr")).to_be_hidden()
    card_toggle = wall.locator("#ws-join-toggle")  # names what the card holds now
    expect(card_toggle).to_have_accessible_name("Hide the notice")
    card_toggle.click()
    expect(card_toggle).to_have_accessible_name("Show the notice")
    card_toggle.click()

    late.fill("#ws-join-name", "Cecilia")
    late.click("#ws-join-submit")
    expect(late.locator("#ws-join-error")).to_have_text(REFUSED)
    newcomer = open_page(**EN)
    newcomer.goto(f"/w/{code}")
    expect(newcomer.locator("#ws-join-status")).to_have_text(REFUSED)
    expect(newcomer.locator("#ws-join-form")).to_be_hidden()
    try_again = newcomer.get_by_role("button", name="Try again")
    expect(try_again).to_be_visible()

    lead.keyboard.press("Enter")  # let people in again
    expect(lead.locator("#ws-joins-now")).to_have_text(OPEN)
    expect(second.locator("#ws-joins-now")).to_have_text(OPEN)
    expect(wall.locator("#ws-join-code")).to_have_text(code)
    expect(wall.locator("#ws-joins-stopped")).to_be_hidden()
    expect(card_toggle).to_have_accessible_name("Hide the join code")
    late.click("#ws-join-submit")
    late.wait_for_url("**/workshops/*")
    wait_for_map(late)
    try_again.click()  # told the door is open: the form comes
    newcomer.wait_for_selector("#ws-join-form:not([hidden])")
    expect(newcomer.locator("#ws-join-retry")).to_be_hidden()


def test_a_new_join_code_asks_first_and_the_old_one_opens_nothing(app, open_page, browser_log):
    browser_log.allow(404, 422)  # the old code's look-up and join, on purpose
    _, body = workshop(app)
    old = body["join_code"]
    lead = open_page(**EN)
    facilitate_in_browser(lead, body)
    wall = _projector(open_page, body)

    late = open_page(**EN)  # a newcomer with the form open as the code changes
    late.goto(f"/w/{old}")
    late.wait_for_selector("#ws-join-form:not([hidden])")

    ask = lead.get_by_role("button", name="New join code…")
    expect(ask).to_have_attribute("aria-expanded", "false")
    ask.click()
    confirm = lead.get_by_role("group", name="Make a new join code?", exact=False)
    expect(ask).to_have_attribute("aria-expanded", "true")
    expect(confirm.get_by_role("button", name="Keep this code")).to_be_focused()
    lead.keyboard.press("Escape")  # not yet
    expect(confirm).to_be_hidden()
    expect(ask).to_be_focused()
    expect(ask).to_have_attribute("aria-expanded", "false")
    lead.keyboard.press("Enter")
    lead.keyboard.press("Enter")  # "Keep this code", by keyboard
    expect(confirm).to_be_hidden()
    expect(ask).to_be_focused()
    expect(lead.locator("#ws-join-code")).to_have_text(old)

    ask.click()
    confirm.get_by_role("button", name="Make a new code").click()
    expect(lead.locator("#ws-join-code")).not_to_have_text(old)
    new = lead.locator("#ws-join-code").inner_text()
    assert len(new) == 6
    expect(lead.locator("#ws-join-url")).to_have_text(f"{lead.url.split('/workshops')[0]}/w/{new}")
    expect(lead.locator("#map-status")).to_contain_text(f"The join code is now {new}.")
    expect(ask).to_be_focused()
    expect(wall.locator("#ws-join-code")).to_have_text(new)

    late.fill("#ws-join-name", "Cecilia")
    late.click("#ws-join-submit")
    expect(late.locator("#ws-join-status")).to_have_text(
        "This code no longer opens the workshop: the facilitator has made a new one. "
        "Type the new code."
    )
    expect(late.locator("#ws-join-form")).to_be_hidden()
    expect(late.get_by_role("link", name="Type another code")).to_be_visible()

    stale = open_page(**EN)
    stale.goto(f"/w/{old}")
    expect(stale.locator("#ws-join-status")).to_have_text(
        "No workshop has this code. Check it, or ask the facilitator: they may have made a new one."
    )
    join_in_browser(open_page(**EN), new, "Cecilia")


def test_a_closed_or_ended_workshop_invites_nobody(app, open_page):
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat(timespec="seconds")
    facilitator, body = ended_workshop(app)
    lead = open_page(**EN)
    facilitate_in_browser(lead, body)
    expect(lead.locator("#ws-joins-now")).to_have_text(
        "The end time has passed: nobody can join. A later end time lets people in again."
    )
    wall = _projector(open_page, body)
    expect(wall.locator("#ws-joins-stopped")).to_be_visible()
    expect(wall.locator("#ws-join-code")).to_be_hidden()

    # A later end time lets people in again.
    facilitator.post(f"/api/workshops/{body['id']}/ends_at", {"ends_at": later})
    lead.reload()
    wait_for_map(lead)
    expect(lead.locator("#ws-joins-now")).to_have_text(OPEN)

    facilitator.post(f"/api/workshops/{body['id']}/state", {"state": "closed"})
    expect(lead.locator("#ws-joins-now")).to_have_text("The workshop is closed: nobody can join.")
    expect(lead.locator("#ws-joins-toggle")).to_be_disabled()
    expect(lead.locator("#ws-code-new")).to_be_disabled()
    wall.reload()
    wall.wait_for_selector("#map[data-ready='true']")
    expect(wall.locator("#ws-joins-stopped")).to_be_visible()
    expect(wall.locator("#ws-join-qr")).to_be_hidden()


def test_the_projector_without_the_facilitators_link_invites_nobody(app, open_page):
    """Its card began "Join: scan the code, or go to … and type" with no code after it."""
    _, body = workshop(app)
    stranger = open_page(**EN)
    stranger.goto(f"/workshops/{body['id']}/projector")
    expect(stranger.locator("#ws-projector-status")).to_have_text(
        "This page is for the facilitator: open it with the secret facilitator link."
    )
    expect(stranger.locator("#ws-join-how")).to_be_hidden()
