"""Drawing on a 320 x 568 phone. Choosing "Area" took the map of a workshop with a two-line
title down to 192 px (the stage's least height) and made the page 572 px tall: the drawing
bar's buttons stood in three rows, "Cancel" below the fold, and Leaflet's attribution, three
lines at that width, lay over the map's bottom 47 px, so a tap 100 px below the centre hit it
and placed nothing. The bar's buttons now share a row and the attribution is one line: the map
keeps 293 px (311 px under a one-line title), and its lower part takes taps. In English "Who is
here: 1 here" then wrapped below "About the workshop" and the map kept 250 px: on a phone the
two share a row, the count's label for screen readers only."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import violations
from tests.browser.workshops import (
    annotations,
    box_of,
    draw_area,
    join_in_browser,
    map_point,
    save_drawing,
    shapes,
    workshop,
)

SMALL_PHONE: dict[str, Any] = {**PHONE, "viewport": {"width": 320, "height": 568}}
# An area reaching into the lower part of the map (offsets from its centre, in pixels).
LOW_CORNERS = [(-120, -90), (110, -100), (120, 100), (-110, 110)]
# Where a finger may tap in the lower part of the map: x as a share of its width, y in pixels
# below its centre, and a finger's width above its bottom edge.
LOW_TAPS = [(x, dy) for x in (0.05, 0.3, 0.5, 0.7, 0.95) for dy in (50, 100)]
ABOVE_BOTTOM = 24

WHAT_IS_UNDER = """([x, y]) => {
  const hit = document.elementFromPoint(x, y);
  return {onMap: Boolean(hit && hit.closest('#map')),
          attribution: Boolean(hit && hit.closest('.leaflet-control-attribution'))};
}"""
# How much room each tool button's visible label has beside it (px), the least of them.
LABEL_ROOM = """() => Math.min(...[...document.querySelectorAll('.ws-tools__row .ws-tool')]
  .map((button) => {
    const label = [...button.childNodes].find((node) => node.nodeType === Node.TEXT_NODE);
    const range = document.createRange();
    range.selectNodeContents(label);
    return button.clientWidth - range.getBoundingClientRect().width;
  }))"""


def _lower_map_points(page: Page) -> list[tuple[float, float]]:
    box = box_of(page.locator("#map"))
    points = [
        (box["x"] + box["width"] * share, map_point(page, 0, dy)[1]) for share, dy in LOW_TAPS
    ]
    bottom = box["y"] + box["height"] - ABOVE_BOTTOM
    return points + [(box["x"] + box["width"] * share, bottom) for share, _ in LOW_TAPS[::2]]


def _usable_while_drawing(page: Page, kind: str) -> None:
    """The map is tall, every button of the bar on screen with no scrolling, and a tap
    anywhere in the lower part of the map reaches the map."""
    height = box_of(page.locator("#map"))["height"]
    assert height >= 280, (kind, height)
    assert page.evaluate("document.documentElement.scrollHeight") <= 568, kind
    buttons = page.locator("[data-draw-bar] button:visible")
    assert buttons.count() >= 2
    for button in buttons.all():
        box = box_of(button)
        assert box["y"] >= 0 and box["y"] + box["height"] <= 568, (kind, button.inner_text())
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, (kind, button.inner_text())
        assert box["width"] >= 44 and box["height"] >= 44, (kind, button.inner_text(), box)
    for point in _lower_map_points(page):
        under = page.evaluate(WHAT_IS_UNDER, list(point))
        assert under == {"onMap": True, "attribution": False}, (kind, point, under)


def _credit_is_legible(page: Page) -> None:
    """The OpenStreetMap credit is shown whole, at the size it had."""
    credit = page.locator(".leaflet-control-attribution a", has_text="OpenStreetMap")
    line, link = box_of(page.locator(".leaflet-control-attribution")), box_of(credit)
    assert line["x"] <= link["x"] and link["x"] + link["width"] <= line["x"] + line["width"]
    assert line["height"] < 20, line  # one line
    assert credit.evaluate("(a) => parseFloat(getComputedStyle(a).fontSize)") >= 11


@pytest.mark.parametrize("locale", ["sv-SE", "en-GB"])
def test_drawing_on_a_320_px_phone_leaves_a_map_to_tap_on(
    app: Flask, open_page: Any, locale: str
) -> None:
    facilitator, body = workshop(
        app, title="Trygghetsvandring i Haga och Sandbacka", description="Var behövs ljus?"
    )
    page = open_page(bypass_csp=True, locale=locale, **SMALL_PHONE)
    join_in_browser(page, body["join_code"], "Sara")
    summary = page.locator(".ws-presence summary")
    expect(summary).to_have_accessible_name(
        {"sv-SE": "Vilka är här: 1 här", "en-GB": "Who is here: 1 here"}[locale]
    )
    assert box_of(summary)["y"] == box_of(page.locator(".ws-about summary"))["y"], "one row"

    page.locator("[data-draw='Polygon']").tap()
    expect(page.locator("[data-action='finish']")).to_be_visible()
    _usable_while_drawing(page, "Polygon")
    assert violations(page) == []
    page.locator("[data-action='cancel']").tap()
    draw_area(page, LOW_CORNERS, touch=True)
    save_drawing(page, "Mörkt här")
    expect(shapes(page)).to_have_count(1)

    page.locator("[data-draw='Point']").tap()
    expect(page.locator("[data-action='point-centre']")).to_be_visible()
    _usable_while_drawing(page, "Point")
    page.touchscreen.tap(*map_point(page, 0, 100))  # the review tapped 50 px below: attribution
    save_drawing(page, "En lykta")
    expect(shapes(page)).to_have_count(2)
    assert page.evaluate(LABEL_ROOM) >= 8  # "Område" filled its button edge to edge
    _credit_is_legible(page)

    stored = {a["properties"]["note"]: a["geometry"] for a in annotations(facilitator, body["id"])}
    assert stored["Mörkt här"]["type"] == "Polygon"
    assert len(stored["Mörkt här"]["coordinates"][0]) == 5
    assert stored["En lykta"]["type"] == "Point"
