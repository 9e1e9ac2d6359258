"""The citizen map on phones and at 200 % zoom, where a review found it failing: a pin's card
that opened and vanished, Tab that lost the focus among the map's markers, Support that sent
the focus to the top of the page, and a tool panel over the map's centre."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, BrowserLog, new_page, open_map
from tests.browser.test_accessibility import violations
from tests.conftest import Api, pin_feature

CENTRE = (20.2630, 63.8258)  # the map's first centre, in Centrala stan
HOLMSUND = (20.3360, 63.7020)  # out of the first view: a link to a pin there moves the map

VIEWS: dict[str, dict[str, Any]] = {
    "phone375": {**PHONE, "viewport": {"width": 375, "height": 667}},
    "phone320": {**PHONE, "viewport": {"width": 320, "height": 568}},
    # a 1280 x 800 screen at 200 %: a CSS viewport of 640 x 400
    "zoom200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}
ANSWER = "Vi planerar att åtgärda detta under våren. Snöröjningen på Storgatan prioriteras."


@pytest.fixture
def open_page(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog
) -> Iterator[Callable[..., Page]]:
    """Open a page with the context arguments given; no console errors by the end."""
    pages: list[Page] = []

    def opened(**context_args: Any) -> Page:
        page = new_page(browser, live_server, browser_log, **context_args)
        page.add_init_script(NOTE_LOADS)
        pages.append(page)
        return page

    yield opened
    for page in pages:
        page.context.close()
    assert browser_log.unexpected() == []


# Every move of the map sets its pane's transform, and each load of the view's pins (one follows
# every move, pin-layer.js) sets #map's data-pins-loaded: number them in the order they happen.
NOTE_LOADS = """document.addEventListener("DOMContentLoaded", () => {
  const map = document.getElementById("map");
  const pane = map && map.querySelector(".leaflet-map-pane");
  if (!pane) return;
  let n = 0;
  window.movedAt = window.loadedAt = 0;
  new MutationObserver(() => { window.movedAt = ++n; })
    .observe(pane, { attributes: true, attributeFilter: ["style"] });
  new MutationObserver(() => { window.loadedAt = ++n; })
    .observe(map, { attributes: true, attributeFilter: ["data-pins-loaded"] });
});"""


def wait_for_the_views_pins(page: Page) -> None:
    """Wait until the map has stopped and the pins of where it stopped are drawn."""
    page.wait_for_function("() => window.loadedAt > window.movedAt")


def tall_pin(app: Flask, staff: Callable[[str], Api], where: tuple[float, float]) -> int:
    """A pin with the longest title and body and the municipality's answer (a tall card), and a
    neighbour that the linked view's load brings (it re-clusters the pin's marker)."""
    api = Api(app.test_client())
    title = "Snöröjning " + "på Storgatan " * 8
    body = "Trottoaren är aldrig plogad före åtta. " * 100
    created = api.post(
        "/api/ideas", json=pin_feature(where, title=title[:120].strip(), body=body[:4000])
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    pin_id = int(created.get_json()["id"])
    answered = staff("moderator").patch(
        f"/api/ideas/{pin_id}", {"status": "planned", "answer": ANSWER}
    )
    assert answered.status_code == 200, answered.get_data(as_text=True)
    api.post("/api/ideas", json=pin_feature((where[0] - 0.002, where[1]), title="Granne"))
    return pin_id


def assert_card_open_with_its_pin_in_view(page: Page) -> None:
    """Once the map has loaded what it moved to, the card is still open, all of it on the map,
    and so is the pin it belongs to."""
    card = page.locator(".leaflet-popup .pin-card__title")
    expect(card).to_be_visible()
    expect(page.locator(".pin-card__answer")).to_contain_text("Snöröjningen")
    wait_for_the_views_pins(page)  # the load the card's pan into view set off
    # a load that began before the pan may answer during it: wait until the card stands still
    # (Playwright's trial click), and for the load that follows
    page.locator(".leaflet-popup-close-button").click(trial=True)
    wait_for_the_views_pins(page)
    expect(card).to_be_visible()
    map_box = page.locator("#map").bounding_box()
    popup = page.locator(".leaflet-popup").bounding_box()
    assert map_box is not None and popup is not None
    assert (
        map_box["y"] <= popup["y"]
        and popup["y"] + popup["height"] <= map_box["y"] + map_box["height"]
    )
    assert popup["x"] >= 0 and popup["x"] + popup["width"] <= map_box["width"]
    pin = page.locator(".pin[aria-label^='Idé, Parker och natur: Snöröjning']")
    expect(pin).to_be_visible()
    box = pin.bounding_box()
    assert box is not None
    assert map_box["y"] <= box["y"] and box["y"] + box["height"] <= map_box["y"] + map_box["height"]


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_a_linked_pins_tall_card_stays_open(
    open_page: Callable[..., Page], app: Flask, staff: Callable[[str], Api], view: str
) -> None:
    """#pin= on a phone and at 200 %: the card was panned until its pin left the map, which
    took the marker away and the card with it."""
    pin_id = tall_pin(app, staff, HOLMSUND)
    page = open_page(**VIEWS[view])
    open_map(page, f"/#pin={pin_id}")
    assert_card_open_with_its_pin_in_view(page)


def test_show_on_the_map_from_a_pins_page_on_a_small_phone(
    open_page: Callable[..., Page], app: Flask, staff: Callable[[str], Api]
) -> None:
    pin_id = tall_pin(app, staff, HOLMSUND)
    page = open_page(**VIEWS["phone320"])
    page.goto(f"/ideas/{pin_id}")
    page.get_by_role("link", name="Visa på kartan").tap()
    page.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
    assert_card_open_with_its_pin_in_view(page)


def test_a_tapped_pins_tall_card_stays_open(
    open_page: Callable[..., Page], app: Flask, staff: Callable[[str], Api]
) -> None:
    tall_pin(app, staff, HOLMSUND)
    page = open_page(**VIEWS["phone375"])
    open_map(page, f"/#map=16/{HOLMSUND[1]}/{HOLMSUND[0]}")
    page.locator(".pin[aria-label^='Idé, Parker och natur: Snöröjning']").tap()
    assert_card_open_with_its_pin_in_view(page)


def test_tab_goes_on_through_the_server_clusters_and_off_the_map(
    open_page: Callable[..., Page], app: Flask
) -> None:
    """At 320 px a cell under the tool panel is panned out from under it when Tab reaches it;
    the load that follows rebuilt every cell, the focused one too, and the focus fell to
    <body> (and came back to the same cell, over and over). Each Tab must land on a live
    element, and the controls after the map must be reached."""
    api = Api(app.test_client())
    # at zoom 12 one pixel is about 0.00034° of longitude and 0.00015° of latitude here
    spots = [(-60, -185), (0, 60), (60, 150), (-100, 120)]  # pixels from the centre
    for dx, dy in spots:
        for n in range(3):
            lon = CENTRE[0] + (dx + 2 * n) * 0.000343
            lat = CENTRE[1] - dy * 0.000151
            api.post("/api/ideas", json=pin_feature((lon, lat), title=f"Nål {dx} {n}"))
    previous = app.config["MAP_PIN_LIMIT"]
    app.config["MAP_PIN_LIMIT"] = 5  # the view is drawn as server clusters
    try:
        page = open_page(viewport={"width": 320, "height": 568})
        open_map(page, f"/#map=12/{CENTRE[1]}/{CENTRE[0]}")
        cells = page.locator(".server-cluster")
        expect(cells).to_have_count(len(spots))
        assert any(under_the_panel(page, cell) for cell in cells.all())
        page.locator("#map").focus()
        focused = []
        for _ in range(len(spots) + 1):
            page.keyboard.press("Tab")
            wait_for_the_views_pins(page)  # after a pan, its load has been drawn
            focused.append(page.evaluate(FOCUSED))
        assert focused[-1] == "A leaflet-control-zoom-in", focused
        assert sorted(focused[:-1]) == sorted(["DIV 3 nålar här. Aktivera för att zooma in."] * 4)
    finally:
        app.config["MAP_PIN_LIMIT"] = previous


# What has the focus: its tag and name (or class), and "gone" for one taken off the page.
FOCUSED = """() => {
  const a = document.activeElement;
  if (!a || a === document.body) return 'BODY';
  if (!a.isConnected) return 'gone';
  return a.tagName + ' ' + (a.getAttribute('aria-label') && a.tagName === 'DIV'
    ? a.getAttribute('aria-label') : a.classList[0]);
}"""


def under_the_panel(page: Page, cell: Any) -> bool:
    """Whether the cell lies under the tool panel."""
    box, panel = cell.bounding_box(), page.locator("#map-tools").bounding_box()
    assert box is not None and panel is not None
    return box["y"] < panel["y"] + panel["height"] and box["x"] < panel["x"] + panel["width"]


def test_support_keeps_the_focus_on_its_button(page: Page, app: Flask) -> None:
    """Support (+1) in a card and in the form's similar pins: the button was disabled, which
    sent the focus to <body>; it stays on the button, said to be unavailable, and the note
    beside it says that the support was counted."""
    api = Api(app.test_client())
    created = api.post("/api/ideas", json=pin_feature(CENTRE, title="Fler cykelställ"))
    open_map(page, f"/#pin={created.get_json()['id']}")
    button = page.locator(".leaflet-popup .support-button")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup .pin-card__note")).to_have_text(
        "Tack, ditt stöd har räknats."
    )
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-disabled", "true")
    expect(button).to_have_text("Stöttad")
    page.keyboard.press("Enter")  # once is enough: the server is not asked again
    page.keyboard.press("Tab")
    expect(page.locator(".leaflet-popup .pin-card__link").first).to_be_focused()
    assert (
        api.get(f"/api/ideas/{created.get_json()['id']}").get_json()["properties"]["support_count"]
        == 1
    )

    near = api.post(
        "/api/ideas", json=pin_feature((CENTRE[0] + 0.0005, CENTRE[1]), title="Cykelställ")
    )
    page.keyboard.press("Escape")
    page.click("#pin-centre")
    page.fill("#pin-title", "Cykelställ vid torget")
    item = page.locator(
        "#pin-similar li", has=page.locator(f"#pin-similar-{near.get_json()['id']}")
    )
    similar = item.locator(".support-button")
    similar.focus()
    page.keyboard.press("Enter")
    expect(item.locator(".pin-card__note")).to_have_text("Tack, ditt stöd har räknats.")
    expect(similar).to_be_focused()


def test_the_tool_panel_folds_away_from_the_centre_of_a_small_phone(
    open_page: Callable[..., Page], app: Flask
) -> None:
    """At 320 x 568 the panel covered 40 % of the map, its centre too: a pin placed or opened
    there lay under it. Folded, it leaves the centre free; the keyboard unfolds it, and axe
    finds nothing either way."""
    api = Api(app.test_client())
    created = api.post("/api/ideas", json=pin_feature(CENTRE, title="Mitt på kartan"))
    page = open_page(bypass_csp=True, **VIEWS["phone320"])
    open_map(page, f"/#pin={created.get_json()['id']}")
    expect(page.locator(".pin-card h2")).to_have_text("Mitt på kartan")
    page.locator(".leaflet-popup-close-button").tap()
    toggle = page.locator("#map-tools-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#place-q")).to_be_hidden()
    pin = page.locator(".pin[aria-label$='Mitt på kartan']")
    assert on_top(page, pin), "the opened pin is not under the panel"
    assert page.evaluate(CENTRE_IS_MAP), "the map's centre is not under the panel"
    assert violations(page) == []

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#place-q")).to_be_visible()
    expect(page.locator("#map-filters summary")).to_be_visible()
    assert violations(page) == []
    page.keyboard.press("Enter")
    expect(page.locator("#place-q")).to_be_hidden()

    page.locator("#pin-centre").tap()
    page.select_option("#pin-category", "parks-nature")
    page.fill("#pin-title", "En bänk vid " + "den långa gångvägen " * 4)
    page.locator("#pin-submit").tap()
    expect(page.locator("#map-notice")).to_contain_text("En bänk vid")
    assert page.evaluate(CENTRE_IS_MAP), "the notice pushed the panel over the centre"


# Whether the map's centre (a pin's icon reaches 28 px above it) is the map's, not the panel's.
CENTRE_IS_MAP = """() => {
  const m = document.getElementById('map').getBoundingClientRect();
  const x = m.left + m.width / 2, y = m.top + m.height / 2;
  return [y, y - 28].every(at => !document.elementFromPoint(x, at).closest('#map-tools'));
}"""


def on_top(page: Page, locator: Any) -> bool:
    """Whether what a finger at the middle of `locator` touches is that element."""
    return bool(
        locator.evaluate(
            """node => { const b = node.getBoundingClientRect();
                return node.contains(document.elementFromPoint(b.x + b.width / 2,
                                                               b.y + b.height / 2)); }"""
        )
    )


@pytest.mark.parametrize("view", ["desktop", "phone375", "phone320"])
def test_save_stays_put_as_the_similar_pins_appear(
    open_page: Callable[..., Page], app: Flask, view: str
) -> None:
    """The similar pins appear above Save as the title is typed. Save moved down by their
    height just as it was reached for, and the tap meant for it landed in the list (a test
    clicking Save lost its click so); it now keeps its place at the form's foot."""
    Api(app.test_client()).post(
        "/api/ideas", json=pin_feature((CENTRE[0] + 0.0005, CENTRE[1]), title="Cykelställ")
    )
    page = open_page(**VIEWS.get(view, {}))
    open_map(page)
    page.click("#pin-centre")
    page.select_option("#pin-category", "parks-nature")
    save = page.locator("#pin-submit")
    expect(save).to_be_in_viewport()
    before = save.bounding_box()
    page.fill("#pin-title", "Cykelställ vid torget")
    expect(page.locator("#pin-similar li")).to_have_count(1)
    expect(save).to_be_in_viewport()
    assert save.bounding_box() == before
    save.click()
    expect(page.locator("#pin-panel")).to_be_hidden()
