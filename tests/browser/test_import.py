"""Importing pins in the workspace (/planner), in a real browser under the CSP: a planner
chooses a GeoJSON file and the source, imports it and hears the result; a file with a bad
feature is refused naming the feature. On a 375 px phone, by keyboard, axe finds nothing. By
keyboard, the focus stays in the form: on the result, or on "Import anyway" when the file's
pins are stored already."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, BrowserLog, new_page
from tests.browser.test_accessibility import sign_in_as, violations
from tests.conftest import CENTRE, HOLMSUND, Api, count_pins, create_user, pin_feature

# Three pins in SWEREF 99 TM, as ogr2ogr writes them (tests/api/test_import.py).
SWEREF_FILE = Path(__file__).parents[1] / "data" / "enkat_sweref99tm.geojson"


def geojson_file(tmp_path: Path, name: str, features: list[dict[str, Any]]) -> Path:
    """A FeatureCollection file, as QGIS writes one (with `name` and `crs`)."""
    path = tmp_path / name
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    collection = {"type": "FeatureCollection", "name": "enkat", "crs": crs, "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def open_import(page: Page, email: str, lang: str = "sv") -> None:
    """Sign in, wait for the workspace's layer, open "Importera nålar"."""
    sign_in_as(page, email, lang)
    expect(page.locator("#pw-status")).to_have_attribute("data-state", "ready")
    page.locator("details.pw-import summary").click()


def test_a_planner_imports_a_file_and_hears_the_result(
    page: Page, app: Flask, staff, browser_log: BrowserLog, tmp_path: Path
) -> None:
    staff("moderator").post("/api/moderation/words", {"word": "idiot"})
    create_user(app, "pia@umea.se", "planner")
    open_import(page, "pia@umea.se")
    result = page.locator("#pw-import-result")

    browser_log.allow(422)
    bad = [pin_feature(CENTRE), pin_feature(HOLMSUND, title="ab")]
    page.set_input_files("#pw-import-file", geojson_file(tmp_path, "fel.geojson", bad))
    page.get_by_role("button", name="Importera nålar").click()
    expect(result).to_have_text("Inget importerades. Objekt 2 (title): Skriv minst 3 tecken.")
    expect(result).to_have_class("pw-import-result pw-import-result--error")
    assert count_pins(app) == 0

    features = [
        pin_feature(CENTRE, title="Bänk vid torget"),
        pin_feature(
            HOLMSUND, title="Vilken idiot till korsning", kind="concern", category="safety"
        ),
        pin_feature((20.2700, 63.8300), title="Belysning på gångvägen"),
    ]
    page.set_input_files("#pw-import-file", geojson_file(tmp_path, "enkat.geojson", features))
    page.get_by_role("radio", name="Papper").check()
    page.get_by_role("button", name="Importera nålar").click()
    expect(result).to_have_text("3 nålar importerade, 1 hålls inne för granskning.")
    expect(result).to_have_class("pw-import-result")
    expect(page.locator("#pw-status")).to_have_attribute("data-state", "ready")

    listed = Api(app.test_client()).get("/api/ideas?source=paper").get_json()["features"]
    titles = sorted(f["properties"]["title"] for f in listed)
    assert titles == ["Belysning på gångvägen", "Bänk vid torget"]  # the held one is not public
    assert count_pins(app) == 3


def test_the_import_by_keyboard_on_a_phone_passes_axe(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog, tmp_path: Path
) -> None:
    page = new_page(browser, live_server, browser_log, bypass_csp=True, **PHONE)
    try:
        create_user(app, "per@umea.se", "planner")
        open_import(page, "per@umea.se")
        assert violations(page) == [], "the import form open"
        page.locator("#pw-import-submit").focus()
        page.keyboard.press("Enter")  # no file chosen yet
        expect(page.locator("#pw-import-result")).to_have_text("Välj en GeoJSON-fil först.")
        expect(page.locator("#pw-import-file")).to_be_focused()
        page.set_input_files("#pw-import-file", geojson_file(tmp_path, "en.json", [pin_feature()]))
        page.keyboard.press("Tab")  # to the source choice: the arrow keys choose
        page.keyboard.press("ArrowLeft")
        expect(page.get_by_role("radio", name="Papper")).to_be_checked()
        page.keyboard.press("Tab")
        expect(page.locator("#pw-import-submit")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#pw-import-result")).to_have_text("1 nål importerad.")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert violations(page) == [], "a result shown"
        assert count_pins(app) == 1
    finally:
        page.context.close()


def submit_by_keyboard(page: Page) -> None:
    """Tab's way to the import button, and Enter."""
    page.locator("#pw-import-submit").focus()
    page.keyboard.press("Enter")


def active_id(page: Page) -> str:
    """The id of the element that has the keyboard focus ("" for <body>)."""
    return str(page.evaluate("document.activeElement.id"))


def test_after_an_import_by_keyboard_the_focus_stays_in_the_form(
    page: Page, app: Flask, browser_log: BrowserLog, tmp_path: Path
) -> None:
    """The button is disabled while the file is sent; its focus went to <body> and the next
    Tab started at the top of the page. Now the result has it, or after a refusal for pins
    stored already "Import anyway", from where Space and Tab, Enter import the file anyway."""
    browser_log.allow(409, 422)
    create_user(app, "pia@umea.se", "planner")
    open_import(page, "pia@umea.se", "en")
    result = page.locator("#pw-import-result")
    anyway = page.get_by_role("checkbox", name="Import anyway")
    expect(anyway).to_be_hidden()

    page.set_input_files("#pw-import-file", SWEREF_FILE)  # ogr2ogr's, in SWEREF 99 TM
    submit_by_keyboard(page)
    expect(result).to_have_text("3 pins imported.")
    expect(result).to_be_focused()
    assert active_id(page) == "pw-import-result"
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#pw-import-submit")).to_be_focused()
    first = min(f["id"] for f in Api(app.test_client()).get("/api/ideas").get_json()["features"])

    page.set_input_files("#pw-import-file", SWEREF_FILE)  # the same file again, by mistake
    submit_by_keyboard(page)
    expect(result).to_have_text(
        f"Nothing was imported. Feature 1: Pin {first} has the same title and place (within "
        "1 m) and the same source: is this file imported already? Features of this file that "
        f"are pins already: 3. Open pin {first}"
    )
    expect(result.get_by_role("link", name=f"Open pin {first}")).to_have_attribute(
        "href", f"/planner/ideas/{first}"
    )
    expect(anyway).to_be_focused()
    assert active_id(page) == "pw-import-duplicates"
    assert count_pins(app) == 3
    page.keyboard.press("Space")
    expect(anyway).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#pw-import-submit")).to_be_focused()
    page.keyboard.press("Enter")
    expect(result).to_have_text("3 pins imported.")
    expect(result).to_be_focused()
    expect(anyway).to_be_hidden()
    assert count_pins(app) == 6

    bad = [pin_feature(CENTRE, title="Fönster mot torget"), pin_feature(HOLMSUND, title="ab")]
    page.set_input_files("#pw-import-file", geojson_file(tmp_path, "fel.geojson", bad))
    submit_by_keyboard(page)
    expect(result).to_have_text(
        "Nothing was imported. Feature 2 (title): Write at least 3 characters."
    )
    expect(result).to_be_focused()
    expect(anyway).to_be_hidden()
    assert count_pins(app) == 6
