"""The citizen map's review by keyboard and screen reader: the hidden status region says nothing
false once the form has closed for a save (or for a place outside Umeå), Escape closes the place
search's results, an error of the whole form gets focus itself, and a place found is jumped to,
not flown to, when the system asks for less motion."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.browser.conftest import IN_VANNAS, BrowserLog, new_page, open_map
from tests.conftest import Api, pin_feature

FORM_OPENED = "Formuläret för en ny nål är öppet."
SIMILAR_FOUND = "1 liknande nål i närheten, under rubriken."
RATE_LIMITED = "Du har satt många nålar på kort tid. Vänta en minut och försök igen."
OFFLINE = "Kunde inte nå servern. Kontrollera din anslutning och försök igen."


def fill_pin(page: Page, title: str) -> None:
    """Open the form at the map's centre and fill what a pin needs."""
    page.click("#pin-centre")
    expect(page.locator("#pin-panel")).to_be_visible()
    page.select_option("#pin-category", "parks-nature")
    page.fill("#pin-title", title)


def test_after_a_save_the_status_region_no_longer_says_the_form_is_open(
    page: Page, app: Flask
) -> None:
    """The notice says the pin was saved; the hidden region, live too, is emptied rather than
    saying it again (read twice) or saying the closed form is open or what it listed."""
    api = Api(app.test_client())
    api.post("/api/ideas", json=pin_feature((20.2635, 63.8260), title="Fler cyklar"))
    open_map(page)
    status = page.locator("#map-status")
    fill_pin(page, "Parkering för cyklarna")
    expect(status).to_have_text(SIMILAR_FOUND)
    page.click("#pin-submit")
    expect(page.locator("#pin-panel")).to_be_hidden()
    expect(page.locator("#map-notice")).to_contain_text("Parkering för cyklarna")
    expect(status).to_have_text("")

    # Just opened and saved at once: the region said only that the form was open.
    fill_pin(page, "Bänk vid älven")
    expect(status).to_have_text(FORM_OPENED)
    page.click("#pin-submit")
    expect(page.locator("#map-notice")).to_contain_text("Bänk vid älven")
    expect(status).to_have_text("")

    # Escape still says the form closed.
    page.click("#pin-centre")
    expect(status).to_have_text(FORM_OPENED)
    page.keyboard.press("Escape")
    expect(status).to_have_text("Formuläret stängdes.")


def test_a_form_closed_for_a_place_outside_umea_is_not_said_to_be_open(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog
) -> None:
    """The button "A pin where I am", in Vännäs: the form that opened closes with the notice
    why, and the status region no longer says it is open."""
    browser_log.allow(422)  # the server's answer that it is outside
    page = new_page(
        browser,
        live_server,
        browser_log,
        **IN_VANNAS,
    )
    try:
        open_map(page)
        page.get_by_role("button", name="Sätt en nål där jag är").click()
        expect(page.locator("#map-notice")).to_contain_text("utanför Umeå kommun")
        expect(page.locator("#pin-panel")).to_be_hidden()
        expect(page.locator("#map-status")).to_have_text("")
    finally:
        page.context.close()
    assert browser_log.unexpected() == []


def search_holmsund(page: Page) -> tuple[Locator, Locator]:
    """Type "Holmsund" in the place search and press Enter; the field and its listed results."""
    search = page.locator("#place-q")
    results = page.locator("#place-results")
    search.fill("Holmsund")
    page.keyboard.press("Enter")
    expect(results.locator(".place-result").first).to_be_visible()
    return search, results


def hold_the_pages_clock(page: Page) -> None:
    """Install Playwright's clock and pause it: the page's timers and dates then wait for the
    test's `run_for`. Only installed, it runs as fast as real time: a flight of 0.8 s had
    ended before the test looked, in one run beside another test process."""
    page.clock.install()
    page.clock.pause_at(datetime.now(UTC) + timedelta(seconds=1))


def test_escape_in_the_place_results_closes_them(page: Page) -> None:
    """Escape on a result closes the list and goes back to the search field; a second Escape,
    in the field, does what it did before: a search field empties itself."""
    open_map(page)
    search, results = search_holmsund(page)
    page.keyboard.press("ArrowDown")
    expect(results.locator(".place-result").first).to_be_focused()

    page.keyboard.press("Escape")
    expect(search).to_be_focused()
    expect(results).to_be_hidden()
    expect(page.locator("#place-summary")).to_have_text("")  # "1 place found, choose it": gone
    expect(search).to_have_value("Holmsund")
    expect(page.locator("#pin-panel")).to_be_hidden()

    page.keyboard.press("Escape")
    expect(search).to_have_value("")
    expect(search).to_be_focused()

    search_holmsund(page)  # a new search opens the list again


def test_results_closed_by_escape_stay_closed_once_the_typing_pauses(page: Page) -> None:
    """The typing's own search, due 300 ms after the last key, must not open the list again
    after Enter has searched and Escape has closed it. It did, in one run of the browser tests
    where the answer came back within those 300 ms. Here the page's timers wait for the test."""
    open_map(page)
    hold_the_pages_clock(page)  # the typing's search waits until the clock is run
    _search, results = search_holmsund(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(results).to_be_hidden()
    page.clock.run_for(1000)  # past the typing's pause
    page.wait_for_load_state("networkidle")
    expect(results).to_be_hidden()
    expect(page.locator("#place-summary")).to_have_text("")


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_a_place_chosen_is_jumped_to_when_the_system_asks_for_less_motion(
    page: Page, motion: str
) -> None:
    """Someone whose system asks for less motion (a vestibular disorder: WCAG 2.3.3) is taken to
    a place at once, with no flight, zoom or fade animated; others see the map fly there. The
    page's timers and animation frames wait for the test, so a flight has not begun when the
    jump has landed, and both end at the same view."""
    page.emulate_media(reduced_motion=motion)
    open_map(page)
    animated = "document.querySelectorAll('#map.leaflet-fade-anim .leaflet-zoom-animated').length"
    assert (page.evaluate(animated) == 0) == (motion == "reduce")
    hold_the_pages_clock(page)
    _search, results = search_holmsund(page)
    results.locator(".place-result").first.click()
    holmsund = re.compile(r"#map=15/63\.70\d+/20\.3\d+$")
    if motion == "reduce":
        expect(page).to_have_url(holmsund)
    else:
        expect(page).not_to_have_url(holmsund)
    page.clock.run_for(2000)  # past the 0.8 s flight
    expect(page).to_have_url(holmsund)


def refuse_with_429(route: Route) -> None:
    """The server's answer to a pin over the per-minute limit."""
    if route.request.method != "POST":
        route.continue_()
        return
    error = {"code": "rate_limited", "message": RATE_LIMITED, "field": None}
    route.fulfill(
        status=429,
        content_type="application/json",
        body=json.dumps({"error": error}),
        headers={"Retry-After": "60"},
    )


def test_the_per_minute_limit_gets_focus_on_its_message(
    page: Page, browser_log: BrowserLog
) -> None:
    browser_log.allow(429)
    open_map(page)
    page.route("**/api/ideas", refuse_with_429)
    fill_pin(page, "En nål för mycket")
    page.click("#pin-submit")
    error = page.locator("#pin-form-error")
    expect(error).to_have_text(RATE_LIMITED)
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_be_focused()
    expect(page.locator("#pin-panel")).to_be_visible()

    # Tab goes on from the message into the form.
    page.keyboard.press("Tab")
    expect(page.locator("#pin-form input[name='kind']:checked")).to_be_focused()


def test_saving_offline_gets_focus_on_the_message(page: Page, browser_log: BrowserLog) -> None:
    browser_log.allow_network_error("net::ERR_INTERNET_DISCONNECTED")
    open_map(page)
    page.route(
        "**/api/ideas",
        lambda route: (
            route.abort("internetdisconnected")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    fill_pin(page, "Utan nät")
    page.click("#pin-submit")
    error = page.locator("#pin-form-error")
    expect(error).to_have_text(OFFLINE)
    expect(error).to_be_focused()

    # A field's own error still takes focus to its field, and the form's message is gone.
    page.unroute("**/api/ideas")
    page.fill("#pin-title", "")
    page.click("#pin-submit")
    expect(page.locator("#pin-title")).to_be_focused()
    expect(error).to_be_hidden()
