"""A phone that closes the workshop, or goes to another page, is uncounted at once.

A facilitator's run-through saw a closed phone stay "here" for 26-46 s: the server notices a
closed stream only when a write to it fails. These pages' server writes to an idle stream once
a minute (and counts a silent stream for 45 s), so only the page's goodbye can uncount it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, TILE_URL, BrowserLog, pages_of
from tests.browser.workshops import facilitate_in_browser, join_in_browser, wait_for_map, workshop
from tests.conftest import serving, unreachable_limits

EN: dict[str, Any] = {"locale": "en-GB"}
PHONE_EN: dict[str, Any] = {**PHONE, **EN}


@pytest.fixture
def quiet_pages(
    browser: Browser,
    app: Flask,
    make_app: Callable[..., Flask],
    browser_log: BrowserLog,
) -> Iterator[Callable[..., Page]]:
    """Pages of a workshop server whose streams are silent for a minute when nothing happens.

    The test closes its workshop at the end: every stream then ends with `closed` at once.
    """
    served = make_app(
        TILE_URL=TILE_URL,
        RATELIMIT_ENABLED=True,
        WORKSHOP_HEARTBEAT_SECONDS=60,
        WORKSHOP_LISTENER_IDLE_SECONDS=0.5,
        **unreachable_limits(app),
    )
    try:
        with serving(served) as url, pages_of(browser, url, browser_log) as opened:
            yield opened
    finally:
        served.extensions["workshop_hub"].stop()


def test_a_phone_closed_or_gone_elsewhere_is_no_longer_counted(app, quiet_pages):
    facilitator, body = workshop(app)
    lead = quiet_pages(**EN)
    try:
        facilitate_in_browser(lead, body)
        summary = lead.locator("#ws-presence-summary")
        sara, kim = quiet_pages(**PHONE_EN), quiet_pages(**PHONE_EN)
        join_in_browser(sara, body["join_code"], "Sara")
        join_in_browser(kim, body["join_code"], "Kim")
        expect(summary).to_have_text("2 here · facilitator connected: 1")

        sara.close()  # the tab
        expect(summary).to_have_text("1 here · facilitator connected: 1")
        expect(lead.locator("#ws-presence-list li")).to_have_text(["Kim"])

        kim.goto("about:blank")
        expect(summary).to_have_text("0 here · facilitator connected: 1")
        kim.go_back()
        wait_for_map(kim)
        expect(summary).to_have_text("1 here · facilitator connected: 1")
    finally:
        closed = facilitator.post(f"/api/workshops/{body['id']}/state", {"state": "closed"})
        assert closed.status_code == 200
