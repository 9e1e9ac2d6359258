"""The citizen map where a first version let people down: a card under the tool panel on a
phone, a load that failed in silence, the new pin hidden, pins at one place out of a keyboard's
reach, a place outside Umeå found out only on saving, a language switch that forgot the view."""

from __future__ import annotations

import re
import threading

from flask import Flask
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.conftest import (
    IN_VANNAS,
    PHONE,
    BrowserLog,
    let_the_page_run_until,
    new_page,
    open_map,
)
from tests.conftest import Api, pin_feature

CENTRE = (20.2630, 63.8258)  # the map's first centre, in Centrala stan


def wait_until_on_top(page: Page, selector: str, container: str) -> None:
    """Wait (the map may still be panning) until what a person sees at the middle of
    `selector` belongs to `container`. Markers that take no pointer events, like the new pin's,
    are made to take them for the question."""
    page.wait_for_function(
        """([selector, container]) => {
            const node = document.querySelector(selector);
            if (!node) return false;
            node.style.pointerEvents = "auto";
            const box = node.getBoundingClientRect();
            const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            return Boolean(top && top.closest(container));
        }""",
        arg=[selector, container],
    )


def open_linked_card(page: Page, app: Flask) -> None:
    """Make a pin, open the map at its link and wait until its card has filled, on top."""
    created = Api(app.test_client()).post(
        "/api/ideas", json=pin_feature(CENTRE, title="Bänk vid älven")
    )
    open_map(page, f"/#pin={created.get_json()['id']}")
    expect(page.locator(".pin-card h2")).to_have_text("Bänk vid älven")
    wait_until_on_top(page, ".pin-card h2", ".pin-card")


def test_a_pins_card_on_a_phone_is_not_under_the_tool_panel(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog
) -> None:
    """The panel (search, place a pin, filter) makes way while a card is open, and comes back."""
    page = new_page(browser, live_server, browser_log, **PHONE)
    try:
        open_linked_card(page, app)
        expect(page.locator("#map-tools")).to_be_hidden()
        box = page.locator(".pin-popup").bounding_box()
        assert box is not None and box["y"] >= 0
        close = page.locator(".leaflet-popup-close-button")
        expect(close).to_have_attribute("aria-label", "Stäng kortet")
        # By its key, not a click at its centre: a click missed the button in 2 of 5
        # fresh-clone runs and the card stayed open; why is not known. (Two loads 1e-5° apart
        # in those runs were a load asked mid-pan, not a later move; the next test.) The
        # panel's return is what is tested.
        close.press("Enter")
        expect(page.locator(".pin-popup")).to_have_count(0)
        expect(page.locator("#map-tools")).to_be_visible()
    finally:
        page.context.close()
    assert browser_log.unexpected() == []


# Each load of the map's pins, as it is asked: its URL, and whether the map was panning or
# zooming at that moment.
WATCH_LOADS = """
window.__loads = [];
const fetchNow = window.fetch;
window.fetch = function (url, ...rest) {
  if (String(url).includes("/api/map/clusters?")) {
    const moving = Boolean(document.querySelector(".leaflet-pan-anim, .leaflet-zoom-anim"));
    window.__loads.push({ url: String(url), moving });
  }
  return fetchNow.call(this, url, ...rest);
};
"""


def test_a_pins_card_panned_into_view_loads_no_view_in_passing(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog
) -> None:
    """A card pans the map twice as it opens on a phone: a little for its placeholder, then
    the rest once it has filled. The pins are asked for where the map rests, never for a
    view it is passing through (a load timed from the first pan's end came mid-way through
    the second, one more load per opened card)."""
    page = new_page(browser, live_server, browser_log, **PHONE)
    # Slowed as a busy phone is: the placeholder's pan is still under way when the card fills.
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.add_init_script(WATCH_LOADS)
    try:
        open_linked_card(page, app)
        # once the card's pan has ended, every load asked on the way has been asked
        page.wait_for_function("() => !document.querySelector('.leaflet-pan-anim')")
        loads = page.evaluate("window.__loads")
        assert loads and [load["url"] for load in loads if load["moving"]] == []
    finally:
        page.context.close()
    assert browser_log.unexpected() == []


def test_a_view_that_cannot_load_is_said_on_screen(page: Page, browser_log: BrowserLog) -> None:
    """A failed load and a refused filter are shown under the panel, not only spoken; the
    refused field is marked, and the next good load clears both."""
    browser_log.allow(503, 422)
    failing = threading.Event()

    def clusters(route: Route) -> None:
        if failing.is_set():
            route.fulfill(
                status=503,
                content_type="application/json",
                headers={"Retry-After": "0"},
                body='{"error": {"code": "busy", "field": null, '
                '"message": "Servern är upptagen."}}',
            )
        else:
            route.continue_()

    page.route("**/api/map/clusters?*", clusters)
    open_map(page)
    result = page.locator("#filter-result")
    expect(result).to_be_hidden()

    failing.set()
    page.locator(".leaflet-control-zoom-in").click()
    expect(result).to_have_text("Nålarna kunde inte visas: Servern är upptagen.")
    expect(result).to_have_attribute("role", "alert")
    failing.clear()

    page.locator("#map-filters summary").click()
    page.fill("#filter-q", "cykel\u200bställ")  # a zero-width space, as a paste may bring
    page.press("#filter-q", "Enter")
    expect(result).to_have_text(
        "Filtret ”Ord i rubrik eller beskrivning” kunde inte användas: Fältet innehåller "
        "ett osynligt tecken eller styrtecken (U+200B)."
    )
    expect(page.locator("#filter-q")).to_have_attribute("aria-invalid", "true")

    page.fill("#filter-q", "cykelställ")
    page.press("#filter-q", "Enter")
    expect(result).to_have_text(
        "Inga nålar på kartan stämmer med filtret. Zooma ut eller ändra filtret."
    )
    expect(page.locator("#filter-q")).not_to_have_attribute("aria-invalid", "true")


def test_the_place_of_a_new_pin_is_drawn_above_the_clusters(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog
) -> None:
    """On a phone, the place being chosen is drawn over the numbered cells, not under them."""
    api = Api(app.test_client())
    for n in range(12):  # a browser cluster right where the new pin goes
        api.post(
            "/api/ideas", json=pin_feature((CENTRE[0] + n * 1e-5, CENTRE[1]), title=f"Nål {n}")
        )
    page = new_page(browser, live_server, browser_log, **PHONE)
    try:
        open_map(page)
        expect(page.locator(".marker-cluster")).to_have_count(1)
        page.click("#pin-centre")
        expect(page.locator("#pin-panel")).to_be_visible()
        wait_until_on_top(page, ".pin--draft", ".pin--draft")
    finally:
        page.context.close()
    assert browser_log.unexpected() == []


def test_a_saved_pin_is_moved_out_from_under_the_tool_panel(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog
) -> None:
    """On a phone the form pans the new pin above its sheet, where the tool panel comes back
    when the form closes: the saved pin is moved out from under it, so the notice that it is
    on the map is true."""
    page = new_page(browser, live_server, browser_log, **PHONE)
    try:
        open_map(page)
        page.click("#pin-centre")
        page.select_option("#pin-category", "parks-nature")
        page.fill("#pin-title", "Ny bänk vid torget")
        page.click("#pin-submit")
        expect(page.locator("#map-notice")).to_contain_text("Ny bänk vid torget")
        wait_until_on_top(page, ".pin[aria-label$='Ny bänk vid torget']", ".pin")
    finally:
        page.context.close()
    assert browser_log.unexpected() == []


def test_pins_at_one_place_open_by_keyboard(page: Page, app: Flask) -> None:
    """At the deepest zoom a cluster of pins at the very same place spreads them out on Enter,
    as a click does, and focus goes to the first of them."""
    api = Api(app.test_client())
    for title in ("Samma plats ett", "Samma plats två"):
        api.post("/api/ideas", json=pin_feature(CENTRE, title=title))
    open_map(page)
    page.locator("#map").focus()
    deepest = page.locator(".leaflet-control-zoom-in.leaflet-disabled")
    for _ in range(10):  # zoom in by keyboard until the map can go no deeper
        if deepest.count():
            break
        page.keyboard.press("+")
        page.wait_for_timeout(400)  # one step's animation
    expect(deepest).to_have_count(1)
    # the plugin ignores a cluster activated while it still animates the last zoom (as it
    # ignores a click then)
    page.wait_for_function("() => !document.querySelector('.leaflet-cluster-anim')")
    cluster = page.get_by_role("button", name="2 nålar här. Aktivera för att zooma in.")
    expect(cluster).to_have_count(1)
    cluster.focus()
    page.keyboard.press("Enter")
    focused = page.locator(".pin:focus")
    expect(focused).to_have_count(1)
    label = focused.get_attribute("aria-label") or ""
    assert label.endswith(("Samma plats ett", "Samma plats två"))
    page.keyboard.press("Enter")
    expect(page.locator(".pin-card h2")).to_be_focused()


def test_a_place_outside_the_municipality_is_said_before_anything_is_written(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog
) -> None:
    """Vännäs is inside the map's rectangle but outside Umeå: the position button says so at
    once, and no form opens; a place inside gets its district said in the form."""
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
        expect(page.locator("#map-notice")).to_have_text(
            "Din position ligger utanför Umeå kommun. Välj platsen på kartan i stället."
        )
        expect(page.locator("#pin-panel")).to_be_hidden()

        page.goto("/")
        page.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
        page.click("#pin-centre")
        expect(page.locator("#pin-district")).to_have_text("Stadsdel: Centrala stan")
    finally:
        page.context.close()
    assert browser_log.unexpected() == []


def test_the_language_switch_keeps_the_filter_and_the_open_pin(page: Page, app: Flask) -> None:
    api = Api(app.test_client())
    created = api.post("/api/ideas", json=pin_feature(CENTRE, kind="concern", category="safety"))
    idea_id = created.get_json()["id"]
    open_map(page, f"/#pin={idea_id}")
    expect(page.locator(".pin-card h2")).to_be_visible()
    page.keyboard.press("Escape")
    page.locator("#map-filters summary").click()
    page.select_option("#filter-kind", "concern")
    page.evaluate(f"() => {{ window.location.hash = 'pin={idea_id}'; }}")
    page.get_by_role("link", name="English").click()
    page.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
    assert page.url.endswith(f"/?kind=concern#pin={idea_id}")
    expect(page.locator("#filter-kind")).to_have_value("concern")
    expect(page.locator(".pin-card h2")).to_be_visible()
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("aria-label", "Zoom in")


def test_the_maps_controls_and_outlines_in_swedish_and_by_keyboard(page: Page) -> None:
    """Leaflet's English names are the page's language; the district outlines (a pointer's
    hover names) are not a hundred nameless Tab stops."""
    open_map(page)
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("aria-label", "Zooma in")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "Zooma ut")
    page.wait_for_selector("path.district")
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator(".district-tooltip")).to_have_count(1)  # a pointer's names (not a phone's)
    page.locator("#map").focus()  # an empty map: the next stop is its first control
    page.keyboard.press("Tab")
    expect(page.locator(".leaflet-control-zoom-in")).to_be_focused()


def test_saving_says_so_on_the_button(page: Page) -> None:
    held: list[Route] = []  # the POST, kept waiting until the button has been looked at
    open_map(page)
    page.route("**/api/ideas", lambda route: held.append(route))
    page.click("#pin-centre")
    page.select_option("#pin-category", "parks-nature")
    page.fill("#pin-title", "Långsam förbindelse")
    page.click("#pin-submit")
    submit = page.locator("#pin-submit")
    expect(submit).to_have_text("Sparar …")
    expect(submit).to_be_disabled()
    let_the_page_run_until(page, lambda: len(held) == 1)
    held[0].continue_()
    expect(page.locator("#map-notice")).to_contain_text("Långsam förbindelse")
    page.click("#pin-centre")
    expect(submit).to_have_text("Spara nålen")
    expect(submit).to_be_enabled()


def test_a_refused_report_is_answered_beside_the_report_form(page: Page, app: Flask) -> None:
    api = Api(app.test_client())
    idea_id = api.post("/api/ideas", json=pin_feature(CENTRE)).get_json()["id"]
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"/ideas/{idea_id}")
    for _ in range(2):  # the second time, it was reported before
        page.locator("#report summary").click()
        page.locator("input[name='reason'][value='spam']").check()
        page.click("#report button[type='submit']")
        page.wait_for_load_state()
    notice = page.locator("#report .notice")
    expect(notice).to_have_text("Du har redan anmält den här nålen.")
    box = notice.bounding_box()
    assert box is not None and 0 <= box["y"] < 740


def test_the_view_is_in_the_address_for_a_reload_and_the_other_language(page: Page) -> None:
    """Where the map was moved is kept in the address (#map=zoom/lat/lon): a reload and the
    language switch come back to it; an address naming no place the map can show is ignored."""
    open_map(page)
    page.locator("#map").focus()
    page.keyboard.press("+")
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"/#map=13/"))
    page.wait_for_timeout(600)  # the last step's animation, then its moveend
    view = page.url.split("#", 1)[1]

    page.reload()
    page.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
    assert page.url.endswith(f"/#{view}")
    page.get_by_role("link", name="English").click()
    page.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
    assert page.url.endswith(f"/#{view}")

    open_map(page, "/#map=13/59.33/18.06")  # Stockholm: outside the map's bounds
    page.locator(".leaflet-control-zoom-in").click()
    expect(page).to_have_url(re.compile(r"/#map=14/63\."))


def test_a_linked_pins_card_stays_open_when_a_neighbour_joins_the_map(page: Page, app: Flask):
    """The card a link opens must survive the view's load that brings a pin nearby (the
    cluster plugin takes a marker off the map and back when a neighbour joins it)."""
    # in Holmsund, out of the map's first view: the neighbour comes with the linked view's load
    here = (20.3360, 63.7020)
    api = Api(app.test_client())
    linked = api.post("/api/ideas", json=pin_feature(here, title="Länkad nål"))
    api.post("/api/ideas", json=pin_feature((here[0] - 0.0047, here[1]), title="Granne"))
    open_map(page, f"/#pin={linked.get_json()['id']}")
    expect(page.locator(".pin-card h2")).to_have_text("Länkad nål")
    expect(page.locator("#map")).to_have_attribute("data-pins-loaded", "2")  # the neighbour
    page.wait_for_timeout(800)  # what closed it did so within half a second of the load
    expect(page.locator(".pin-card h2")).to_have_text("Länkad nål")


def test_a_marker_focused_under_the_tool_panel_is_brought_into_view(page: Page, app: Flask):
    """Tab to a pin that lies under the panel (the map's top left): the map moves it out, so
    the focus ring is seen."""
    api = Api(app.test_client())
    # about 150 px from the left and 100 px from the top of the 1280×800 page's first view
    api.post("/api/ideas", json=pin_feature((20.0944, 63.8676), title="Under panelen"))
    open_map(page)
    marker = page.locator(".pin[aria-label$='Under panelen']")
    tools = page.locator("#map-tools")

    def under_the_panel() -> bool:
        box, panel = marker.bounding_box(), tools.bounding_box()
        assert box is not None and panel is not None
        return (
            box["x"] < panel["x"] + panel["width"]
            and box["x"] + box["width"] > panel["x"]
            and box["y"] < panel["y"] + panel["height"]
            and box["y"] + box["height"] > panel["y"]
        )

    assert under_the_panel()  # where it starts
    page.locator("#map").focus()
    page.keyboard.press("Tab")
    expect(marker).to_be_focused()
    assert not under_the_panel()
