"""WCAG 2.1 AA checks with axe-core (from the npm registry) on every page and state: the public
pages, and the planners' sign-in, queue, pin, word list and template pages in both languages.

axe is injected as a script, which our CSP forbids on purpose, so these pages bypass the CSP;
all other browser tests run under it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from app.config import PROJECT_DIR
from tests.browser.conftest import PHONE, BrowserLog, new_page, open_map
from tests.conftest import HOLMSUND, PASSWORD, Api, create_user, pin_feature, sign_in

AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def axe_page(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog
) -> Iterator[Page]:
    """A page that lets axe in (CSP bypassed); console errors still fail the test."""
    page = new_page(browser, live_server, browser_log, bypass_csp=True)
    yield page
    page.context.close()
    assert browser_log.unexpected() == []


# Only the violations come back, as the lines a failure prints. axe's whole result (every
# rule's passing elements too) crossed Playwright's pipe before; Playwright's Python side
# validates every message it gets, 19 s of the suite's CPU time in all (py-spy).
RUN_AXE = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                              resultTypes: ['violations']})
  .then(result => result.violations.flatMap(v => v.nodes.map(node =>
    `${v.id} (${v.impact}): ${JSON.stringify(node.target)} ${node.failureSummary}`)))"""


@functools.cache
def _axe_source() -> str:
    return Path(AXE).read_text(encoding="utf-8")


def violations(page: Page) -> list[str]:
    """Run axe on the page as it is now; one line per violation and element."""
    if not page.evaluate("typeof axe !== 'undefined'"):  # a new document since the last run
        page.add_script_tag(content=_axe_source())
    return list(page.evaluate(RUN_AXE, WCAG_AA))


@pytest.fixture
def pins(app: Flask) -> list[int]:
    """Two pins, so lists, markers and popups have content."""
    api = Api(app.test_client())
    return [
        api.post("/api/ideas", json=pin_feature(title="Bänk vid älven")).get_json()["id"],
        api.post(
            "/api/ideas",
            json=pin_feature(HOLMSUND, kind="concern", category="safety", title="Mörk gångväg"),
        ).get_json()["id"],
    ]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_map_page(axe_page: Page, pins: list[int], lang: str) -> None:
    open_map(axe_page, f"/?lang={lang}")
    assert violations(axe_page) == []


def test_map_with_a_filter_from_its_address(axe_page: Page, pins: list[int]) -> None:
    """The filter panel open with its words, and the line that says how many pins match."""
    open_map(axe_page, "/?q=bänk")
    expect(axe_page.locator("#filter-result")).to_have_text("1 nål på kartan stämmer med filtret.")
    axe_page.locator("#map-filters summary").click()
    assert violations(axe_page) == []


def test_map_with_pin_form_and_popup_open(axe_page: Page, pins: list[int]) -> None:
    open_map(axe_page)
    axe_page.click("#pin-centre")
    axe_page.wait_for_selector("#pin-panel:not([hidden])")
    axe_page.fill("#pin-title", "Ny bänk")  # lists "Bänk vid älven", with its Support button
    axe_page.wait_for_selector("#pin-similar:not([hidden]) .support-button")
    assert violations(axe_page) == []
    axe_page.keyboard.press("Escape")
    axe_page.locator(".pin[aria-label$='Bänk vid älven']").click()
    axe_page.wait_for_selector(".pin-card")
    assert violations(axe_page) == []


def test_list_and_pin_pages(axe_page: Page, pins: list[int], browser_log: BrowserLog) -> None:
    browser_log.allow(404)  # the page of a pin that does not exist
    for path in ("/list", "/list?kind=concern", f"/ideas/{pins[0]}", "/ideas/999999"):
        axe_page.goto(path)
        assert violations(axe_page) == [], path
    # "Mina nålar" with both pins, as if this browser had placed them (my-pins-store.js)
    axe_page.evaluate(
        "ids => localStorage.setItem('umecom-map.my-pins', JSON.stringify(ids))", pins
    )
    axe_page.goto("/mine")
    expect(axe_page.locator("#my-pins-list li")).to_have_count(2)
    assert violations(axe_page) == []


def test_phone_map_page(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog, pins: list[int]
) -> None:
    page = new_page(browser, live_server, browser_log, bypass_csp=True, **PHONE)
    try:
        open_map(page)
        assert violations(page) == []
    finally:
        page.context.close()


def sign_in_as(page: Page, email: str, lang: str) -> None:
    """Sign in through the form, in the language given (its cookie is set first)."""
    page.goto(f"/lang/{lang}?next=/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/planner([/?].*)?$"))


@pytest.fixture
def moderated_pin(app: Flask, pins: list[int]) -> int:
    """A reported, answered, noted pin with history, and an admin to sign in as."""
    create_user(app, "moa@umea.se", "admin")
    create_user(app, "eva@umea.se", "planner")
    citizen = Api(app.test_client())
    citizen.post(f"/api/ideas/{pins[0]}/flag", {"reason": "spam", "note": "Reklam"})
    # near it, with a word of its title: listed on its page as a possible duplicate
    citizen.post("/api/ideas", pin_feature(title="Fler bänkar vid älven"))
    moderator = sign_in(app.test_client(), "moa@umea.se")
    moderator.patch(f"/api/ideas/{pins[0]}", {"status": "planned", "answer": "Vi ordnar det."})
    moderator.post(f"/api/ideas/{pins[0]}/notes", {"body": "Ring parkförvaltningen."})
    moderator.post("/api/moderation/words", {"word": "fuskbygge"})
    moderator.put("/api/answer-templates/done", {"answer": "Klart."})
    return pins[0]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_planner_pages(
    axe_page: Page, moderated_pin: int, browser_log: BrowserLog, lang: str
) -> None:
    browser_log.allow(401, 422)  # the wrong password and the refused hide, on purpose
    axe_page.goto(f"/lang/{lang}?next=/login")
    assert violations(axe_page) == [], "login"
    axe_page.fill("#email", "moa@umea.se")
    axe_page.fill("#password", "inte rätt lösenord")
    axe_page.click("form.login-form button[type=submit]")
    axe_page.wait_for_selector("#login-error")
    assert violations(axe_page) == [], "login with an error"
    sign_in_as(axe_page, "moa@umea.se", lang)
    axe_page.goto("/planner/moderation")
    assert violations(axe_page) == [], "queue"
    axe_page.goto(f"/planner/ideas/{moderated_pin}")
    axe_page.wait_for_selector("#pin-map[data-ready='true']")
    assert violations(axe_page) == [], "pin page"
    axe_page.click("button[name=visibility][value=hidden]")
    axe_page.wait_for_selector("form:has(#moderation-reason) .form-error:not([hidden])")
    assert violations(axe_page) == [], "pin page with an error"
    for path in ("/planner/moderation/words", "/planner/templates", "/planner/users"):
        axe_page.goto(path)
        assert violations(axe_page) == [], path


def test_planner_pin_page_on_a_phone(
    browser: Browser, app: Flask, live_server: str, browser_log: BrowserLog, moderated_pin: int
) -> None:
    page = new_page(browser, live_server, browser_log, bypass_csp=True, **PHONE)
    try:
        sign_in_as(page, "moa@umea.se", "sv")
        page.goto(f"/planner/ideas/{moderated_pin}")
        page.wait_for_selector("#pin-map[data-ready='true']")
        expect(page.locator("ul.candidates li")).to_have_count(1)
        assert violations(page) == []
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, "nothing wider than the phone"
    finally:
        page.context.close()
