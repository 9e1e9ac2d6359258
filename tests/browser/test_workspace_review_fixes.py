"""The planners' review, in the browser: signed out in another tab, an answer is kept and the
page leads back in; "N pins answered" is said beside the button; refusals use the fields' own
words; the date presets are small buttons; the word list never shows success and failure."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import BrowserLog, sign_out_in_another_tab
from tests.browser.test_accessibility import sign_in_as
from tests.browser.test_workspace import GROUP, open_workspace, pins, wait_ready
from tests.conftest import PASSWORD, create_user, pin_feature

__all__ = ["pins"]  # the fixture, shared with the workspace's tests

CENTRAL = "Centrala stan"
SIGN_IN = "Please sign in as a planner."


def _planner_in_english(page: Page, app: Flask) -> None:
    """Per, a planner, signed in with English chosen, on the workspace once it has loaded."""
    create_user(app, "per@umea.se", "planner")
    sign_in_as(page, "per@umea.se", "en")
    wait_ready(page)


def _choose_central(page: Page) -> None:
    page.get_by_role("button", name=CENTRAL, exact=True).click()
    expect(page.locator("#pw-sel-pins li")).to_have_count(GROUP)


def test_signed_out_meanwhile_the_answer_is_kept_and_sent_after_signing_in(
    page: Page, app: Flask, pins: dict[str, list[int]], browser_log: BrowserLog
) -> None:
    browser_log.allow(401)  # the answer sent after signing out, on purpose
    _planner_in_english(page, app)
    _choose_central(page)
    page.fill("#pw-answer-text", "Vi bygger om torget 2027.")
    page.fill("#pw-answer-en", "We rebuild the square in 2027.")
    page.select_option("#pw-answer-status", "planned")
    sign_out_in_another_tab(page)

    page.get_by_role("button", name=f"Answer all {GROUP} pins").click()
    error = page.locator("#pw-answer .form-error")
    expect(error).to_contain_text(SIGN_IN)
    expect(error).not_to_contain_text("security token")
    expect(page.locator("#pw-answer-text")).to_have_value("Vi bygger om torget 2027.")
    link = error.get_by_role("link", name="Sign in")
    expect(link).to_have_attribute("href", re.compile(r"^/login\?next=%2Fplanner%3F.*sel"))

    # Signing in again comes back to the same selection, with the answer as it was typed.
    link.click()
    page.fill("#email", "per@umea.se")
    page.fill("#password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    expect(page.locator("#pw-sel-title")).to_have_text(f"District {CENTRAL}")
    expect(page.locator("#pw-answer-text")).to_have_value("Vi bygger om torget 2027.")
    expect(page.locator("#pw-answer-en")).to_have_value("We rebuild the square in 2027.")
    expect(page.locator("#pw-answer-status")).to_have_value("planned")
    expect(page.locator("#pw-template-note")).to_contain_text("Your answer from before")

    page.get_by_role("button", name=f"Answer all {GROUP} pins").click()
    done = page.locator("#pw-answer-done")
    expect(done).to_have_text(f"{GROUP} pins answered.")
    expect(done).to_be_in_viewport()
    expect(page.locator("#pw-answer-text")).to_have_value("")


def test_the_answered_notice_is_beside_the_button_and_the_old_note_goes(
    page: Page, app: Flask, pins: dict[str, list[int]]
) -> None:
    """In a short window the panel scrolls; the notice at its top was out of sight."""
    page.set_viewport_size({"width": 1280, "height": 600})
    _planner_in_english(page, app)
    _choose_central(page)
    page.select_option("#pw-answer-status", "done")
    page.get_by_role("button", name="Use the template").click()
    note = page.locator("#pw-template-note")
    expect(note).to_have_text("There is no template for this status yet.")
    page.fill("#pw-answer-text", "Klart.")
    page.get_by_role("button", name=f"Answer all {GROUP} pins").click()
    done = page.locator("#pw-answer-done")
    expect(done).to_have_text(f"{GROUP} pins answered.")
    expect(done).to_be_in_viewport()
    expect(note).to_have_text("")
    # The button was disabled while sending: the focus is on what was said, not lost to
    # <body> (where the next Tab would start again at the top of the page).
    expect(done).to_be_focused()


def test_an_import_after_signing_out_says_sign_in(
    page: Page, app: Flask, browser_log: BrowserLog, tmp_path: Path
) -> None:
    browser_log.allow(401)
    _planner_in_english(page, app)
    file = tmp_path / "pins.geojson"
    file.write_text(json.dumps({"type": "FeatureCollection", "features": [pin_feature()]}))
    page.locator("#pw-import summary").click()
    sign_out_in_another_tab(page)
    page.set_input_files("#pw-import-file", str(file))
    page.click("#pw-import-submit")
    result = page.locator("#pw-import-result")
    expect(result).to_have_text(
        f"Nothing was imported: {SIGN_IN} Sign in Then choose the file again."
    )
    expect(result.get_by_role("link", name="Sign in")).to_have_attribute(
        "href", re.compile(r"^/login\?next=%2Fplanner")
    )


def test_the_import_hint_names_the_values(page: Page, app: Flask) -> None:
    _planner_in_english(page, app)
    page.locator("#pw-import summary").click()
    expect(page.locator("#pw-import-file")).to_have_accessible_description(
        re.compile(r"kind: idea, concern\. category: traffic, walking-cycling, .*, other\.")
    )


def test_dates_the_wrong_way_round_in_the_fields_words(
    page: Page, app: Flask, browser_log: BrowserLog
) -> None:
    browser_log.allow(422)
    _planner_in_english(page, app)
    page.goto("/planner?since=2026-12-05&until=2026-11-01")
    expect(page.locator("#pw-status")).to_have_attribute("data-state", "error")
    expect(page.locator("#pw-err-until")).to_have_text(
        "This date must not be before the date under “Created from”."
    )
    expect(page.locator("#pw-district-table tbody")).to_have_text(
        "No district can be counted while a filter is refused: see the marked field."
    )


def test_hexagons_too_small_advise_only_what_the_page_has(
    page: Page, app: Flask, browser_log: BrowserLog
) -> None:
    browser_log.allow(422)
    _planner_in_english(page, app)
    page.goto("/planner?layer=hexgrid&size=50")
    error = page.locator("#pw-err-size")
    expect(error).to_have_text(
        re.compile(
            r"^Hexagons this small would be too many for the whole municipality: choose an "
            r"edge of at least (\d+) m\. Use \1$"
        )
    )
    expect(error).not_to_contain_text("bbox")
    expect(page.locator("#pw-district-table tbody tr").first).to_be_visible()  # kept


def test_the_date_presets_are_small_buttons(page: Page, app: Flask) -> None:
    create_user(app, "per@umea.se", "planner")
    sign_in_as(page, "per@umea.se", "sv")
    open_workspace(page)
    page.locator("details.pw-filters summary").click()
    for name in ("Senaste 7 dagarna", "Senaste 30 dagarna"):
        button = page.get_by_role("button", name=name)
        style = button.evaluate(
            "b => { const s = getComputedStyle(b);"
            " return [parseFloat(s.fontSize), s.borderTopColor, s.borderTopWidth]; }"
        )
        body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert style[0] < body_size, style  # smaller than the text, never 1.5rem
        assert style[1] != "rgba(0, 0, 0, 0)" and style[2] != "0px", style  # a visible edge


@pytest.mark.parametrize("lang", ["sv"])
def test_the_word_list_never_shows_success_and_failure_at_once(
    page: Page, app: Flask, browser_log: BrowserLog, lang: str
) -> None:
    browser_log.allow(409, 422)
    create_user(app, "moa@umea.se", "moderator")
    sign_in_as(page, "moa@umea.se", lang)
    page.goto("/planner/moderation/words")
    page.fill("#new-word", "idiot")
    page.get_by_role("button", name="Lägg till i listan").click()
    notice = page.locator("#notice")
    expect(notice).to_have_text("Ordet lades till.")
    page.fill("#new-word", "idiot")  # already listed: refused
    page.get_by_role("button", name="Lägg till i listan").click()
    form_error = page.locator("form.api-form .form-error").first
    expect(form_error).to_be_visible()
    expect(notice).to_be_hidden()


def test_the_language_switch_keeps_the_workspace_as_it_is(page: Page, app: Flask) -> None:
    """The header's link was written for the address the page loaded at; the workspace has
    moved on since (its view and layer are in its address), and the other language shows it."""
    create_user(app, "per@umea.se", "planner")
    sign_in_as(page, "per@umea.se", "sv")
    open_workspace(page, "/planner?layer=hexgrid")
    page.locator("#pw-map .leaflet-control-zoom-in").click()
    expect(page).to_have_url(re.compile(r"[?&]lat=.*&z=\d+$"))  # the view, once it moved
    address = page.url
    page.get_by_role("link", name="English").click()
    wait_ready(page)
    assert page.url == address
    expect(page.locator("html")).to_have_attribute("lang", "en")
