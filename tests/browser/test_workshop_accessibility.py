"""axe-core's WCAG 2.1 AA rules on every workshop page, in Swedish and English and on a 375 px
phone: start (form and result), join (code and name), the participant's map (with a drawing's
details and the form open), the facilitator's view, the projector and the summary."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, BrowserLog
from tests.browser.test_accessibility import sign_in_as, violations
from tests.browser.workshops import facilitate_in_browser, open_list, wait_for_map, workshop
from tests.conftest import create_user
from tests.workshops.helpers import draw, join, shape


def _in_language(page: Page, lang: str) -> None:
    page.goto(f"/lang/{lang}?next=/join")


def _busy_workshop(app: Flask) -> dict[str, Any]:
    """A workshop with groups, drawings of every kind and one from paper."""
    facilitator, body = workshop(
        app,
        groups=["Bord 1", "Bord 2"],
        description="Hur vill vi att Haga ska se ut?",
        ends_at="2030-05-01T18:00:00+02:00",
    )
    bo = join(app, body, "Bo", group="Bord 1")
    draw(bo, body["id"], shape("Point", note="En bänk", category="parks-nature"))
    draw(bo, body["id"], shape("LineString", note="En cykelväg"))
    draw(bo, body["id"], shape("Polygon", note="En park", color="#ffeb3b"))
    draw(facilitator, body["id"], shape("Point", on_behalf_of="Gunnar", group="Bord 2"))
    return body


def _check(page: Page, where: str) -> None:
    assert violations(page) == [], where


def _participant_pages(page: Page, body: dict[str, Any], *, phone: bool) -> None:
    page.goto(f"/w/{body['join_code']}")
    page.wait_for_selector("#ws-join-form:not([hidden])")
    _check(page, "join")
    page.fill("#ws-join-name", "Anna")
    page.click("#ws-join-submit")
    wait_for_map(page)
    _check(page, "participant map")
    page.click(".ws-about summary")
    expect(page.locator(".ws-about__text")).to_contain_text("Hur vill vi att Haga ska se ut?")
    _check(page, "about the workshop")
    page.click(".ws-about summary")
    open_list(page)
    _check(page, "the list")
    page.locator("#ws-list .ws-list__open").first.click()
    expect(page.locator("#ws-detail-panel")).to_be_visible()
    _check(page, "a drawing's details")
    page.click("#ws-detail-close")
    if phone:
        page.locator("[data-draw='Polygon']").tap()
        expect(page.locator("[data-draw-bar]")).to_be_visible()
        _check(page, "drawing an area")
        page.locator("[data-action='cancel']").tap()
    page.click("[data-draw='Point']")
    page.click("[data-action='point-centre']")
    expect(page.locator("#ws-form-panel")).to_be_visible()
    _check(page, "the drawing form")


def _facilitator_pages(page: Page, body: dict[str, Any]) -> None:
    facilitate_in_browser(page, body)
    _check(page, "facilitator")
    page.click("#ws-state-close")
    _check(page, "closing asked")
    page.click("#ws-close-no")
    page.goto(f"/workshops/{body['id']}/projector")
    wait_for_map(page)
    _check(page, "projector")
    page.goto(f"/workshops/{body['id']}/summary")
    wait_for_map(page)
    _check(page, "summary")


def _start_pages(page: Page) -> None:
    page.goto("/join")
    _check(page, "join form")
    page.goto("/join?code=0OIL")
    _check(page, "join form with an error")
    page.goto("/workshops/new")
    page.wait_for_selector("#ws-new[data-ready='true']")
    page.check("input[name='focus'][value='draw']")
    page.click("#ws-add-group")
    page.click("#ws-new-submit")  # no title: an error beside the field
    expect(page.locator("#ws-title-error")).to_be_visible()
    _check(page, "start form")
    page.fill("#ws-title", "Tillgänglig verkstad")
    page.click("#ws-new-submit")
    expect(page.locator("#ws-created")).to_be_visible()
    _check(page, "started")


@pytest.fixture
def refusals(browser_log: BrowserLog) -> None:
    """The join form answers a code that cannot be one with 422, on purpose."""
    browser_log.allow(422)


@pytest.mark.long_running
@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.usefixtures("refusals")
def test_workshop_pages(app: Flask, open_page: Any, lang: str) -> None:
    body = _busy_workshop(app)
    starter = open_page(bypass_csp=True)
    _in_language(starter, lang)
    _start_pages(starter)
    participant = open_page(bypass_csp=True)
    _in_language(participant, lang)
    _participant_pages(participant, body, phone=False)
    lead = open_page(bypass_csp=True)
    _in_language(lead, lang)
    _facilitator_pages(lead, body)


@pytest.mark.usefixtures("refusals")
def test_workshop_pages_on_a_phone(app: Flask, open_page: Any) -> None:
    body = _busy_workshop(app)
    starter = open_page(bypass_csp=True, **PHONE)
    _start_pages(starter)
    participant = open_page(bypass_csp=True, **PHONE)
    _participant_pages(participant, body, phone=True)
    assert participant.evaluate("document.documentElement.scrollWidth") <= 375
    lead = open_page(bypass_csp=True, **PHONE)
    _facilitator_pages(lead, body)
    assert lead.evaluate("document.documentElement.scrollWidth") <= 375


def test_workshops_i_started(app: Flask, open_page: Any) -> None:
    create_user(app, "eva@umea.se", "planner")
    page = open_page(bypass_csp=True)
    sign_in_as(page, "eva@umea.se", "en")
    page.goto("/planner/workshops")
    _check(page, "none yet")
    page.goto("/workshops/new")
    page.wait_for_selector("#ws-new[data-ready='true']")
    page.fill("#ws-title", "Eva's workshop")
    page.click("#ws-new-submit")
    expect(page.locator("#ws-created")).to_be_visible()
    page.goto("/planner/workshops")
    _check(page, "one")
