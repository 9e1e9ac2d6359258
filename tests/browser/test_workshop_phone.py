"""The participant's side on a phone and by keyboard: joining by code, drawing with taps and
the Finish button, a point without a pointer, rejoining, and a flaky network."""

from __future__ import annotations

from playwright.sync_api import FloatRect, Locator, Page, expect

from tests.browser.conftest import PHONE
from tests.browser.workshops import (
    annotations,
    box_of,
    draw_area,
    join_in_browser,
    map_point,
    shapes,
    wait_for_map,
    workshop,
)


def _boxes(buttons: Locator) -> list[FloatRect]:
    return [box_of(button) for button in buttons.all()]


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_phone_joins_by_code_and_draws_an_area_with_taps(app, open_page):
    facilitator, body = workshop(app, groups=["Grupp 1", {"name": "Grupp 2", "color": "teal"}])
    code = body["join_code"]
    phone = open_page(**PHONE)
    phone.goto("/join")
    phone.fill("#ws-code", f"{code[:3].lower()} {code[3:]}")  # as typed from a wall
    phone.locator(".ws-join-code-form button[type=submit]").tap()
    phone.wait_for_url(f"**/w/{code}")
    phone.wait_for_selector("#ws-join-form:not([hidden])")
    expect(phone.locator("#ws-join-title")).to_have_text("Gå med i ”Vision för Haga”")
    phone.fill("#ws-join-name", "Sara")
    phone.select_option("#ws-join-group", label="Grupp 2")
    phone.locator("#ws-join-submit").tap()
    wait_for_map(phone)
    _fits_the_phone(phone)
    assert phone.evaluate("getComputedStyle(document.getElementById('map')).userSelect") == "none"
    for button in phone.locator(".ws-tools__row .ws-tool").all():
        box = button.bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, "big enough"

    phone.locator("[data-draw='Polygon']").tap()
    tops = {box["y"] for box in _boxes(phone.locator("[data-draw-bar] button:visible"))}
    assert len(tops) == 1, "the bar's buttons share one row: the map keeps its room"
    phone.touchscreen.tap(*map_point(phone, -60, -40))
    expect(phone.locator("[data-draw-hint]")).to_contain_text("1 punkt lagd")
    # The tap opened its district's name beside it, over the drawing, until the next tap.
    expect(phone.locator(".district-tooltip")).to_have_count(0)
    phone.locator("[data-action='cancel']").tap()
    draw_area(phone, touch=True)
    expect(phone.locator("#ws-form-panel")).to_be_visible()
    _fits_the_phone(phone)
    phone.fill("#ws-note", "Här behövs mer ljus")
    phone.locator("#ws-save").tap()
    expect(phone.locator("#ws-form-panel")).to_be_hidden()
    expect(shapes(phone)).to_have_count(1)
    expect(phone.locator("#map-status")).to_have_text(
        "Sparat: din ritning (Område) finns på allas karta."
    )
    [stored] = annotations(facilitator, body["id"])
    assert stored["geometry"]["type"] == "Polygon"
    assert len(stored["geometry"]["coordinates"][0]) == 5
    assert stored["properties"]["group"] == "Grupp 2"
    assert stored["properties"]["color"] == "#00796b"  # the group's colour
    _fits_the_phone(phone)


def test_finish_needs_enough_points_and_cancel_draws_nothing(app, open_page):
    facilitator, body = workshop(app)
    phone = open_page(**PHONE)
    join_in_browser(phone, body["join_code"], "Sara")
    phone.locator("[data-draw='LineString']").tap()
    finish = phone.locator("[data-action='finish']")
    expect(finish).to_be_disabled()
    box = phone.locator("#map").bounding_box()
    assert box is not None
    phone.touchscreen.tap(box["x"] + 100, box["y"] + 100)
    expect(finish).to_be_disabled()
    expect(phone.locator("[data-draw-hint]")).to_contain_text("1 punkt lagd (minst 2)")
    phone.touchscreen.tap(box["x"] + 200, box["y"] + 160)
    expect(finish).to_be_enabled()
    expect(phone.locator("[data-draw-hint]")).to_contain_text("2 punkter lagda (minst 2)")
    phone.locator("[data-action='remove-last']").tap()
    expect(finish).to_be_disabled()
    phone.locator("[data-action='cancel']").tap()
    expect(phone.locator("[data-draw-bar]")).to_be_hidden()
    expect(phone.locator("#ws-form-panel")).to_be_hidden()
    assert annotations(facilitator, body["id"]) == []


def test_a_point_by_keyboard_with_the_crosshair(app, open_page):
    facilitator, body = workshop(app)
    page = open_page()
    join_in_browser(page, body["join_code"], "Kim")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "map":
            break
    expect(page.locator("#map")).to_be_focused()
    expect(page.locator("#map .crosshair")).to_be_visible()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(page.locator("#ws-form-panel")).to_be_visible()
    expect(page.locator("#ws-note")).to_be_focused()
    page.keyboard.type("En bänk vid älven")
    page.keyboard.press("Tab")  # the colours: one stop, arrows choose
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(page.locator("#ws-category")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#ws-save")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#ws-form-panel")).to_be_hidden()
    expect(shapes(page)).to_have_count(1)
    expect(page.locator("#map")).to_be_focused()
    [stored] = annotations(facilitator, body["id"])
    assert stored["geometry"]["type"] == "Point"
    assert stored["properties"]["note"] == "En bänk vid älven"
    assert stored["properties"]["color"] == "#c62828"  # the first colour after "your group's"


def test_rejoining_from_the_same_browser_makes_no_second_participant(app, open_page):
    facilitator, body = workshop(app)
    page = open_page()
    join_in_browser(page, body["join_code"], "Anna")
    page.goto(f"/w/{body['join_code']}")
    page.wait_for_url(f"**/workshops/{body['id']}")
    wait_for_map(page)
    summary = facilitator.get(f"/api/workshops/{body['id']}/summary").get_json()
    assert summary["participants"] == 1


def test_a_lost_answer_is_retried_with_the_same_client_id_and_draws_once(
    app, open_page, browser_log
):
    browser_log.allow_network_error("net::ERR_CONNECTION_RESET")  # the lost answer
    facilitator, body = workshop(app)
    page = open_page()
    join_in_browser(page, body["join_code"], "Anna")
    sent: list[dict] = []

    def lose_the_first_answer(route):  # noqa: ANN001
        if route.request.method != "POST":
            route.continue_()
            return
        sent.append(route.request.post_data_json)
        if len(sent) == 1:
            route.fetch()  # the server stores the drawing, the answer never arrives
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/workshops/*/annotations", lose_the_first_answer)
    page.click("[data-draw='Point']")
    page.click("[data-action='point-centre']")
    page.fill("#ws-note", "Två försök")
    page.click("#ws-save")
    expect(page.locator("#ws-form-panel")).to_be_hidden()
    expect(shapes(page)).to_have_count(1)
    assert len(sent) == 2
    assert sent[0]["properties"]["client_id"] == sent[1]["properties"]["client_id"]
    assert len(annotations(facilitator, body["id"])) == 1
