"""The staff pages' second review, in the browser: a save's confirmation is seen and focused
beside its form; "Use this number" is a small bordered button; a filtered workspace says so;
the hexagons' legend has no "No pins"; the date presets count today among their days."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import sign_in_as
from tests.browser.test_workspace import open_workspace, pins, wait_ready
from tests.conftest import Api, create_user, pin_feature

__all__ = ["pins"]  # the fixture, shared with the workspace's tests

# A window so short that every form of the pin page is far below its top.
SHORT = {"width": 1000, "height": 500}


def _pin_page_in_english(page: Page, app: Flask, title: str = "Mörk gångväg") -> int:
    """Eva, a planner, signed in with English chosen, on a new pin's page; its id."""
    create_user(app, "eva@umea.se", "planner")
    idea_id = Api(app.test_client()).post("/api/ideas", pin_feature(title=title)).get_json()["id"]
    page.set_viewport_size(SHORT)
    sign_in_as(page, "eva@umea.se", "en")
    page.goto(f"/planner/ideas/{idea_id}")
    expect(page.locator("body[data-ready='true']")).to_have_count(1)
    return idea_id


def _workspace_in_english(page: Page, app: Flask, path: str = "/planner") -> None:
    """Per, a planner, signed in with English chosen, on the workspace at `path`, loaded."""
    create_user(app, "per@umea.se", "planner")
    sign_in_as(page, "per@umea.se", "en")
    open_workspace(page, path)


def _expect_notice_beside(page: Page, form_label: str, text: str) -> None:
    """The notice says `text`, right above the form labelled `form_label`, seen and focused."""
    notice = page.locator("#notice")
    expect(notice).to_have_text(text)
    expect(notice).to_be_focused()
    expect(notice).to_be_in_viewport()
    expect(notice).to_have_attribute("role", "status")
    following = notice.evaluate("n => n.nextElementSibling.getAttribute('aria-label')")
    assert following == form_label


def test_a_saved_note_is_confirmed_beside_its_form_and_focused(page: Page, app: Flask) -> None:
    _pin_page_in_english(page, app)
    page.fill("#note-body", "Ring Anna om belysningen.")
    page.get_by_role("button", name="Add the note").click()
    _expect_notice_beside(page, "New note", "The note was added.")


def test_a_saved_answer_and_duplicate_link_are_confirmed_where_they_were_sent(
    page: Page, app: Flask
) -> None:
    original = Api(app.test_client()).post("/api/ideas", pin_feature(title="Lampa")).get_json()
    _pin_page_in_english(page, app)
    page.select_option("#answer-status", "planned")
    page.fill("#answer-text", "Vi sätter upp lampor.")
    page.get_by_role("button", name="Save the status and answer").click()
    _expect_notice_beside(page, "Status and answer", "The status and answer were saved.")

    page.fill("#duplicate-of", str(original["id"]))
    page.get_by_role("button", name="Save the duplicate link").click()
    _expect_notice_beside(page, "Duplicate of another pin", "The duplicate link was saved.")


def test_a_saved_template_is_confirmed_beside_it(page: Page, app: Flask) -> None:
    create_user(app, "eva@umea.se", "planner")
    page.set_viewport_size(SHORT)
    sign_in_as(page, "eva@umea.se", "en")
    page.goto("/planner/templates")
    expect(page.locator("body[data-ready='true']")).to_have_count(1)
    page.fill("#template-done-sv", "Klart nu.")
    page.get_by_role("button", name=re.compile(r"^Save the template\W+Done$")).click()
    _expect_notice_beside(page, "Done", "The template was saved.")


def test_use_this_number_is_a_small_bordered_button(page: Page, app: Flask) -> None:
    Api(app.test_client()).post("/api/ideas", pin_feature(title="Fler cyklar vid skolan"))
    _pin_page_in_english(page, app, title="Parkering för cyklarna")
    button = page.get_by_role("button", name="Use this number")
    style = button.evaluate(
        "b => { const s = getComputedStyle(b);"
        " return [parseFloat(s.fontSize), s.borderTopWidth, s.borderTopStyle,"
        " parseFloat(s.paddingLeft)]; }"
    )
    body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert style[0] < body_size, style  # smaller than the text, never a heading's 1.5rem
    assert style[1] != "0px" and style[2] != "none", style  # a visible edge
    assert style[3] > 0, style  # room around its words


def test_a_template_is_removed_from_its_page(page: Page, app: Flask) -> None:
    create_user(app, "eva@umea.se", "planner")
    sign_in_as(page, "eva@umea.se", "en")
    page.goto("/planner/templates")
    expect(page.locator("body[data-ready='true']")).to_have_count(1)
    remove = re.compile(r"^Remove the template\W+Done$")
    expect(page.get_by_role("button", name=remove)).to_have_count(0)  # nothing to remove yet
    page.fill("#template-done-sv", "Klart nu.")
    page.get_by_role("button", name=re.compile(r"^Save the template\W+Done$")).click()
    _expect_notice_beside(page, "Done", "The template was saved.")
    page.get_by_role("button", name=remove).click()
    _expect_notice_beside(page, "Done", "The template was removed.")
    expect(page.locator("#template-done-sv")).to_have_value("")
    expect(page.get_by_role("button", name=remove)).to_have_count(0)


def test_a_filtered_view_says_its_filters_and_opens_them(
    page: Page, app: Flask, pins: dict[str, list[int]]
) -> None:
    _workspace_in_english(page, app, "/planner?kind=idea&status=new,under_review")
    summary = page.locator("#pw-filter-summary")
    expect(summary).to_have_text("Filter: Kind: Idea; Status: New, Under review")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("aria-live", "polite")
    expect(page.locator("details.pw-filters")).to_have_attribute("open", "")
    page.get_by_label("Concern").check()  # a change is said too
    wait_ready(page)
    expect(summary).to_have_text("Filter: Kind: Idea, Concern; Status: New, Under review")


def test_an_unfiltered_view_says_nothing_of_filters(
    page: Page, app: Flask, pins: dict[str, list[int]]
) -> None:
    _workspace_in_english(page, app)
    expect(page.locator("#pw-filter-summary")).to_have_text("")
    expect(page.locator("details.pw-filters")).not_to_have_attribute("open", "")


def test_only_the_districts_legend_has_no_pins(
    page: Page, app: Flask, pins: dict[str, list[int]]
) -> None:
    """Hexagons come only where pins are: a "No pins" swatch would stand for nothing drawn."""
    _workspace_in_english(page, app, "/planner?layer=hexgrid")
    legend = page.locator("#pw-legend")
    expect(legend.locator("h2")).to_contain_text("hexagon")
    expect(legend.locator("li").first).to_be_visible()
    expect(legend).not_to_contain_text("No pins")
    page.get_by_label("Districts", exact=True).check()
    wait_ready(page)
    expect(legend).to_contain_text("No pins")


def test_the_last_30_days_count_today_among_them(
    page: Page, app: Flask, pins: dict[str, list[int]]
) -> None:
    _workspace_in_english(page, app)
    page.locator("details.pw-filters summary").click()
    page.get_by_role("button", name="Last 30 days").click()
    wait_ready(page)
    today = date.today()
    expect(page.locator("#pw-since")).to_have_value((today - timedelta(days=29)).isoformat())
