"""The citizen map in a real browser: dropping pins (pointer and keyboard), errors, languages,
support, place search and a phone-sized screen."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from playwright.sync_api import APIResponse, Browser, Page, Route, expect

from app.common.fair_gate import FairGate
from app.common.limits import TEXT_LIMITS, TextLimit
from app.db import get_session
from app.demo import add_population_pins
from app.map_gates import EXTENSION as MAP_GATES
from app.write_turns import EXTENSION as WRITE_TURNS
from tests.browser.conftest import PHONE, BrowserLog, let_the_page_run_until, new_page, open_map
from tests.conftest import Api, create_user, pin_feature, sign_in


def click_map(page: Page, dx: int = 150, dy: int = 60) -> None:
    """Click the map a little right of and below its centre (clear of the tool panels)."""
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)


def pin_marker(page: Page, title: str):  # noqa: ANN201
    """The marker whose accessible label names the pin."""
    return page.locator(f".pin[aria-label$={title!r}]")


def test_drop_pin_by_clicking_the_map(page: Page) -> None:
    """Click, fill, save: the pin is on the map at once and in the list; HTML stays text."""
    open_map(page)
    click_map(page)
    panel = page.locator("#pin-panel")
    expect(panel).to_be_visible()
    expect(page.locator('input[name="kind"][value="idea"]')).to_be_focused()
    page.select_option("#pin-category", "parks-nature")
    title = "<b>En bänk</b> vid älven"
    page.fill("#pin-title", title)
    page.fill("#pin-body", "Någonstans att sitta.\n<script>alert(1)</script>")
    page.fill("#pin-author", "Anna")
    page.click("#pin-submit")

    expect(panel).to_be_hidden()
    marker = pin_marker(page, title)
    expect(marker).to_be_visible()
    notice = page.locator("#map-notice")  # shown, and said by its status role
    expect(notice).to_be_visible()
    expect(notice).to_have_text(f"Din nål ”{title}” har sparats och syns nu på kartan. Mina nålar")
    expect(notice.get_by_role("link", name="Mina nålar")).to_have_attribute("href", "/mine")

    marker.click()
    card = page.locator(".pin-card")
    expect(card.locator("h2")).to_have_text(title)
    expect(card.locator("b")).to_have_count(0)
    expect(card.locator("script")).to_have_count(0)

    page.goto("/list")
    expect(page.locator(".idea-list")).to_contain_text(title)


def test_a_pin_saved_while_the_view_loads_stays_on_the_map(page: Page) -> None:
    """The view's answer was computed before the pin was stored: it must not take the pin away.

    The map is panned, and its load of the new view is held (answered by the server at once,
    handed to the page only later); meanwhile a pin is saved. Once the page has the older
    answer, the new pin is still on the map; the next load, which knows of it, keeps it too.
    """
    open_map(page)
    held: list[tuple[Route, APIResponse]] = []

    def hold(route: Route) -> None:
        held.append((route, route.fetch()))  # the server's answer now, before the pin exists

    page.route("**/api/map/clusters*", hold)
    page.focus("#map")
    page.keyboard.press("ArrowUp")  # pans the map: a load of the new view starts
    let_the_page_run_until(page, lambda: len(held) == 1)

    click_map(page)
    page.select_option("#pin-category", "parks-nature")
    page.fill("#pin-title", "Medan kartan laddar")
    page.click("#pin-submit")
    marker = pin_marker(page, "Medan kartan laddar")
    expect(marker).to_have_count(1)

    page.evaluate("document.querySelector('#map').removeAttribute('data-pins-loaded')")
    for route, answer in held:
        route.fulfill(response=answer)
    page.unroute("**/api/map/clusters*")
    page.wait_for_selector("#map[data-pins-loaded]", state="attached")  # that load has ended
    expect(marker).to_have_count(1)

    page.keyboard.press("Escape")
    page.focus("#map")
    page.evaluate("document.querySelector('#map').removeAttribute('data-pins-loaded')")
    page.keyboard.press("ArrowDown")  # a load that began after the pin was stored
    page.wait_for_selector("#map[data-pins-loaded='1']", state="attached")
    expect(marker).to_have_count(1)


def test_drop_pin_with_the_keyboard_only(page: Page) -> None:
    """Tab to the map, pan with arrows, Enter, fill with keys, Enter: a concern is pinned."""
    open_map(page)
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "map":
            break
    expect(page.locator("#map")).to_be_focused()
    expect(page.locator("#map .crosshair")).to_be_visible()
    centre_before = page.evaluate("document.querySelector('#pin-panel').hidden")
    assert centre_before is True
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    expect(page.locator("#pin-panel")).to_be_visible()
    expect(page.locator('input[name="kind"][value="idea"]')).to_be_focused()
    page.keyboard.press("ArrowRight")  # radio group: idea -> concern
    expect(page.locator('input[name="kind"][value="concern"]')).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#pin-category")).to_be_focused()
    page.keyboard.press("ArrowDown")
    assert page.input_value("#pin-category") != ""
    page.keyboard.press("Tab")
    expect(page.locator("#pin-title")).to_be_focused()
    page.keyboard.type("Osäker korsning")
    page.keyboard.press("Tab")
    page.keyboard.type("Bilarna kör fort här.")
    page.keyboard.press("Tab")
    expect(page.locator("#pin-author")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#pin-panel")).to_be_hidden()
    expect(pin_marker(page, "Osäker korsning")).to_be_visible()
    expect(page.locator("#map")).to_be_focused()

    # The button does the same without the map having focus; Escape closes and gives focus back.
    page.locator("#pin-centre").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#pin-panel")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#pin-panel")).to_be_hidden()
    expect(page.locator("#pin-centre")).to_be_focused()


def test_server_validation_error_is_shown_beside_the_field(
    page: Page, browser_log: BrowserLog
) -> None:
    """A title the browser accepts but the server refuses (NFC makes it 2 characters)."""
    browser_log.allow(422)
    open_map(page)
    click_map(page)
    page.select_option("#pin-category", "safety")
    page.fill("#pin-title", "e\u0301e")
    page.click("#pin-submit")

    title = page.locator("#pin-title")
    error = page.locator("#pin-title-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("3")
    expect(title).to_have_attribute("aria-invalid", "true")
    assert "pin-title-error" in (title.get_attribute("aria-describedby") or "")
    expect(title).to_be_focused()
    expect(page.locator("#pin-panel")).to_be_visible()

    # The client's own check: an empty title never reaches the server.
    page.fill("#pin-title", "")
    page.click("#pin-submit")
    expect(error).to_be_visible()
    expect(title).to_be_focused()


def test_the_form_checks_the_limits_the_server_hands_over(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The script checks with settings.limits (app/common/limits.py), not numbers of its own."""
    monkeypatch.setitem(TEXT_LIMITS, "title", TextLimit(5, 60))
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    open_map(page)
    click_map(page)
    page.select_option("#pin-category", "safety")
    page.fill("#pin-title", "Lamp")  # 4 characters: enough for the real limit, not for this one
    page.click("#pin-submit")
    expect(page.locator("#pin-title-error")).to_have_text("Skriv minst 5 tecken.")
    expect(page.locator("#pin-title-hint")).to_have_text("5 till 60 tecken.")
    expect(page.locator("#pin-title")).to_have_attribute("maxlength", "60")
    assert posts == []


def test_english_and_swedish_render(page: Page, app: Flask) -> None:
    """Swedish by default, English with ?lang=en; the static and the script texts follow."""
    with app.test_request_context("/"), force_locale("sv"):
        sv_label = gettext("Search for a place")
        sv_map_label = gettext(
            "Map of Umeå with pins. Use arrow keys to move the map, Enter to place a pin."
        )
    open_map(page)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("label[for='place-q']")).to_have_text(sv_label)
    expect(page.locator("#map")).to_have_attribute("aria-label", sv_map_label)

    open_map(page, "/?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("label[for='place-q']")).to_have_text("Search for a place")
    expect(page.locator("#pin-centre")).to_have_text("Place a pin at the centre of the map")
    locale = page.evaluate("JSON.parse(document.body.dataset.settings).locale")
    assert locale == "en"


def test_support_once(page: Page, app: Flask) -> None:
    """Support a pin: the count goes up, the button says so, and stays so after a reload."""
    api = Api(app.test_client())
    created = api.post("/api/ideas", json=pin_feature(title="Belysning på gångvägen"))
    assert created.status_code == 201, created.get_data(as_text=True)

    open_map(page)
    pin_marker(page, "Belysning på gångvägen").click()
    button = page.locator(".support-button")
    expect(button).to_be_enabled()
    button.click()
    expect(button).to_be_disabled()
    expect(page.locator(".pin-card__count")).to_have_text("1")
    with app.test_request_context("/"), force_locale("sv"):
        supported = gettext("Supported")
    expect(button).to_have_text(supported)

    # Again after a reload, this time with the keyboard: Enter opens, Escape closes.
    open_map(page)
    marker = pin_marker(page, "Belysning på gångvägen")
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".pin-card h2")).to_be_focused()
    expect(page.locator(".support-button")).to_be_disabled()
    expect(page.locator(".pin-card__count")).to_have_text("1")
    page.keyboard.press("Escape")
    expect(page.locator(".pin-card")).to_have_count(0)
    expect(marker).to_be_focused()


def test_the_form_shows_similar_pins_nearby_to_support(page: Page, app: Flask) -> None:
    """Typing a title lists the pins near the new pin's place that share a (stemmed) word with
    it, each with Support (+1); one far away or without a shared word is not listed."""
    api = Api(app.test_client())
    near = api.post("/api/ideas", json=pin_feature((20.2635, 63.8260), title="Fler cyklar"))
    api.post("/api/ideas", json=pin_feature((20.2640, 63.8262), title="Mörk tunnel"))
    api.post("/api/ideas", json=pin_feature((20.31, 63.84), title="Cyklar vid stationen"))
    open_map(page)
    page.click("#pin-centre")  # the map's centre: 63.8258, 20.2630, some 40 m from the first
    similar = page.locator("#pin-similar")
    expect(similar).to_be_hidden()

    page.fill("#pin-title", "Parkering för cyklarna")
    expect(similar.locator("li a > span").first).to_have_text("Fler cyklar")
    # its page opens in a new tab, and says so: the form being written stays
    expect(similar.locator("li a")).to_have_text(["Fler cyklar (öppnas i en ny flik)"])
    expect(similar.locator("li a")).to_have_attribute("target", "_blank")
    expect(similar).to_contain_text("Liknande nålar i närheten")
    expect(page.locator("#map-status")).to_have_text("1 liknande nål i närheten, under rubriken.")
    similar.locator(".support-button").click()
    expect(similar.locator(".pin-similar__count")).to_have_text("1")
    expect(similar.locator(".support-button")).to_be_disabled()
    assert (
        api.get(f"/api/ideas/{near.get_json()['id']}").get_json()["properties"]["support_count"]
        == 1
    )

    page.fill("#pin-title", "Trasig lampa")
    expect(similar).to_be_hidden()
    page.fill("#pin-title", "Cyklar")
    expect(similar.locator("li")).to_have_count(1)
    # listed again, it remembers this browser's support
    expect(similar.locator(".support-button")).to_be_disabled()
    expect(similar.locator(".support-button")).to_have_text("Stöttad")
    page.click("#pin-cancel")
    page.click("#pin-centre")
    expect(page.locator("#pin-panel")).to_be_visible()
    expect(similar).to_be_hidden()  # a closed form forgets what it showed


PIN_WHERE_I_AM = "Sätt en nål där jag är"


def test_a_pin_where_i_am_on_a_phone(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog
) -> None:
    """The position button opens the form at the phone's position, zoomed in, and the pin is
    stored there; closing the form gives focus back to the button."""
    here = {"latitude": 63.8196, "longitude": 20.3060, "accuracy": 25}  # near Umeå's university
    page = new_page(
        browser,
        live_server,
        browser_log,
        geolocation=here,
        permissions=["geolocation"],
        **PHONE,
    )
    try:
        open_map(page)
        button = page.get_by_role("button", name=PIN_WHERE_I_AM)
        with page.expect_request(lambda request: (_zoom_of(request.url) or 0) >= 17):
            button.click()  # the map zooms in to the street, and loads that view
        expect(page.locator("#pin-panel")).to_be_visible()
        expect(page.locator("#pin-where")).to_have_text(
            "Där du är (inom 25 m). Klicka eller tryck på kartan för att flytta nålen."
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.keyboard.press("Escape")
        expect(button).to_be_focused()

        button.click()
        page.select_option("#pin-category", "parks-nature")
        page.fill("#pin-title", "Trasig lampa vid busshållplatsen")
        page.click("#pin-submit")
        expect(page.locator("#map-notice")).to_contain_text("Trasig lampa vid busshållplatsen")
    finally:
        page.context.close()
    [stored] = Api(app.test_client()).get("/api/ideas").get_json()["features"]
    assert stored["geometry"]["coordinates"] == pytest.approx([20.3060, 63.8196], abs=1e-6)


@pytest.mark.parametrize(
    ("position", "granted", "said"),
    [
        (
            {"latitude": 59.3293, "longitude": 18.0686},  # Stockholm
            True,
            "Din position ligger utanför Umeå kommun. Välj platsen på kartan i stället.",
        ),
        (
            {"latitude": 63.8196, "longitude": 20.3060},
            False,
            "Kartan får inte använda din position. Välj platsen på kartan i stället, eller "
            "tillåt det i webbläsarens inställningar.",
        ),
    ],
)
def test_a_position_the_map_cannot_use_is_said(
    browser: Browser,
    app: Flask,
    live_server: str,
    browser_log: BrowserLog,
    position: dict[str, float],
    granted: bool,
    said: str,
) -> None:
    """Outside the municipality, or not allowed: said in the notice, and no form opens."""
    page = new_page(
        browser,
        live_server,
        browser_log,
        geolocation=position,
        permissions=["geolocation"] if granted else [],
    )
    try:
        open_map(page)
        page.get_by_role("button", name=PIN_WHERE_I_AM).click()
        expect(page.locator("#map-notice")).to_have_text(said)
        expect(page.locator("#pin-panel")).to_be_hidden()
    finally:
        page.context.close()


def _save_pin_at_the_centre(page: Page, title: str) -> None:
    page.click("#pin-centre")
    page.select_option("#pin-category", "parks-nature")
    page.fill("#pin-title", title)
    page.click("#pin-submit")
    expect(page.locator("#pin-panel")).to_be_hidden()


def test_my_pins_lists_what_this_browser_placed_with_the_answers(
    page: Page, app: Flask, browser: Browser, live_server: str, browser_log: BrowserLog
) -> None:
    """The notice after saving links to "Mina nålar": this browser's pins as they are now (an
    answer given since shows), a held one counted as not public; another browser has none, and
    forgetting empties the list."""
    create_user(app, "moa@umea.se", "admin")
    moderator = sign_in(app.test_client(), "moa@umea.se")
    moderator.post("/api/moderation/words", {"word": "fuskbygge"})
    open_map(page)
    _save_pin_at_the_centre(page, "Bänk vid lekplatsen")
    expect(page.locator("#map-notice a")).to_have_text("Mina nålar")
    _save_pin_at_the_centre(page, "Ett fuskbygge vid lekplatsen")  # held for the moderators
    [published] = Api(app.test_client()).get("/api/ideas").get_json()["features"]
    answer = {"status": "planned", "answer": "Vi ställer dit en bänk i maj."}
    assert moderator.patch(f"/api/ideas/{published['id']}", answer).status_code == 200

    page.click("#map-notice a")
    expect(page).to_have_title(re.compile("^Mina nålar"))
    expect(page.locator("#my-pins-list h2")).to_have_text(["Bänk vid lekplatsen"])
    expect(page.locator("#my-pins-list")).to_contain_text("Status: Planerad")
    expect(page.locator("#my-pins-list")).to_contain_text("Vi ställer dit en bänk i maj.")
    expect(page.locator("#my-pins-missing")).to_have_text(
        "1 av dina nålar syns inte på den öppna kartan: den väntar på granskning, eller har "
        "tagits bort."
    )
    expect(page.locator("#my-pins-none")).to_be_hidden()

    other = new_page(browser, live_server, browser_log)
    try:
        other.goto("/mine")
        expect(other.locator("#my-pins-none")).to_be_visible()
        expect(other.locator("#my-pins-list li")).to_have_count(0)
        # a storage tampered with: what is not an id is dropped, the rest read once, the
        # newest 100 only (one request the API takes)
        tampered = (
            [published["id"]] * 3 + ["<b>x</b>", -4, 1.5, None] + list(range(10**6, 10**6 + 600))
        )
        other.evaluate(
            "ids => localStorage.setItem('umecom-map.my-pins', JSON.stringify(ids))", tampered
        )
        other.reload()
        expect(other.locator("#my-pins-list h2")).to_have_text(["Bänk vid lekplatsen"])
        expect(other.locator("#my-pins-missing")).to_contain_text("99 av dina nålar")
    finally:
        other.context.close()

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#my-pins-forget")
    expect(page.locator("#my-pins-list li")).to_have_count(0)
    expect(page.locator("#my-pins-status")).to_have_text(
        "Den här webbläsaren minns inte längre dina nålar."
    )
    page.reload()
    expect(page.locator("#my-pins-none")).to_be_visible()


def test_a_pins_page_copies_its_link_to_share(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog
) -> None:
    """Where the browser has no share sheet (Chromium on Linux), the button copies the link."""
    created = Api(app.test_client()).post("/api/ideas", json=pin_feature(title="Bänk vid älven"))
    page = new_page(
        browser, live_server, browser_log, permissions=["clipboard-read", "clipboard-write"]
    )
    try:
        page.goto(f"/ideas/{created.get_json()['id']}")
        link = page.locator("#share-url")
        expect(link).to_have_value(f"{live_server}/ideas/{created.get_json()['id']}")
        assert page.evaluate("typeof navigator.share") == "undefined"
        page.get_by_role("button", name="Kopiera länken").click()
        expect(page.locator("#share-status")).to_have_text("Länken har kopierats.")
        assert page.evaluate("navigator.clipboard.readText()") == link.input_value()
    finally:
        page.context.close()


def test_place_search_then_put_the_pin_here(page: Page) -> None:
    """Find Holmsund, choose it from the list, and open the form there."""
    open_map(page)
    page.fill("#place-q", "Holmsund")
    page.keyboard.press("Enter")
    result = page.locator(".place-result", has_text="Holmsund").first
    expect(result).to_be_visible()
    expect(page.locator("#place-summary")).to_have_text("1 plats hittades. Välj den i listan.")
    result.click()
    pin_here = page.locator("#pin-here")
    expect(pin_here).to_be_visible()
    expect(pin_here).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#pin-panel")).to_be_visible()
    expect(page.locator("#pin-where")).to_contain_text("Holmsund")

    page.select_option("#pin-category", "public-transport")
    page.fill("#pin-title", "Tätare bussar till Holmsund")
    page.click("#pin-submit")
    expect(page.locator("#pin-panel")).to_be_hidden()
    expect(pin_marker(page, "Tätare bussar till Holmsund")).to_have_count(1)
    expect(page.locator("#pin-here")).to_be_focused()


def test_phone_width_has_no_horizontal_scroll(phone_page: Page) -> None:
    """At 375 px the page fits, and the form (a bottom sheet) can be filled and sent."""
    page = phone_page
    open_map(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    click_map(page, dx=40, dy=120)
    panel = page.locator("#pin-panel")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    page.select_option("#pin-category", "walking-cycling")
    page.fill("#pin-title", "Cykelställ vid skolan")
    submit = page.locator("#pin-submit")
    submit.scroll_into_view_if_needed()
    submit.tap()
    expect(panel).to_be_hidden()
    expect(pin_marker(page, "Cykelställ vid skolan")).to_have_count(1)
    notice = page.locator("#map-notice")
    expect(notice).to_contain_text("Cykelställ vid skolan")
    notice_box = notice.bounding_box()
    assert notice_box is not None and notice_box["x"] + notice_box["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.goto("/list")
    expect(page.locator(".idea-list")).to_contain_text("Cykelställ vid skolan")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_map_filters_hide_and_show_pins(page: Page, app: Flask) -> None:
    """Filtering by kind and status on the map reloads the pins with the same filter as /list."""
    api = Api(app.test_client())
    api.post("/api/ideas", json=pin_feature((20.263, 63.8258), title="Fler bänkar i parken"))
    api.post(
        "/api/ideas",
        json=pin_feature((20.31, 63.84), kind="concern", category="safety", title="Mörk tunnel"),
    )
    open_map(page)
    expect(pin_marker(page, "Fler bänkar i parken")).to_have_count(1)
    expect(pin_marker(page, "Mörk tunnel")).to_have_count(1)

    page.locator("#map-filters summary").click()
    page.select_option("#filter-kind", "concern")
    expect(pin_marker(page, "Fler bänkar i parken")).to_have_count(0)
    expect(pin_marker(page, "Mörk tunnel")).to_have_count(1)

    page.select_option("#filter-status", "done")
    expect(pin_marker(page, "Mörk tunnel")).to_have_count(0)

    page.select_option("#filter-kind", "")
    page.select_option("#filter-status", "")
    expect(pin_marker(page, "Fler bänkar i parken")).to_have_count(1)
    expect(pin_marker(page, "Mörk tunnel")).to_have_count(1)


def test_map_finds_pins_by_their_words_and_says_how_many_match(page: Page, app: Flask) -> None:
    """The words filter on the map, as on the list: Enter sends it, stemmed as Swedish; while a
    filter is on, a line says how many pins of the view match, and a change is announced."""
    api = Api(app.test_client())
    api.post("/api/ideas", json=pin_feature((20.263, 63.8258), title="Fler cyklar vid skolan"))
    api.post("/api/ideas", json=pin_feature((20.22, 63.81), title="Tak över cyklarna"))
    api.post("/api/ideas", json=pin_feature((20.31, 63.84), title="Mörk tunnel"))
    open_map(page)
    result = page.locator("#filter-result")
    expect(pin_marker(page, "Mörk tunnel")).to_have_count(1)
    expect(result).to_be_hidden()

    page.locator("#map-filters summary").click()
    page.fill("#filter-q", "cyklar")  # finds "cyklarna" as well
    page.press("#filter-q", "Enter")
    expect(pin_marker(page, "Mörk tunnel")).to_have_count(0)
    expect(pin_marker(page, "Fler cyklar vid skolan")).to_have_count(1)
    expect(pin_marker(page, "Tak över cyklarna")).to_have_count(1)
    expect(result).to_have_text("2 nålar på kartan stämmer med filtret.")
    expect(page.locator("#map-status")).to_have_text("2 nålar på kartan stämmer med filtret.")

    page.select_option("#filter-kind", "concern")  # with the words: both must hold
    expect(pin_marker(page, "Fler cyklar vid skolan")).to_have_count(0)
    expect(result).to_have_text(
        "Inga nålar på kartan stämmer med filtret. Zooma ut eller ändra filtret."
    )
    page.select_option("#filter-kind", "")
    page.fill("#filter-q", "tunnel")
    page.press("#filter-q", "Enter")
    expect(result).to_have_text("1 nål på kartan stämmer med filtret.")
    expect(pin_marker(page, "Mörk tunnel")).to_have_count(1)

    page.fill("#filter-q", "")
    page.press("#filter-q", "Enter")
    expect(result).to_be_hidden()
    expect(page.locator("#map-status")).to_have_text("Filtret är av: alla nålar visas.")
    expect(pin_marker(page, "Fler cyklar vid skolan")).to_have_count(1)


def test_a_filter_goes_between_the_list_and_the_map(page: Page, app: Flask) -> None:
    """From a filtered list to the same pins on the map and back: the filter rides in the
    address, which a reload keeps, and a change on the map moves it and the list's link."""
    api = Api(app.test_client())
    api.post("/api/ideas", json=pin_feature((20.263, 63.8258), title="Fler cyklar vid skolan"))
    api.post(
        "/api/ideas",
        json=pin_feature((20.22, 63.81), kind="concern", category="safety", title="Stulna cyklar"),
    )
    api.post("/api/ideas", json=pin_feature((20.31, 63.84), title="Mörk tunnel"))
    page.goto("/list?q=cyklar&kind=")
    page.click("text=Visa de här nålarna på kartan")
    page.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
    assert urlsplit(page.url).query == "q=cyklar"
    expect(pin_marker(page, "Fler cyklar vid skolan")).to_have_count(1)
    expect(pin_marker(page, "Stulna cyklar")).to_have_count(1)
    expect(pin_marker(page, "Mörk tunnel")).to_have_count(0)
    expect(page.locator("#filter-result")).to_have_text("2 nålar på kartan stämmer med filtret.")

    page.locator("#map-filters summary").click()
    expect(page.locator("#filter-q")).to_have_value("cyklar")
    page.select_option("#filter-kind", "concern")
    expect(pin_marker(page, "Fler cyklar vid skolan")).to_have_count(0)
    assert dict(parse_qsl(urlsplit(page.url).query)) == {"q": "cyklar", "kind": "concern"}
    page.reload()
    page.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
    expect(pin_marker(page, "Stulna cyklar")).to_have_count(1)
    expect(pin_marker(page, "Fler cyklar vid skolan")).to_have_count(0)

    page.locator("#map-filters summary").click()
    page.click("#filter-list-link")
    expect(page.locator(".idea-list h2")).to_have_text(["Stulna cyklar"])
    expect(page.locator("#filter-kind")).to_have_value("concern")


def _zoom_of(url: str) -> int | None:
    """The zoom parameter of a map-pins request, if it is one."""
    parts = urlsplit(url)
    if not parts.path.endswith("/api/map/clusters"):
        return None
    return int(dict(parse_qsl(parts.query))["zoom"])


def test_server_clusters_when_too_many_pins(page: Page, app: Flask) -> None:
    """Over MAP_PIN_LIMIT pins in view: labelled server clusters; activating one zooms in."""
    api = Api(app.test_client())
    for n in range(12):  # a crowd in the city centre, within one cluster cell at zoom 12
        spot = (20.2630 + 0.0004 * (n % 4), 63.8258 + 0.0003 * (n // 4))
        assert api.post("/api/ideas", json=pin_feature(spot, title=f"Pin {n}")).status_code == 201
    previous = app.config["MAP_PIN_LIMIT"]
    app.config["MAP_PIN_LIMIT"] = 5
    try:
        with page.expect_request(lambda r: _zoom_of(r.url) is not None) as first:
            open_map(page)
        zoom_before = _zoom_of(first.value.url) or 0
        clusters = page.locator(".server-cluster")
        expect(clusters.first).to_be_visible()
        label = clusters.first.get_attribute("aria-label") or ""
        assert any(ch.isdigit() for ch in label)
        clusters.first.focus()
        with page.expect_request(lambda r: (_zoom_of(r.url) or 0) > zoom_before):
            page.keyboard.press("Enter")
    finally:
        app.config["MAP_PIN_LIMIT"] = previous


def test_large_counts_fit_their_cluster_icons_on_a_phone(phone_page: Page, app: Flask) -> None:
    """A cell of thousands shows its count whole, one of tens of thousands short ("12 tn"),
    each on one line inside its circle and larger counts above smaller ones; the accessible
    name keeps the exact count."""
    with app.app_context():
        session = get_session()
        add_population_pins(session, 13_000, [("centre", 20.2630, 63.8258, 1)], seed=3)
        add_population_pins(session, 1_700, [("teg", 20.2860, 63.8160, 1)], seed=4)
        session.commit()
    page = phone_page
    open_map(page)
    counts = page.locator(".server-cluster .cluster-count")
    expect(counts.first).to_be_visible()
    shown, stacked = {}, {}
    for icon in page.locator(".server-cluster").all():
        label = icon.get_attribute("aria-label") or ""
        said = re.match(r"[\d\xa0]+", label).group()  # type: ignore[union-attr]
        exact = int(said.replace("\xa0", ""))
        # the exact count, as Swedish writes it ("11 700", grouped by a no-break space)
        assert label == f"{exact:,} nålar här. Aktivera för att zooma in.".replace(",", "\xa0")
        count = icon.locator(".cluster-count")
        fits = count.evaluate(
            """e => {
                const text = document.createRange();
                text.selectNodeContents(e);
                const lines = text.getClientRects().length;
                return lines === 1 && text.getBoundingClientRect().width <= e.clientWidth;
            }"""
        )
        assert fits, (label, count.inner_text())
        shown[exact] = count.inner_text()
        stacked[exact] = int(icon.evaluate("e => getComputedStyle(e).zIndex"))
    big = [n for n in shown if n >= 10_000]
    thousands = [n for n in shown if 1_000 <= n < 10_000]
    assert big and thousands, shown
    for n in big:  # two figures: 11,700 is "12 tn"
        assert shown[n] == f"{round(n / 1000)}\xa0tn", shown
    for n in thousands:
        assert shown[n] == str(n), shown
    # where icons overlap, the larger count is drawn on top
    by_count = sorted(stacked)
    assert [stacked[n] for n in by_count] == sorted(stacked.values()), stacked


class FullUntilOneRefusal:
    """A map gate whose every place is taken, as if by other views, until it refuses one.

    The places are let go by the refusal itself, not when the test sees the 503: on a busy
    machine the browser had asked again before the test's side heard of the first answer,
    and its second try was refused too.
    """

    def __init__(self, gate: FairGate) -> None:
        self.gate, self.size = gate, gate.size
        self.held = threading.Lock()
        for _ in range(gate.size):
            assert gate.enter(0)
        self.taken = True

    def enter(self, timeout: float) -> bool:
        if self.gate.enter(timeout):
            return True
        self.free()
        return False

    def leave(self) -> None:
        self.gate.leave()

    def free(self) -> None:
        with self.held:
            if self.taken:
                for _ in range(self.gate.size):
                    self.gate.leave()
                self.taken = False


def test_a_busy_map_asks_again_after_the_wait_the_server_gave(
    page: Page, app: Flask, browser_log: BrowserLog
) -> None:
    """A view answered 503 busy (every place of the gate taken) is asked once more."""
    browser_log.allow(503)
    api = Api(app.test_client())
    assert api.post("/api/ideas", json=pin_feature(title="Bänk vid älven")).status_code == 201
    gates = app.extensions[MAP_GATES]
    full = FullUntilOneRefusal(gates.kept)
    app.extensions[MAP_GATES] = replace(gates, kept=full, wait_s=0.1)
    try:
        busy = lambda r: _zoom_of(r.url) is not None and r.status == 503  # noqa: E731
        with page.expect_response(busy):
            page.goto("/")
        expect(pin_marker(page, "Bänk vid älven")).to_have_count(1)
    finally:
        full.free()
        app.extensions[MAP_GATES] = gates


def test_a_pin_refused_as_busy_is_sent_once_more_and_saved_once(
    page: Page, app: Flask, browser_log: BrowserLog
) -> None:
    """A new pin answered 503 busy (every write's place taken) is sent again after the
    server's Retry-After: the citizen sees it saved, and it is stored once."""
    browser_log.allow(503)
    gate = app.extensions[WRITE_TURNS]
    wait_s = app.config["WRITE_WAIT_S"]
    open_map(page)
    click_map(page)
    page.select_option("#pin-category", "parks-nature")
    page.fill("#pin-title", "Fler cykelställ")
    page.fill("#pin-body", "Vid busshållplatsen.")
    full = FullUntilOneRefusal(gate)
    app.extensions[WRITE_TURNS] = full
    app.config["WRITE_WAIT_S"] = 0.1
    try:
        busy = lambda r: r.request.method == "POST" and r.status == 503  # noqa: E731
        with page.expect_response(busy) as refused:
            page.click("#pin-submit")
        assert refused.value.json()["error"]["code"] == "busy"
        expect(page.locator("#pin-panel")).to_be_hidden()
        expect(pin_marker(page, "Fler cykelställ")).to_have_count(1)
    finally:
        full.free()
        app.extensions[WRITE_TURNS] = gate
        app.config["WRITE_WAIT_S"] = wait_s
    listed = Api(app.test_client()).get("/api/ideas").get_json()["features"]
    assert [f["properties"]["title"] for f in listed] == ["Fler cykelställ"]


def test_link_to_a_pin_opens_it_on_the_map(page: Page, app: Flask) -> None:
    """ "Show on the map" from the list lands on the map with that pin's card open."""
    api = Api(app.test_client())
    created = api.post("/api/ideas", json=pin_feature((20.3717, 63.7009), title="Ny brygga"))
    idea_id = created.get_json()["id"]
    page.goto("/list")
    page.get_by_role("link", name=re.compile(r"^Visa på kartan\W+Ny brygga$")).click()
    expect(page.locator(".pin-card h2")).to_have_text("Ny brygga")
    assert page.url.endswith(f"/#pin={idea_id}")


def test_the_place_search_says_what_it_finds_and_what_it_does_not(page: Page) -> None:
    """A citizen typed her street, and read only "No places found"."""
    open_map(page)
    expect(page.locator("#place-q")).to_have_accessible_description(
        re.compile("^En stadsdel eller en ort, t.ex. Haga eller Holmsund.")
    )
    page.fill("#place-q", "Storgatan")
    page.keyboard.press("Enter")
    expect(page.locator("#place-summary")).to_have_text(
        "Ingen stadsdel eller ort heter så. Gator söks inte: flytta kartan dit i stället."
    )
