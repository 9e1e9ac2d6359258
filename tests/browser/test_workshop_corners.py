"""Reshaping a line or an area corner by corner from the keyboard (WCAG 2.1.1): ] and [ (or
Page Down and Page Up) choose a corner, the arrow keys move it and Escape the whole shape
again; every change is saved as a drag's, and an area that would cross itself is refused."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.workshops import (
    annotations,
    facilitate_in_browser,
    join_in_browser,
    joined_with_an_area,
    open_list,
    workshop,
)
from tests.workshops.helpers import draw, join, shape

ENGLISH: dict[str, Any] = {"locale": "en-GB", "timezone_id": "Europe/Stockholm"}
SAVED = "The new position was saved."
CROSSES = "That change was not made: the area would cross itself."
# An area whose third corner lies 0.00005° (under 5 px at zoom 17) east of the edge from the
# fourth corner back to the first: one step left and it crosses that edge.
NARROW = [[20.260, 63.828], [20.266, 63.828], [20.26005, 63.826], [20.260, 63.824]]
# A V-shaped line near Rådhustorget.
LINE = [[20.260, 63.824], [20.263, 63.826], [20.266, 63.824]]
# Stored with 6 decimals: two roundings apart at most.
ROUNDED = 2.1e-6


def _reshape_by_keyboard(page: Page, annotation_id: int) -> None:
    """Choose the drawing in the list, then "Move or reshape", with the keyboard only; wait
    until the zoom to it has ended (the arrow keys' pixels are the zoom's)."""
    if page.locator("#ws-list-toggle").count():
        page.focus("#ws-list-toggle")
        page.keyboard.press("Enter")
        open_list(page)
    page.focus(f"#ws-open-{annotation_id}")
    page.keyboard.press("Enter")
    expect(page.locator("#ws-detail-panel")).to_be_visible()
    page.focus("#ws-detail-reshape")
    page.keyboard.press("Enter")
    expect(page.locator("#ws-edit-done")).to_be_focused()
    page.wait_for_function("() => !document.querySelector('#map .leaflet-zoom-anim')")


def _zoom(page: Page) -> float:
    """The map's zoom, as the page records its view."""
    return float(str(page.locator("#map").get_attribute("data-view")).split(",")[2])


def _degrees_per_px(page: Page) -> float:
    """Longitude per pixel at the map's zoom (Web Mercator: 256 px tiles)."""
    return 360 / (256 * 2 ** _zoom(page))


def _south(page: Page, lat: float, px: float) -> float:
    """The latitude `px` pixels south of `lat` at the map's zoom (Web Mercator)."""
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    y -= px * 2 * math.pi / (256 * 2 ** _zoom(page))
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def _ring(feature: dict[str, Any]) -> list[list[float]]:
    """An area's corners (without the closing one) or a line's."""
    coordinates = feature["geometry"]["coordinates"]
    return coordinates[0][:-1] if feature["geometry"]["type"] == "Polygon" else coordinates


def _moved(before: list[list[float]], after: list[list[float]]) -> list[tuple[float, float]]:
    """Each corner's change in longitude and latitude."""
    assert len(before) == len(after)
    return [(a[0] - b[0], a[1] - b[1]) for b, a in zip(before, after, strict=True)]


def _stored_once(
    facilitator: Any, wid: int, done: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The first drawing as stored once `done` holds for it, or as it is after 5 s.

    Presses are saved once the keys rest for 400 ms: on a busy machine two presses can come
    further apart than that, and then the page says "saved" after the first, before the second
    is saved.
    """
    deadline = time.monotonic() + 5
    while not done(feature := annotations(facilitator, wid)[0]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return feature


def _mark_centre(page: Page) -> tuple[float, float]:
    """Where the chosen corner's ring is on the page."""
    box = page.locator("#map path.ws-corner-mark").bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_an_areas_third_corner_moves_with_the_arrow_keys(app, open_page):
    facilitator, body = workshop(app)
    wid = body["id"]
    page = open_page(**ENGLISH)
    joined_with_an_area(page, body, "Sara", "Torget")
    before = annotations(facilitator, wid)[0]
    _reshape_by_keyboard(page, before["id"])
    expect(page.locator("#ws-corner-hint")).to_contain_text("[ and ] (or Page Up and Page Down)")
    expect(page.locator("#ws-corner-add")).to_be_hidden()
    expect(page.locator("#ws-corner-label")).to_have_text("Whole shape")
    expect(page.locator("#map path.ws-corner-mark")).to_have_count(0)

    for _ in range(3):
        page.keyboard.press("]")
    expect(page.locator("#ws-corner-label")).to_have_text("Corner 3 of 4")
    expect(page.locator("#map-status")).to_have_text("Corner 3 of 4")
    expect(page.locator("#map path.ws-corner-mark")).to_have_count(1)
    view = page.locator("#map").get_attribute("data-view")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#map-status")).to_have_text(SAVED)

    step = _degrees_per_px(page)
    east = _ring(before)[2][0] + 30 * step
    after = _stored_once(facilitator, wid, lambda f: abs(_ring(f)[2][0] - east) <= ROUNDED)
    assert after["properties"]["version"] > before["properties"]["version"]
    moves = _moved(_ring(before), _ring(after))
    assert abs(moves[2][0] - 30 * step) <= ROUNDED and abs(moves[2][1]) <= ROUNDED
    for i in (0, 1, 3):
        assert moves[i] == (0, 0), i
    assert after["geometry"]["coordinates"][0][0] == after["geometry"]["coordinates"][0][-1]
    assert page.locator("#map").get_attribute("data-view") == view  # the corner, not the map

    # Escape: the arrow keys move the whole shape again.
    page.keyboard.press("Escape")
    expect(page.locator("#ws-corner-label")).to_have_text("Whole shape")
    expect(page.locator("#map-status")).to_have_text("The arrow keys move the whole shape again.")
    expect(page.locator("#map path.ws-corner-mark")).to_have_count(0)
    expect(page.locator("#ws-editbar")).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#map-status")).to_have_text(SAVED)
    whole = annotations(facilitator, wid)[0]
    assert whole["properties"]["version"] == after["properties"]["version"] + 1
    for (lon0, lat0), (lon1, lat1) in zip(_ring(after), _ring(whole), strict=True):
        assert abs(lon1 - lon0) <= ROUNDED and abs(lat1 - _south(page, lat0, 10)) <= ROUNDED
    page.keyboard.press("Enter")  # "Done"
    expect(page.locator("#ws-editbar")).to_be_hidden()


def test_a_corner_that_would_make_the_area_cross_itself_is_refused(app, open_page, browser_log):
    facilitator, body = workshop(app)
    wid = body["id"]
    area = shape("Polygon", note="Smal")
    area["geometry"]["coordinates"] = [[*NARROW, NARROW[0]]]
    made = draw(join(app, body, "Anna"), wid, area)
    assert made.status_code == 201, made.get_json()
    before = made.get_json()
    page = open_page(**ENGLISH)
    facilitate_in_browser(page, body)  # the facilitator may reshape anyone's drawing
    _reshape_by_keyboard(page, before["id"])
    hint = page.locator("#ws-edit-hint").inner_text()
    for _ in range(2):
        page.keyboard.press("PageUp")  # from the whole shape: the last corner, then the third
    expect(page.locator("#ws-corner-label")).to_have_text("Corner 3 of 4")
    ring_at = _mark_centre(page)

    page.keyboard.press("ArrowLeft")  # over the left edge
    expect(page.locator("#ws-edit-hint")).to_have_text(CROSSES)
    expect(page.locator("#map-status")).to_have_text(CROSSES)
    assert _mark_centre(page) == ring_at

    # The refused step never counted: one step right lands 10 px right of where it was.
    page.keyboard.press("ArrowRight")
    expect(page.locator("#ws-edit-hint")).to_have_text(hint)
    expect(page.locator("#map-status")).to_have_text(SAVED)
    after = annotations(facilitator, wid)[0]
    assert after["properties"]["version"] == before["properties"]["version"] + 1
    moves = _moved(_ring(before), _ring(after))
    assert abs(moves[2][0] - 10 * _degrees_per_px(page)) <= ROUNDED
    assert [m for i, m in enumerate(moves) if i != 2] == [(0, 0)] * 3

    # A shape the server refuses (422) is said with its message and put back as it has it.
    ring_at = _mark_centre(page)  # where the server has the corner
    message = "The shape crosses itself at 20.262000, 63.825000."
    refusal = {"error": {"code": "invalid_geometry", "message": message, "field": "geometry"}}

    def refuse(route: Route) -> None:
        if route.request.method != "PATCH":
            route.fallback()
            return
        route.fulfill(status=422, content_type="application/json", body=json.dumps(refusal))

    browser_log.allow(422)
    page.route(f"**/api/workshops/{wid}/annotations/*", refuse)
    page.keyboard.press("ArrowDown")
    expect(page.locator("#ws-message")).to_have_text(message)
    assert _mark_centre(page) == pytest.approx(ring_at, abs=0.5)
    assert annotations(facilitator, wid)[0] == after


def test_a_lines_corners_are_moved_added_and_removed_by_the_facilitator(app, open_page):
    facilitator, body = workshop(app)
    wid = body["id"]
    anna = join(app, body, "Anna")
    line = shape("LineString", note="Cykelväg")
    line["geometry"]["coordinates"] = LINE
    made = draw(anna, wid, line)
    assert made.status_code == 201, made.get_json()
    lid = made.get_json()["id"]
    lead = open_page(**ENGLISH)
    facilitate_in_browser(lead, body)
    _reshape_by_keyboard(lead, lid)

    lead.keyboard.press("[")  # from the whole shape: the last corner
    expect(lead.locator("#ws-corner-label")).to_have_text("Corner 3 of 3")
    lead.keyboard.press("[")
    expect(lead.locator("#map-status")).to_have_text("Corner 2 of 3")
    lead.keyboard.press("ArrowDown")
    lead.keyboard.press("ArrowDown")
    expect(lead.locator("#map-status")).to_have_text(SAVED)
    south = _south(lead, LINE[1][1], 20)
    moved = _stored_once(facilitator, wid, lambda f: abs(_ring(f)[1][1] - south) <= ROUNDED)
    moves = _moved(LINE, _ring(moved))
    assert moves[0] == moves[2] == (0, 0)
    assert abs(moves[1][0]) <= ROUNDED
    assert abs(_ring(moved)[1][1] - south) <= ROUNDED
    version = moved["properties"]["version"]

    # A corner after the second: halfway to the third, and chosen.
    lead.focus("#ws-corner-add")
    lead.keyboard.press("Enter")
    expect(lead.locator("#ws-corner-label")).to_have_text("Corner 3 of 4")
    expect(lead.locator("#map-status")).to_have_text("New corner 3 of 4.")
    expect(lead.locator("#map-status")).to_have_text(SAVED)
    added = _ring(annotations(facilitator, wid)[0])
    assert len(added) == 4 and added[:2] == _ring(moved)[:2] and added[3] == LINE[2]
    assert abs(added[2][0] - (added[1][0] + added[3][0]) / 2) <= 1e-5

    # Removing: back to three, then two; a line keeps two.
    lead.focus("#ws-corner-remove")
    lead.keyboard.press("Enter")
    expect(lead.locator("#map-status")).to_have_text("Corner removed. Now corner 2 of 3.")
    expect(lead.locator("#map-status")).to_have_text(SAVED)
    assert _ring(annotations(facilitator, wid)[0]) == _ring(moved)
    lead.keyboard.press("Enter")
    expect(lead.locator("#map-status")).to_have_text("Corner removed. Now corner 1 of 2.")
    expect(lead.locator("#map-status")).to_have_text(SAVED)
    assert _ring(annotations(facilitator, wid)[0]) == [LINE[0], LINE[2]]
    expect(lead.locator("#ws-corner-remove")).to_have_attribute("aria-disabled", "true")
    lead.keyboard.press("Enter")
    expect(lead.locator("#map-status")).to_have_text("A line needs at least 2 corners.")
    assert annotations(facilitator, wid)[0]["properties"]["version"] == version + 3


def test_a_participant_cannot_reshape_anothers_drawing(app, open_page):
    facilitator, body = workshop(app)
    wid = body["id"]
    anna = join(app, body, "Anna")
    made = draw(anna, wid)
    assert made.status_code == 201
    aid = made.get_json()["id"]
    page = open_page(**ENGLISH)
    join_in_browser(page, body["join_code"], "Bo")
    page.focus("#ws-list-toggle")
    page.keyboard.press("Enter")
    page.focus(f"#ws-open-{aid}")
    page.keyboard.press("Enter")
    expect(page.locator("#ws-detail-readonly")).to_be_visible()
    expect(page.locator("#ws-detail-reshape")).to_be_hidden()

    page.keyboard.press("Escape")
    expect(page.locator("#ws-detail-panel")).to_be_hidden()
    page.focus("#map")
    view = page.locator("#map").get_attribute("data-view")
    page.keyboard.press("]")
    page.keyboard.press("ArrowRight")  # the map pans: no shape is being reshaped
    expect(page.locator("#map")).not_to_have_attribute("data-view", str(view))
    expect(page.locator("#ws-corners")).to_have_attribute("hidden", "")
    expect(page.locator("#ws-editbar")).to_be_hidden()
    assert annotations(facilitator, wid)[0]["properties"]["version"] == 1
