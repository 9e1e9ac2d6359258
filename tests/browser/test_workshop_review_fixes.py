"""The workshop map after a review: a tap beside an open form, a note edited alone, a corner
that would cross the area, lines and areas by keyboard, the form's sheet on a phone, a save
that finally fails offline, and who is counted as present. In English, so that the messages
checked are the ones the code says."""

from __future__ import annotations

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import PHONE, let_the_page_run_until
from tests.browser.workshops import (
    annotations,
    facilitate_in_browser,
    join_in_browser,
    map_point,
    open_list,
    save_drawing,
    shapes,
    wait_for_map,
    workshop,
)
from tests.workshops.helpers import draw, join, shape

EN = {"locale": "en-GB"}
CORNER_REFUSED = "That point was not placed: the shape would cross itself. Place it elsewhere."


def _vertices(page: Page):  # noqa: ANN202
    """The corners Geoman has placed (not the one that follows the pointer)."""
    return page.locator("#map .marker-icon:not(.cursor-marker):not(.marker-icon-middle)")


def _focus_map_by_tab(page: Page) -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "map":
            return
    raise AssertionError("Tab never reached the map")


def test_a_tap_on_another_drawing_leaves_the_open_form_and_its_draft(app, open_page):
    facilitator, body = workshop(app)
    assert draw(facilitator, body["id"], shape("Point", on_behalf_of="Papper")).status_code == 201
    phone = open_page(**PHONE, **EN)
    join_in_browser(phone, body["join_code"], "Sara")
    expect(shapes(phone)).to_have_count(1)  # the map is centred on it
    # Move it up, above where the form's sheet will be: a tap on it must reach the map.
    phone.focus("#map")
    for _ in range(8):
        box = shapes(phone).bounding_box()
        assert box is not None
        if box["y"] + box["height"] < 230:
            break
        phone.keyboard.press("ArrowDown")
        phone.wait_for_timeout(400)  # the pan's animation
    phone.locator("[data-draw='Point']").tap()
    phone.touchscreen.tap(*map_point(phone, 70, -200))
    expect(phone.locator("#ws-form-panel")).to_be_visible()
    phone.fill("#ws-note", "Not saved yet")

    existing = phone.locator("#map path.ws-shape").bounding_box()
    assert existing is not None
    phone.mouse.click(existing["x"] + existing["width"] / 2, existing["y"] + existing["height"] / 2)
    phone.wait_for_timeout(300)  # time for a tap to open the details (it must not)
    expect(phone.locator("#ws-detail-panel")).to_be_hidden()
    expect(phone.locator("#ws-form-panel")).to_be_visible()
    expect(phone.locator("#ws-note")).to_have_value("Not saved yet")
    expect(phone.locator("#map path.ws-draft")).to_have_count(1)

    phone.locator("#ws-form-cancel").tap()
    expect(phone.locator("#ws-form-panel")).to_be_hidden()
    expect(phone.locator("#map path.ws-draft")).to_have_count(0)
    for kind in ("Point", "LineString", "Polygon"):
        expect(phone.locator(f"[data-draw='{kind}']")).to_be_enabled()


def test_another_panel_opening_over_the_form_cancels_it_properly(app, open_page):
    _, body = workshop(app)
    page = open_page(**EN)
    join_in_browser(page, body["join_code"], "Kim")
    page.click("[data-draw='Point']")
    page.click("[data-action='point-centre']")
    expect(page.locator("#ws-form-panel")).to_be_visible()
    page.click("#ws-list-toggle")
    expect(page.locator("#ws-list-panel")).to_be_visible()
    expect(page.locator("#ws-form-panel")).to_be_hidden()
    expect(page.locator("#map path.ws-draft")).to_have_count(0)
    expect(page.locator("[data-draw='Point']")).to_be_enabled()
    page.click("#ws-list-close")
    expect(page.locator("#ws-list-toggle")).to_have_attribute("aria-expanded", "false")


def test_a_note_edited_alone_sends_no_colour_and_keeps_the_facilitators(
    app, open_page, browser_log
):
    browser_log.allow(409)  # the facilitator's colour came first, on purpose
    facilitator, body = workshop(app)
    page = open_page(**EN)
    join_in_browser(page, body["join_code"], "Kim")
    page.click("[data-draw='Point']")
    page.click("[data-action='point-centre']")
    page.fill("#ws-note", "Mine")
    page.check("input[name='color'][value='red']")
    page.click("#ws-save")
    expect(page.locator("#ws-form-panel")).to_be_hidden()
    [drawn] = annotations(facilitator, body["id"])

    page.click("#ws-list-toggle")
    page.click(f"#ws-open-{drawn['id']}")
    page.click("#ws-detail-edit")
    expect(page.locator("input[name='color'][value='red']")).to_be_checked()
    recoloured = facilitator.patch(
        f"/api/workshops/{body['id']}/annotations/{drawn['id']}",
        {"version": 1, "properties": {"color": "teal"}},
    )
    assert recoloured.status_code == 200
    sent: list[dict] = []
    page.on(
        "request",
        lambda r: sent.append(r.post_data_json) if r.method == "PATCH" else None,
    )
    page.fill("#ws-note", "Mine, better")
    page.click("#ws-save")
    expect(page.locator("#ws-conflict-mine")).to_have_text("Note: Mine, better")
    page.click("#ws-conflict-reapply")
    expect(page.locator("#ws-conflict-panel")).to_be_hidden()
    expect(page.locator("#map-status")).to_have_text("Your change was applied on top of theirs.")
    assert [body_["properties"] for body_ in sent] == [{"note": "Mine, better"}] * 2
    [stored] = annotations(facilitator, body["id"])
    assert (stored["properties"]["note"], stored["properties"]["color"]) == (
        "Mine, better",
        "#00796b",
    )


def test_a_corner_that_would_cross_the_area_is_refused_and_not_counted(app, open_page):
    _, body = workshop(app)
    page = open_page(**EN)
    join_in_browser(page, body["join_code"], "Kim")
    page.click("[data-draw='Polygon']")
    hint = page.locator("[data-draw-hint]")
    for dx, dy in [(-60, -60), (60, 60), (60, -60)]:
        page.mouse.click(*map_point(page, dx, dy))
    expect(hint).to_have_text("3 points placed (at least 3). Add more, or press Finish.")
    page.mouse.click(*map_point(page, -60, 60))  # a bow tie: crosses the first side
    expect(hint).to_have_text(CORNER_REFUSED)
    expect(page.locator("#map-status")).to_have_text(CORNER_REFUSED)
    expect(_vertices(page)).to_have_count(3)
    page.mouse.move(*map_point(page, 100, 10))  # the pointer moves on: the count stays true
    expect(hint).to_have_text(CORNER_REFUSED)
    page.click("[data-action='remove-last']")
    expect(hint).to_have_text("2 points placed (at least 3). Add more, or press Finish.")
    expect(_vertices(page)).to_have_count(2)


def test_a_line_and_an_area_by_keyboard(app, open_page):
    facilitator, body = workshop(app)
    page = open_page(**EN)
    join_in_browser(page, body["join_code"], "Kim")
    page.focus("[data-draw='Polygon']")
    page.keyboard.press("Enter")
    expect(page.locator("[data-draw='Polygon']")).to_have_attribute("aria-pressed", "true")
    _focus_map_by_tab(page)
    hint = page.locator("[data-draw-hint]")
    page.keyboard.press("Enter")
    expect(hint).to_have_text("1 point placed (at least 3). Add more, or press Finish.")
    expect(page.locator("#map-status")).to_have_text(
        "1 point placed (at least 3). Add more, or press Finish."
    )
    for keys in (["ArrowRight"] * 2, ["ArrowDown"] * 2):
        for key in keys:
            page.keyboard.press(key)
        page.wait_for_timeout(400)  # the pan's animation
        page.keyboard.press("Enter")
    expect(hint).to_have_text("3 points placed (at least 3). Add more, or press Finish.")
    expect(page.locator("#ws-form-panel")).to_be_hidden()
    page.focus("[data-action='finish']")
    page.keyboard.press("Enter")
    expect(page.locator("#ws-form-title")).to_have_text("New drawing: Area")
    page.keyboard.type("By keyboard")
    page.click("#ws-save")
    expect(page.locator("#ws-form-panel")).to_be_hidden()
    [stored] = annotations(facilitator, body["id"])
    assert stored["geometry"]["type"] == "Polygon"
    assert len(stored["geometry"]["coordinates"][0]) == 4  # three corners, closed


def _once_panned(page, clear) -> bool:
    """`clear()` once the map's short pan animation has had its time (2 s at most)."""
    for _ in range(20):
        if clear():
            return True
        page.wait_for_timeout(100)
    return clear()


def test_on_a_phone_the_form_leaves_the_new_area_in_sight(app, open_page):
    _, body = workshop(app)
    phone = open_page(**PHONE, **EN)
    join_in_browser(phone, body["join_code"], "Sara")
    phone.locator("[data-draw='Polygon']").tap()
    # 120 px of the map are left above the sheet, the pan keeps 24 of them above the shape:
    # an area some 75 px tall fits (its corners may snap some px to a district's outline).
    for dx, dy in [(-60, 60), (60, 60), (60, 130), (-60, 130)]:
        phone.touchscreen.tap(*map_point(phone, dx, dy))
    phone.locator("[data-action='finish']").tap()
    sheet = phone.locator("#ws-form-panel")
    expect(sheet).to_be_visible()
    draft = phone.locator("#map path.ws-draft")
    expect(draft).to_have_count(1)

    def clear_of_the_sheet() -> bool:
        shape_box, sheet_box = draft.bounding_box(), sheet.bounding_box()
        assert shape_box is not None and sheet_box is not None
        map_box = phone.locator("#map").bounding_box()
        assert map_box is not None
        below_top = shape_box["y"] >= map_box["y"]
        return below_top and shape_box["y"] + shape_box["height"] <= sheet_box["y"]

    assert _once_panned(phone, clear_of_the_sheet)


def test_a_save_that_finally_fails_offline_leaves_one_message(app, open_page, browser_log):
    """Tried once and again after each of its five waits (form-save.js), then given up. The
    page's clock is skipped past each wait: waited out, they took 15.5 s of the test."""
    browser_log.allow_network_error("net::ERR_INTERNET_DISCONNECTED")
    facilitator, body = workshop(app)
    page = open_page(**EN)
    page.clock.install()
    join_in_browser(page, body["join_code"], "Kim")
    sent: list[str] = []

    def offline(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        sent.append(route.request.post_data_json["properties"]["client_id"])
        route.abort("internetdisconnected")

    page.route("**/api/workshops/*/annotations", offline)
    page.click("[data-draw='Point']")
    page.click("[data-action='point-centre']")
    page.fill("#ws-note", "Offline")
    page.click("#ws-save")
    expect(page.locator("#ws-message")).to_have_text("No connection. Trying again…")
    for tries in range(2, 7):
        page.clock.fast_forward(8_000)  # past the longest wait between tries
        let_the_page_run_until(page, lambda tries=tries: len(sent) == tries)
    error = page.locator("#ws-form-error")
    expect(error).to_have_text("Could not reach the server. Check your connection and try again.")
    expect(page.locator("#ws-message")).to_be_hidden()
    # The status region said "trying again" to a screen reader: now it says it stopped.
    expect(page.locator("#map-status")).to_contain_text("Could not reach the server.")
    page.clock.fast_forward(30_000)
    page.wait_for_timeout(300)
    assert len(sent) == 6 and len(set(sent)) == 1  # the same drawing each time, then no more
    assert annotations(facilitator, body["id"]) == []


def test_the_projector_is_not_counted_and_closing_clears_presence(app, open_page):
    facilitator, body = workshop(app)
    lead = open_page(**EN)
    facilitate_in_browser(lead, body)
    summary = lead.locator("#ws-presence-summary")
    expect(summary).to_have_text("0 here · facilitator connected: 1")
    wall = lead.context.new_page()
    wall.goto(f"/workshops/{body['id']}/projector")
    wait_for_map(wall)
    sara = open_page(**EN)
    join_in_browser(sara, body["join_code"], "Sara")
    expect(summary).to_have_text("1 here · facilitator connected: 1")
    state = {"state": "closed"}
    assert facilitator.post(f"/api/workshops/{body['id']}/state", state).status_code == 200
    expect(summary).to_have_text("The workshop is closed: nobody is connected live.")
    expect(lead.locator("#ws-presence-list li")).to_have_count(0)


def test_on_a_wide_screen_the_form_leaves_a_point_near_the_right_edge_in_sight(app, open_page):
    """Beside the map on a wide screen, the form panel covers the map's right side: a point
    drawn there is moved left of it."""
    _, body = workshop(app)
    page = open_page(**EN)
    join_in_browser(page, body["join_code"], "Sara")
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.click("[data-draw='Point']")
    page.mouse.click(box["x"] + box["width"] - 30, box["y"] + box["height"] / 2)
    panel = page.locator("#ws-form-panel")
    expect(panel).to_be_visible()
    point = page.locator("#map .ws-draft")
    expect(point).to_have_count(1)

    def clear_of_the_panel() -> bool:
        point_box, panel_box = point.bounding_box(), panel.bounding_box()
        assert point_box is not None and panel_box is not None
        beside = point_box["x"] + point_box["width"] <= panel_box["x"]
        return beside or point_box["y"] >= panel_box["y"] + panel_box["height"]

    assert _once_panned(page, clear_of_the_panel)


def test_closing_a_drawing_chosen_in_the_list_leaves_the_focus_on_the_list_button(app, open_page):
    """On a phone the list is a sheet of its own, hidden as the drawing opens: Escape on a
    drawing chosen there left the focus on the page."""
    facilitator, body = workshop(app)
    bo = join(app, body, "Bo")
    draw(bo, body["id"], shape("Point", note="Bänk vid ån"))
    page = open_page(**PHONE, **EN)
    join_in_browser(page, body["join_code"], "Kim")
    toggle = page.locator("#ws-list-toggle")
    open_list(page)
    entry = page.locator("#ws-list .ws-list__open", has_text="Bänk vid ån")
    entry.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#ws-detail-panel")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#ws-detail-panel")).to_be_hidden()
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")  # and the list is one press away again
    expect(page.locator("#ws-list-panel")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")


def test_a_participant_is_told_when_their_own_drawing_is_hidden(app, open_page):
    """It went from the author's map with no word: it looked lost."""
    facilitator, body = workshop(app)
    wid = body["id"]
    bo = join(app, body, "Bo")
    theirs = draw(bo, wid, shape("Point", note="Bos punkt")).get_json()
    page = open_page(**EN)
    join_in_browser(page, body["join_code"], "Kim")
    page.click("[data-draw='Point']")
    page.click("[data-action='point-centre']")
    save_drawing(page, "Kims punkt")
    message = page.locator("#ws-message")

    hide = {"hidden": True}
    path = f"/api/workshops/{wid}/annotations/{theirs['id']}/hidden"
    assert facilitator.post(path, hide).status_code == 200
    expect(page.locator("#ws-list .ws-list__open", has_text="Bos punkt")).to_have_count(0)
    expect(message).to_be_hidden()  # someone else's: not a word
    [mine] = [f for f in annotations(facilitator, wid) if f["properties"]["note"] == "Kims punkt"]
    path = f"/api/workshops/{wid}/annotations/{mine['id']}/hidden"
    assert facilitator.post(path, hide).status_code == 200
    expect(message).to_have_text("The facilitator hid one of your drawings from everyone.")
