"""Helpers for the workshop pages in a real browser: joining, drawing with a mouse or fingers,
reading what the map shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from playwright.sync_api import FloatRect, Locator, Page, expect
from sqlalchemy import text

from app.db import get_engine
from tests.workshops.helpers import WorkshopClient, start_workshop

# Corners of an area, as offsets in pixels from the map's centre.
SQUARE_PX = [(-80, -60), (60, -70), (70, 50), (-60, 60)]


def workshop(app: Flask, **settings: Any) -> tuple[WorkshopClient, dict[str, Any]]:
    """A workshop started through the API: the facilitator's client and the 201 body."""
    return start_workshop(app, **settings)


def ended_workshop(app: Flask, **settings: Any) -> tuple[WorkshopClient, dict[str, Any]]:
    """A workshop whose end time has just passed (an end time cannot be set in the past)."""
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat(timespec="seconds")
    facilitator, body = workshop(app, ends_at=later, **settings)
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(
            text("UPDATE workshops SET ends_at = now() - interval '1 minute' WHERE id = :w"),
            {"w": body["id"]},
        )
    return facilitator, body


def wait_for_map(page: Page) -> None:
    """Until the workshop map has loaded its drawings and opened its stream."""
    page.wait_for_selector("#map[data-ready='true']")


def join_in_browser(page: Page, code: str, name: str, group: str | None = None) -> None:
    """Open the join link, give a name (and a group), and wait for the map."""
    page.goto(f"/w/{code}")
    page.wait_for_selector("#ws-join-form:not([hidden])")
    page.fill("#ws-join-name", name)
    if group is not None:
        page.select_option("#ws-join-group", label=group)
    page.click("#ws-join-submit")
    page.wait_for_url("**/workshops/*")
    wait_for_map(page)


def facilitate_in_browser(page: Page, body: dict[str, Any]) -> None:
    """Open the secret facilitator link (the key is swapped for a cookie) and wait."""
    link = urlsplit(body["facilitator_url"])  # made for the test client's host: keep the path
    page.goto(f"{link.path}#{link.fragment}")
    wait_for_map(page)


def map_point(page: Page, dx: float, dy: float) -> tuple[float, float]:
    """Page coordinates of a point `dx`, `dy` pixels from the map's centre."""
    box = page.locator("#map").bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy


def draw_area(page: Page, corners=SQUARE_PX, *, touch: bool = False) -> None:
    """Choose "Area", place the corners with clicks (or taps) and press Finish."""
    page.click("[data-draw='Polygon']")
    for dx, dy in corners:
        x, y = map_point(page, dx, dy)
        if touch:
            page.touchscreen.tap(x, y)
        else:
            page.mouse.click(x, y)
    finish = page.locator("[data-action='finish']")
    expect(finish).to_be_enabled()
    if touch:
        finish.tap()
    else:
        finish.click()


def save_drawing(page: Page, note: str, *, color: str | None = None) -> None:
    """Fill the drawing form that opened after drawing and save; wait until it has closed."""
    expect(page.locator("#ws-form-panel")).to_be_visible()
    page.fill("#ws-note", note)
    if color is not None:
        page.check(f"input[name='color'][value='{color}']")
    page.click("#ws-save")
    expect(page.locator("#ws-form-panel")).to_be_hidden()


def joined_with_an_area(
    page: Page, body: dict[str, Any], name: str, note: str, *, touch: bool = False
) -> None:
    """Join in the browser as `name`, draw an area (clicks, or taps) and save it with `note`."""
    join_in_browser(page, body["join_code"], name)
    draw_area(page, touch=touch)
    save_drawing(page, note)


def shapes(page: Page):  # noqa: ANN201
    """The drawings on the page's map."""
    return page.locator("#map path.ws-shape")


def open_drawing(page: Page, note: str) -> None:
    """Open a drawing's details from the list, by its note."""
    open_list(page)
    page.locator("#ws-list .ws-list__open", has_text=note).click()
    expect(page.locator("#ws-detail-panel")).to_be_visible()


def open_list(page: Page) -> None:
    """A participant's list of drawings."""
    if not page.locator("#ws-list-panel").is_visible():
        page.click("#ws-list-toggle")
    expect(page.locator("#ws-list-panel")).to_be_visible()


def annotations(client: WorkshopClient, workshop_id: int) -> list[dict[str, Any]]:
    """The workshop's drawings as the API has them."""
    response = client.get(f"/api/workshops/{workshop_id}/annotations")
    assert response.status_code == 200
    return response.get_json()["features"]  # type: ignore[no-any-return]


def box_of(locator: Locator) -> FloatRect:
    """Where an element is on the page (it must be shown)."""
    box = locator.bounding_box()
    assert box is not None
    return box


def centre_under(inner: FloatRect, outer: FloatRect) -> bool:
    """Whether the centre of box `inner` lies inside box `outer`."""
    x, y = inner["x"] + inner["width"] / 2, inner["y"] + inner["height"] / 2
    return (
        outer["x"] <= x <= outer["x"] + outer["width"]
        and outer["y"] <= y <= outer["y"] + outer["height"]
    )
