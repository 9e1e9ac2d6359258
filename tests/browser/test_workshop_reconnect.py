"""The workshop pages when the live stream breaks and the browser's own reconnect is refused
(the app's 503 during a database blip, a proxy's 502 during a deploy): every page reads the
workshop again and comes back live. A closed workshop's 204 stops them for good. And the
projector keeps drawings clear of its join card, which the facilitator can hide."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import PHONE
from tests.browser.workshops import (
    box_of,
    centre_under,
    facilitate_in_browser,
    join_in_browser,
    shapes,
    workshop,
)
from tests.workshops.helpers import WorkshopClient, draw, join, shape

EVENTS = "**/api/workshops/*/events*"
# A stream that ends at once: the browser reconnects by itself a tenth of a second later.
BROKEN_STREAM = "retry: 100\n\n"
UNAVAILABLE = {
    "error": {"code": "database_unavailable", "message": "Databasen svarar inte.", "field": None}
}
# Coming back waits 1, 2, 4 … s: two refusals in a row are back within ten seconds.
BACK_WITHIN_MS = 20_000


def point(lon: float, lat: float, note: str) -> dict[str, Any]:
    """A point drawing at lon, lat."""
    feature = shape("Point", note=note)
    feature["geometry"]["coordinates"] = [lon, lat]
    return feature


class EventsScript:
    """A page's event requests answered in turn: "end" (a stream that breaks at once), an
    HTTP error status, or None (the real server, as is every request after the script)."""

    def __init__(self, *answers: str | int | None, on_error: Callable[[], None] = lambda: None):
        self.answers = list(answers)
        self.on_error = on_error
        self.requests = 0

    def __call__(self, route: Route) -> None:
        """Answer one request of the page's EventSource."""
        self.requests += 1
        answer = self.answers.pop(0) if self.answers else None
        if answer is None:
            route.continue_()
        elif answer == "end":
            route.fulfill(status=200, content_type="text/event-stream", body=BROKEN_STREAM)
        else:
            self.on_error()
            route.fulfill(
                status=int(answer),
                content_type="application/json",
                headers={"Retry-After": "1"},
                body=json.dumps(UNAVAILABLE),
            )


def _snapshots(page: Page) -> list[str]:
    """Every GET of the drawings the page makes, from now on."""
    seen: list[str] = []
    page.on(
        "request",
        lambda r: (
            seen.append(r.url) if r.method == "GET" and r.url.endswith("/annotations") else None
        ),
    )
    return seen


def _draws_once(client: WorkshopClient, workshop_id: int, note: str) -> Callable[[], None]:
    """Draw `note` the first time it is called (a page's outage), not again."""
    done: list[bool] = []

    def once() -> None:
        if not done:
            done.append(True)
            assert draw(client, workshop_id, shape("Point", note=note)).status_code == 201

    return once


def _expect_live(page: Page) -> None:
    connection = page.locator("#ws-connection")
    expect(connection).to_have_attribute("data-status", "live", timeout=BACK_WITHIN_MS)
    expect(connection).to_have_text("Live")


def test_every_page_comes_back_live_after_a_refused_reconnect(app, open_page, browser_log):
    browser_log.allow(502, 503)
    browser_log.allow_network_error("EventSource")
    _facilitator, body = workshop(app)
    wid = body["id"]
    bo = join(app, body, "Bo")
    assert draw(bo, wid, shape("Polygon", note="Före avbrottet")).status_code == 201

    # Each stream breaks; the browser's reconnect is refused; a drawing is made meanwhile.
    phone_events = EventsScript(
        "end", 503, on_error=_draws_once(bo, wid, "Under telefonens avbrott")
    )
    lead_events = EventsScript("end", 502, on_error=_draws_once(bo, wid, "Under ledarens avbrott"))
    wall_events = EventsScript(
        "end", 503, 502, on_error=_draws_once(bo, wid, "Under väggens avbrott")
    )
    phone = open_page(**PHONE)
    phone.route(EVENTS, phone_events)
    phone_snapshots = _snapshots(phone)
    join_in_browser(phone, body["join_code"], "Sara")
    lead = open_page()
    lead.route(EVENTS, lead_events)
    lead_snapshots = _snapshots(lead)
    facilitate_in_browser(lead, body)
    wall = lead.context.new_page()
    wall.route(EVENTS, wall_events)
    wall_snapshots = _snapshots(wall)
    wall.goto(f"/workshops/{wid}/projector")
    wall.wait_for_selector("#map[data-ready='true']")

    for page in (phone, lead):
        _expect_live(page)
    status = wall.locator("#ws-projector-live")
    expect(status).to_have_attribute("data-status", "live", timeout=BACK_WITHIN_MS)
    expect(status).to_be_hidden()
    for page in (phone, lead, wall):
        expect(shapes(page)).to_have_count(4)  # one before, three while a stream was down
    # Each page read the drawings again (the first load, then once per way back).
    assert (len(phone_snapshots), len(lead_snapshots), len(wall_snapshots)) == (2, 2, 3)
    assert (phone_events.requests, lead_events.requests, wall_events.requests) == (3, 3, 4)

    # Live again: a new drawing reaches every page through its stream.
    assert draw(bo, wid, shape("Polygon", note="Efter avbrottet")).status_code == 201
    for page in (phone, lead, wall):
        expect(shapes(page)).to_have_count(5)
    expect(lead.locator("#ws-list")).to_contain_text("Under telefonens avbrott")


def test_the_wall_and_the_phone_say_when_they_are_not_live(app, open_page, browser_log):
    """While every reconnect is refused, the wall says so large and the phone in its bar; both
    come back by themselves once the server answers again."""
    browser_log.allow(503)
    browser_log.allow_network_error("EventSource")
    _facilitator, body = workshop(app)
    wid = body["id"]
    bo = join(app, body, "Bo")
    down = {"on": True}

    def refused_while_down(route: Route) -> None:
        if not down["on"]:
            route.continue_()
            return
        route.fulfill(
            status=503,
            content_type="application/json",
            headers={"Retry-After": "1"},
            body=json.dumps(UNAVAILABLE),
        )

    lead = open_page(viewport={"width": 1920, "height": 1080})
    facilitate_in_browser(lead, body)
    wall = lead.context.new_page()
    wall.route(EVENTS, refused_while_down)
    wall.goto(f"/workshops/{wid}/projector")
    wall.wait_for_selector("#map[data-ready='true']")
    phone = open_page(**PHONE)
    phone.route(EVENTS, refused_while_down)
    join_in_browser(phone, body["join_code"], "Sara")

    status = wall.locator("#ws-projector-live")
    expect(status).to_be_visible()
    expect(status).to_have_text("Inte live")
    expect(status).to_have_attribute("role", "status")
    box = status.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0 and box["y"] + box["height"] <= 1080
    # On top: no part of the map hides it.
    assert wall.evaluate(
        """(s) => { const b = s.getBoundingClientRect();
                    const top = document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2);
                    return s.contains(top); }""",
        status.element_handle(),
    )
    expect(phone.locator("#ws-connection")).to_have_text("Inte live")

    assert draw(bo, wid, point(20.2630, 63.8258, "Medan väggen inte var live")).status_code == 201
    down["on"] = False
    expect(status).to_be_hidden(timeout=BACK_WITHIN_MS)
    expect(status).to_have_attribute("data-status", "live")
    _expect_live(phone)
    for page in (wall, phone):
        expect(shapes(page)).to_have_count(1)


def test_a_closed_workshops_204_stops_reconnecting(app, open_page):
    """The stream breaks after the workshop closed, and the browser's reconnect gets the 204
    that says there is nothing more: the page says it is closed and asks no more."""
    facilitator, body = workshop(app)
    wid = body["id"]
    statuses: list[int] = []

    def close_then_break(route: Route) -> None:
        if script.requests == 0:
            assert (
                facilitator.post(f"/api/workshops/{wid}/state", {"state": "closed"}).status_code
                == 200
            )
            last = facilitator.get(f"/api/workshops/{wid}/annotations").get_json()["last_event_id"]
            # The page had every event up to the closing but the `closed` event itself went
            # missing: its reconnect asks for what comes after the last one.
            script.answers = [None]
            script.requests += 1
            route.fulfill(
                status=200, content_type="text/event-stream", body=f"retry: 100\nid: {last}\n\n"
            )
            return
        script(route)

    script = EventsScript()
    phone = open_page(**PHONE)
    phone.route(EVENTS, close_then_break)
    phone.on("response", lambda r: statuses.append(r.status) if "/events" in r.url else None)
    phone.clock.install()
    join_in_browser(phone, body["join_code"], "Sara")

    expect(phone.locator("#ws-notice")).to_have_text(
        "Verkstaden är stängd. Kartan kan läsas men inte ändras."
    )
    connection = phone.locator("#ws-connection")
    expect(connection).to_have_attribute("data-status", "ended")
    # Closed for good, not a broken connection: the review's phones all read "Inte live".
    expect(connection).to_have_text("Stängd: bara läsning")
    assert statuses == [200, 204]
    # Past every wait of a way back (1, 2, 4 … 30 s): the page's timers are skipped through.
    for _ in range(4):
        phone.clock.fast_forward(30_000)
        phone.wait_for_timeout(100)
    assert script.requests == 2
    assert statuses == [200, 204]
    expect(connection).to_have_attribute("data-status", "ended")


def test_the_projector_keeps_drawings_clear_of_its_join_card(app, open_page):
    """A drawing in the south-west sat under the card, which covers a fifth of the wall."""
    facilitator, body = workshop(app)
    bo = join(app, body, "Bo")
    for lon, lat, note in (
        (20.20, 63.80, "Sydväst"),
        (20.30, 63.85, "Nordost"),
        (20.25, 63.825, "Mitt"),
    ):
        assert draw(bo, body["id"], point(lon, lat, note)).status_code == 201
    lead = open_page()
    facilitate_in_browser(lead, body)
    for width, height in ((1920, 1080), (1280, 720), (1024, 768)):
        wall = lead.context.new_page()
        wall.set_viewport_size({"width": width, "height": height})
        wall.goto(f"/workshops/{body['id']}/projector")
        wall.wait_for_selector("#map[data-ready='true']")
        card = box_of(wall.locator(".ws-projector__join"))
        expect(shapes(wall)).to_have_count(3)
        drawn = [box_of(drawing) for drawing in shapes(wall).all()]
        for box in drawn:
            assert not centre_under(box, card), (width, box, card)
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
            assert box["y"] >= 0 and box["y"] + box["height"] <= height, (width, box)
        toggle = box_of(wall.locator("#ws-join-toggle"))
        for box in drawn:
            assert not centre_under(box, toggle), (width, box, toggle)
            assert box["width"] >= 32, box  # a point, seen from the back of the room
        wall.close()


def test_the_facilitator_hides_and_shows_the_join_card(app, open_page):
    _facilitator, body = workshop(app)
    lead = open_page(locale="en-GB")
    facilitate_in_browser(lead, body)
    wall = lead.context.new_page()
    wall.set_viewport_size({"width": 1280, "height": 720})
    wall.goto(f"/workshops/{body['id']}/projector")
    wall.wait_for_selector("#map[data-ready='true']")
    card, toggle = wall.locator("#ws-join-card"), wall.locator("#ws-join-toggle")
    expect(toggle).to_have_accessible_name("Hide the join code")
    expect(toggle).to_have_attribute("aria-controls", "ws-join-card")
    toggle.click()
    expect(card).to_be_hidden()
    expect(toggle).to_have_accessible_name("Show the join code")
    # By keyboard: the button is reached with Tab and pressed with Enter.
    wall.locator("body").focus()
    for _ in range(5):
        wall.keyboard.press("Tab")
        if wall.evaluate("document.activeElement.id") == "ws-join-toggle":
            break
    assert wall.evaluate("document.activeElement.id") == "ws-join-toggle"
    wall.keyboard.press("Enter")
    expect(card).to_be_visible()
    expect(wall.locator("#ws-join-code")).to_have_text(body["join_code"])
    expect(toggle).to_have_accessible_name("Hide the join code")
