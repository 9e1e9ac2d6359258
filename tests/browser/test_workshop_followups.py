"""The workshop pages show the server's newer rules: a drawing made a pin is its author's no
more; a workshop's end time ends it (the participant's tools go, the facilitator extends it);
the facilitator's "Follow me" and the projector's status stay true after a reconnect and with
the join card hidden; a line or an area moves with the arrow keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.sync_api import Page, Route, expect
from sqlalchemy import text

from app.db import get_engine
from tests.browser.conftest import PHONE
from tests.browser.workshops import (
    annotations,
    box_of,
    centre_under,
    facilitate_in_browser,
    join_in_browser,
    joined_with_an_area,
    open_drawing,
    shapes,
    workshop,
)
from tests.workshops.helpers import WorkshopClient, draw, join, shape

EVENTS = "**/api/workshops/*/events*"
ENGLISH: dict[str, Any] = {"locale": "en-GB", "timezone_id": "Europe/Stockholm"}
PHONE_EN: dict[str, Any] = {**PHONE, **ENGLISH}
ENDED = "This workshop has ended. The map can be read, not changed."
LOCKED = "This drawing is now a pin on the public map. It can no longer be changed here."
UNAVAILABLE = {"error": {"code": "database_unavailable", "message": "Down.", "field": None}}
# Coming back after a refused reconnect waits about a second, then reads the workshop again.
BACK_WITHIN_MS = 20_000


def _later(minutes: int = 60) -> str:
    """An end time still to come, as the API takes it."""
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat(timespec="seconds")


def _end_now(app, wid: int) -> None:
    """The end time passes (as it would by itself)."""
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(
            text("UPDATE workshops SET ends_at = now() - interval '1 minute' WHERE id = :w"),
            {"w": wid},
        )


def _promote(facilitator: WorkshopClient, wid: int, annotation_id: int) -> int:
    """Make a drawing a pin; the pin's id."""
    made = facilitator.post(
        f"/api/workshops/{wid}/promote",
        {"annotation_ids": [annotation_id], "kind": "idea", "category": "other"},
    )
    assert made.status_code == 201, made.get_json()
    return int(made.get_json()["features"][0]["id"])


def _refused_once_broken(on_refusal: Any) -> Any:
    """Events answered: a stream that ends at once, then a 503 (after `on_refusal`), then the
    server: the page reads the workshop again before it is live."""
    answers: list[str | None] = ["end", "503"]

    def handle(route: Route) -> None:
        answer = answers.pop(0) if answers else None
        if answer is None:
            route.continue_()
        elif answer == "end":
            route.fulfill(status=200, content_type="text/event-stream", body="retry: 100\n\n")
        else:
            on_refusal()
            route.fulfill(
                status=503,
                content_type="application/json",
                headers={"Retry-After": "1"},
                body=json.dumps(UNAVAILABLE),
            )

    return handle


# 1. A drawing made a pin.


def test_a_participants_drawing_made_a_pin_is_theirs_no_more(app, open_page):
    facilitator, body = workshop(app)
    wid = body["id"]
    phone = open_page(**PHONE_EN)
    joined_with_an_area(phone, body, "Sara", "Park med lekplats", touch=True)
    lead = open_page(**ENGLISH)
    facilitate_in_browser(lead, body)
    drawing = annotations(facilitator, wid)[0]

    open_drawing(phone, "Park med lekplats")
    expect(phone.locator("#ws-detail-edit")).to_be_visible()
    pin_id = _promote(facilitator, wid, drawing["id"])

    # Live: the open panel no longer offers a change, says why, and links to the pin.
    for button in ("#ws-detail-edit", "#ws-detail-reshape", "#ws-detail-delete"):
        expect(phone.locator(button)).to_be_hidden()
    pin = phone.locator("#ws-detail-pin")
    expect(pin).to_be_visible()
    expect(pin).to_contain_text(LOCKED)
    link = phone.locator("#ws-detail-pin-link")
    expect(link).to_have_attribute("href", f"/ideas/{pin_id}")
    expect(link).to_have_accessible_name("Open the pin (opens in a new window)")
    expect(phone.locator("#ws-detail-readonly")).to_be_hidden()
    phone.click("#ws-detail-close")
    item = phone.locator(".ws-list__item", has_text="Park med lekplats")
    expect(item.locator(".ws-list__mark")).to_have_text("made into a pin")

    # After a reload too; the facilitator keeps every control, and sees the pin's link.
    phone.reload()
    phone.wait_for_selector("#map[data-ready='true']")
    open_drawing(phone, "Park med lekplats")
    expect(phone.locator("#ws-detail-edit")).to_be_hidden()
    expect(phone.locator("#ws-detail-pin")).to_be_visible()
    lead.locator(f"#ws-open-{drawing['id']}").click()
    for button in ("#ws-detail-edit", "#ws-detail-reshape", "#ws-detail-delete"):
        expect(lead.locator(button)).to_be_enabled()
    expect(lead.locator("#ws-detail-pin")).to_have_text(
        "This drawing is now a pin on the public map. Open the pin (opens in a new window)"
    )


def test_a_drawing_made_a_pin_while_its_form_is_open_is_refused_there(app, open_page, browser_log):
    browser_log.allow(409)
    facilitator, body = workshop(app)
    wid = body["id"]
    phone = open_page(**PHONE_EN)
    joined_with_an_area(phone, body, "Sara", "Före", touch=True)
    drawing = annotations(facilitator, wid)[0]
    open_drawing(phone, "Före")
    phone.click("#ws-detail-edit")
    expect(phone.locator("#ws-form-panel")).to_be_visible()
    _promote(facilitator, wid, drawing["id"])

    phone.fill("#ws-note", "Efter")
    phone.click("#ws-save")
    error = phone.locator("#ws-form-error")
    expect(error).to_contain_text("This drawing has been made a pin on the public map")
    phone.click("#ws-form-cancel")
    open_drawing(phone, "Före")
    expect(phone.locator("#ws-detail-pin")).to_be_visible()
    assert annotations(facilitator, wid)[0]["properties"]["note"] == "Före"


# 2. The end time.


def _tools_enabled(page: Page, enabled: bool) -> None:
    for tool in ("[data-draw='Point']", "[data-draw='Polygon']", "#ws-undo"):
        if enabled:
            expect(page.locator(tool)).to_be_enabled()
        else:
            expect(page.locator(tool)).to_be_disabled()


def test_the_participants_page_ends_at_the_end_time_and_opens_when_extended(app, open_page):
    facilitator, body = workshop(app, ends_at=_later(10))
    wid = body["id"]
    phone = open_page(**PHONE_EN)
    phone.clock.install()
    join_in_browser(phone, body["join_code"], "Sara")
    notice = phone.locator("#ws-notice")
    expect(notice).to_be_hidden()
    _tools_enabled(phone, True)

    # The page's clock reaches the end time; the server says it has passed.
    _end_now(app, wid)
    phone.clock.fast_forward("11:00")
    expect(notice).to_have_text(ENDED)
    expect(notice).to_be_visible()
    _tools_enabled(phone, False)
    expect(phone.locator("body")).to_have_attribute("data-workshop-ended", "true")

    # The facilitator gives it a later end time: the page, asking while it has ended, opens.
    later = facilitator.post(f"/api/workshops/{wid}/ends_at", {"ends_at": _later(30)})
    assert later.status_code == 200
    phone.clock.fast_forward("00:31")
    expect(notice).to_be_hidden()
    _tools_enabled(phone, True)


def test_an_end_time_set_during_the_session_reaches_open_pages_at_once(app, open_page):
    """The review's phones kept drawing past an end time set after they opened the map."""
    facilitator, body = workshop(app)
    wid = body["id"]
    phone = open_page(**PHONE_EN)
    phone.clock.install()
    join_in_browser(phone, body["join_code"], "Sara")
    expect(phone.locator("#ws-about")).to_be_hidden()  # no description, no end time

    assert (
        facilitator.post(f"/api/workshops/{wid}/ends_at", {"ends_at": _later(10)}).status_code
        == 200
    )
    expect(phone.locator("#ws-about")).to_be_visible()
    phone.click("#ws-about summary")
    expect(phone.locator("#ws-about-ends")).to_contain_text("Ends:")
    _end_now(app, wid)
    phone.clock.fast_forward("11:00")  # its timer came from the event: no reload
    expect(phone.locator("#ws-notice")).to_have_text(ENDED)
    _tools_enabled(phone, False)

    # Removed: the page opens at once, not at its next look half a minute later.
    assert facilitator.post(f"/api/workshops/{wid}/ends_at", {"ends_at": None}).status_code == 200
    expect(phone.locator("#ws-notice")).to_be_hidden()
    _tools_enabled(phone, True)
    expect(phone.locator("#ws-about")).to_be_hidden()


def test_a_page_back_from_a_broken_stream_learns_the_end_passed(app, open_page, browser_log):
    browser_log.allow(503)
    browser_log.allow_network_error("EventSource")
    _facilitator, body = workshop(app, ends_at=_later(120))
    wid = body["id"]
    phone = open_page(**PHONE_EN)
    phone.route(EVENTS, _refused_once_broken(lambda: _end_now(app, wid)))
    join_in_browser(phone, body["join_code"], "Sara")
    expect(phone.locator("#ws-notice")).to_have_text(ENDED, timeout=BACK_WITHIN_MS)
    _tools_enabled(phone, False)


def test_the_facilitator_extends_changes_and_removes_the_end_time(app, open_page, browser_log):
    browser_log.allow(422)
    facilitator, body = workshop(app, ends_at="2030-05-01T18:00:00+02:00")
    wid = body["id"]
    lead = open_page(**ENGLISH)
    facilitate_in_browser(lead, body)
    now, field = lead.locator("#ws-end-now"), lead.locator("#ws-end-at")
    expect(now).to_have_text("Ends 2030-05-01 18:00.")
    expect(field).to_have_value("2030-05-01T18:00")
    expect(field).to_have_accessible_name("Extend or change the end time")

    # A time that has passed: the server's refusal beside the field, the focus on it.
    field.fill("2020-01-01T10:00")
    lead.click("#ws-end-save")
    error = lead.locator("#ws-end-error")
    expect(error).to_have_text("The end time has passed already: choose a later one, or none.")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    expect(field).to_have_accessible_description(
        "After the end time nobody can join, and participants can look but not draw. "
        "You still can. The end time has passed already: choose a later one, or none."
    )

    # By keyboard: a later time, and Enter.
    field.fill("2031-06-02T09:30")
    field.press("Enter")
    expect(now).to_have_text("Ends 2031-06-02 09:30.")
    expect(error).to_be_hidden()
    expect(field).not_to_have_attribute("aria-invalid", "true")
    state = facilitator.get(f"/api/workshops/{wid}").get_json()
    assert state["ends_at"] == "2031-06-02T07:30:00+00:00"
    expect(lead.locator("#map-status")).to_have_text("The end time was saved: 2031-06-02 09:30.")

    lead.click("#ws-end-remove")
    expect(now).to_have_text("No end time: the workshop goes on until you close it.")
    expect(field).to_have_value("")
    expect(lead.locator("#ws-end-remove")).to_be_disabled()
    assert facilitator.get(f"/api/workshops/{wid}").get_json()["ends_at"] is None


def test_the_facilitator_sees_it_ended_and_opens_it_again(app, open_page):
    facilitator, body = workshop(app, ends_at=_later())
    wid = body["id"]
    _end_now(app, wid)
    lead = open_page(**ENGLISH)
    facilitate_in_browser(lead, body)
    notice = lead.locator("#ws-notice")
    expect(notice).to_have_text(
        "The end time has passed: participants can no longer draw or join. You can still "
        "draw, or set a later end time."
    )
    expect(lead.locator("#ws-end-now")).to_contain_text("Ended ")
    _tools_enabled(lead, True)  # the facilitator goes on

    lead.fill("#ws-end-at", "2031-06-02T09:30")
    lead.click("#ws-end-save")
    expect(notice).to_be_hidden()
    expect(lead.locator("#ws-end-now")).to_have_text("Ends 2031-06-02 09:30.")
    assert facilitator.get(f"/api/workshops/{wid}").get_json()["ended"] is False


# 3. After a reconnect, and the projector's card.


def test_follow_me_is_read_again_after_a_reconnect(app, open_page, browser_log):
    browser_log.allow(503)
    browser_log.allow_network_error("EventSource")
    facilitator, body = workshop(app)
    wid = body["id"]
    assert facilitator.post(f"/api/workshops/{wid}/follow", {"on": True}).status_code == 200

    def another_tab_stops_following() -> None:
        assert facilitator.post(f"/api/workshops/{wid}/follow", {"on": False}).status_code == 200

    lead = open_page(**ENGLISH)
    lead.route(EVENTS, _refused_once_broken(another_tab_stops_following))
    facilitate_in_browser(lead, body)
    button = lead.locator("#ws-follow-me")
    expect(lead.locator("#ws-connection")).to_have_attribute(
        "data-status", "live", timeout=BACK_WITHIN_MS
    )
    expect(button).to_have_attribute("aria-pressed", "false")


def test_the_projector_keeps_its_status_and_refits_when_the_card_comes_back(app, open_page):
    facilitator, body = workshop(app)
    wid = body["id"]
    bo = join(app, body, "Bo")
    point = shape("Point", note="Bänk")
    point["geometry"]["coordinates"] = [20.25, 63.82]
    assert draw(bo, wid, point).status_code == 201
    assert facilitator.post(f"/api/workshops/{wid}/state", {"state": "paused"}).status_code == 200
    lead = open_page(**ENGLISH)
    facilitate_in_browser(lead, body)
    wall = lead.context.new_page()
    wall.set_viewport_size({"width": 1280, "height": 720})
    wall.goto(f"/workshops/{wid}/projector")
    wall.wait_for_selector("#map[data-ready='true']")
    card, toggle = wall.locator("#ws-join-card"), wall.locator("#ws-join-toggle")
    status = wall.locator("#ws-projector-status")
    expect(status).to_have_text("Paused: only the facilitator can draw")
    card_box = box_of(card)

    toggle.click()
    expect(card).to_be_hidden()
    expect(status).to_be_visible()
    # The facilitator brings everyone to a view with the drawing where the card goes.
    view = {"center": [20.2885, 63.8296], "zoom": 14}
    assert facilitator.post(f"/api/workshops/{wid}/view", view).status_code == 200
    wall.wait_for_function(
        """([x0, y0, x1, y1]) => {
             const b = document.querySelector("#map path.ws-shape").getBoundingClientRect();
             const x = b.x + b.width / 2, y = b.y + b.height / 2;
             return x >= x0 && x <= x1 && y >= y0 && y <= y1;
           }""",
        arg=[
            card_box["x"],
            card_box["y"],
            card_box["x"] + card_box["width"],
            card_box["y"] + card_box["height"],
        ],
    )

    toggle.click()
    expect(card).to_be_visible()
    expect(status).to_be_visible()
    assert not centre_under(box_of(shapes(wall).first), box_of(card))


# 4. Moving a line or an area by keyboard.


def test_an_area_moves_with_the_arrow_keys(app, open_page):
    facilitator, body = workshop(app)
    wid = body["id"]
    page = open_page(**ENGLISH)
    joined_with_an_area(page, body, "Sara", "Torget")
    before = annotations(facilitator, wid)[0]
    page.locator("#map path.ws-shape").click()  # on the map: it stays where it is
    page.click("#ws-detail-reshape")
    expect(page.locator("#ws-edit-hint")).to_contain_text("the arrow keys move it too")
    expect(page.locator("#ws-edit-done")).to_be_focused()
    view = page.locator("#map").get_attribute("data-view")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#map-status")).to_have_text("The new position was saved.")
    after = annotations(facilitator, wid)[0]
    assert after["properties"]["version"] == before["properties"]["version"] + 1
    old_ring, new_ring = before["geometry"]["coordinates"][0], after["geometry"]["coordinates"][0]
    for (lon0, lat0), (lon1, lat1) in zip(old_ring, new_ring, strict=True):
        assert lon1 > lon0 and abs(lat1 - lat0) <= 2e-6  # east, as stored (6 decimals)
    assert page.locator("#map").get_attribute("data-view") == view  # the shape, not the map
    page.keyboard.press("Enter")  # "Done"
    expect(page.locator("#ws-editbar")).to_be_hidden()
