"""A new pin being written survives a language switch, a reload and Back and Forward on a
phone: it is kept in the tab's sessionStorage and the form opens again with it, at its point,
saying so; cancelling or saving forgets it, and a point the form would refuse is never used."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, BrowserLog, new_page, open_map
from tests.conftest import Api

DRAFT_KEY = "umecom-map.pin-draft"
LANGUAGE = {"sv": "Svenska", "en": "English"}
# What the form says of a restored draft, its button and what Discard says, per language.
RESTORED = {
    "sv": ("Ditt osparade utkast har återställts.", "Kassera utkastet", "Utkastet har kasserats."),
    "en": ("Your unsaved draft was restored.", "Discard the draft", "The draft was discarded."),
}
CLOSED = {"sv": "Formuläret stängdes.", "en": "The form was closed."}
DRAFT = {
    "title": "Mörk gångtunnel under E4",
    "body": "Lampan har varit trasig i tre veckor.",
    "author": "Kim",
}


@pytest.fixture
def phone(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog
) -> Iterator[Page]:
    """A 375 x 667 phone page with touch; no console errors by the end."""
    page = new_page(
        browser,
        live_server,
        browser_log,
        **{**PHONE, "viewport": {"width": 375, "height": 667}},
    )
    yield page
    page.context.close()
    assert browser_log.unexpected() == []


def in_language(page: Page, lang: str) -> None:
    """Open the map in `lang` (by the header's link, as a citizen would)."""
    open_map(page)
    if lang != "sv":
        switch_language(page, lang)


def switch_language(page: Page, lang: str) -> None:
    """Follow the header's link to `lang` and wait for the map to be ready again."""
    page.get_by_role("link", name=LANGUAGE[lang]).tap()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")


def write_draft(page: Page) -> tuple[float, float]:
    """Open the form at the map's centre and write a concern; returns its point (lat, lon)."""
    page.locator("#pin-centre").tap()
    expect(page.locator("#pin-district")).to_be_visible()  # the server accepted the place
    page.check("input[name=kind][value=concern]")
    page.select_option("#pin-category", "safety")
    page.fill("#pin-title", DRAFT["title"])
    page.fill("#pin-body", DRAFT["body"])
    page.fill("#pin-author", DRAFT["author"])
    return point_of(page)


def point_of(page: Page) -> tuple[float, float]:
    """The point the form says the pin is at (its coordinates, written to 5 decimals)."""
    numbers = re.findall(r"\d+\.\d+", page.locator("#pin-where").inner_text())
    return float(numbers[0]), float(numbers[1])


def expect_restored(page: Page, lang: str, point: tuple[float, float]) -> None:
    """The form is open with the draft at `point`, saying (and announcing) it was restored."""
    said, discard, _ = RESTORED[lang]
    expect(page.locator("#pin-panel")).to_be_visible()
    expect(page.locator("input[name=kind][value=concern]")).to_be_checked()
    expect(page.locator("#pin-category")).to_have_value("safety")
    expect(page.locator("#pin-title")).to_have_value(DRAFT["title"])
    expect(page.locator("#pin-body")).to_have_value(DRAFT["body"])
    expect(page.locator("#pin-author")).to_have_value(DRAFT["author"])
    note = page.locator(".pin-form__restored")
    expect(note).to_have_text(f"{said} {discard}")
    expect(note.get_by_role("button", name=discard)).to_be_visible()
    expect(page.locator("#map-status")).to_have_text(said)  # polite live region
    assert point_of(page) == point


def kept(page: Page) -> dict | None:
    """The draft in the tab's sessionStorage."""
    return json.loads(page.evaluate(f"sessionStorage.getItem({DRAFT_KEY!r}) || 'null'"))


def test_a_draft_survives_language_switches_and_a_reload_and_is_saved_there(
    phone: Page, app: Flask
) -> None:
    """Written in Swedish, restored in English, after a reload, and in Swedish again; saved, at
    the point first chosen, and then forgotten."""
    open_map(phone)
    point = write_draft(phone)
    switch_language(phone, "en")
    expect_restored(phone, "en", point)
    phone.reload()
    phone.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
    expect_restored(phone, "en", point)
    switch_language(phone, "sv")
    expect_restored(phone, "sv", point)

    phone.click("#pin-submit")
    expect(phone.locator("#map-notice")).to_contain_text(DRAFT["title"])
    assert kept(phone) is None
    open_map(phone)
    expect(phone.locator("#pin-panel")).to_be_hidden()
    [stored] = Api(app.test_client()).get("/api/ideas").get_json()["features"]
    assert stored["properties"]["title"] == DRAFT["title"]
    assert stored["geometry"]["coordinates"] == pytest.approx([point[1], point[0]], abs=1e-5)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_back_and_forward_bring_the_draft_back(phone: Page, lang: str) -> None:
    """Back with the form open leaves the map; Forward comes back to the draft."""
    in_language(phone, lang)
    phone.goto("/list")
    open_map(phone)
    point = write_draft(phone)
    phone.go_back()
    phone.wait_for_url(re.compile(r"/list"))
    phone.go_forward()
    phone.wait_for_selector("#map[data-ready='true']")
    expect_restored(phone, lang, point)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_cancel_forgets_the_draft(phone: Page, lang: str) -> None:
    """Cancel closes an empty form and forgets the draft: a reload opens nothing."""
    in_language(phone, lang)
    write_draft(phone)
    assert kept(phone) is not None
    phone.click("#pin-cancel")
    expect(phone.locator("#pin-panel")).to_be_hidden()
    expect(phone.locator("#map-status")).to_have_text(CLOSED[lang])
    assert kept(phone) is None
    phone.reload()
    phone.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
    expect(phone.locator("#pin-panel")).to_be_hidden()
    phone.locator("#pin-centre").tap()  # a new pin starts empty
    expect(phone.locator("#pin-title")).to_have_value("")
    expect(phone.locator(".pin-form__restored")).to_have_count(0)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_discard_forgets_a_restored_draft(phone: Page, lang: str) -> None:
    """The restored note's button empties and closes the form, and says so."""
    in_language(phone, lang)
    point = write_draft(phone)
    phone.reload()
    phone.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
    expect_restored(phone, lang, point)
    _, discard, discarded = RESTORED[lang]
    phone.get_by_role("button", name=discard).tap()
    expect(phone.locator("#pin-panel")).to_be_hidden()
    expect(phone.locator("#map-status")).to_have_text(discarded)
    assert kept(phone) is None
    phone.reload()
    phone.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
    expect(phone.locator("#pin-panel")).to_be_hidden()


@pytest.mark.parametrize(
    ("lat", "lng"),
    [(63.9095, 19.7530), (59.3293, 18.0686)],  # Vännäs: in the map's area, outside Umeå; Stockholm
)
def test_a_draft_at_a_place_the_form_refuses_is_not_restored(
    phone: Page, browser_log: BrowserLog, lat: float, lng: float
) -> None:
    """A kept draft whose point the form would refuse is forgotten, and no form opens."""
    browser_log.allow(422)  # the server's answer that Vännäs is outside
    open_map(phone)
    draft = {
        "kind": "idea",
        "category": "parks-nature",
        "title": "En bänk",
        "body": "",
        "author_name": "",
        "placeName": "",
        "lat": lat,
        "lng": lng,
    }
    phone.evaluate(
        "([key, value]) => sessionStorage.setItem(key, value)", [DRAFT_KEY, json.dumps(draft)]
    )
    phone.reload()
    phone.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
    phone.wait_for_function(f"() => sessionStorage.getItem({DRAFT_KEY!r}) === null")  # refused
    expect(phone.locator("#pin-panel")).to_be_hidden()
