"""Browser fixtures: the app served by werkzeug in a thread, Debian's Chromium via Playwright.

Depends on the top-level `app` fixture (tests/conftest.py): a session-scoped app on a migrated
PostGIS test database with the districts loaded; its autouse `_clean_pins` empties the pins
after every test that uses `app` (the `page` fixture does, through `live_server`).
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from tests.conftest import serving, unreachable_limits

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every map tile of the browser tests: the app's own icon, one address for all tiles, so a
# page fetches it once. No context then routes anything: once one does, Playwright holds each
# of its requests and turns its HTTP cache off (about 7 % of these tests' CPU, measured with
# both sides at once on 7 December).
TILE_URL = "/static/favicon.svg"
# A 1x1 transparent PNG that stands in for a tile server's tiles (no network in tests).
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="
)
HTTP_ERROR = re.compile(r"status of (\d{3})")


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    """One Playwright driver for the session."""
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless (never a downloaded browser)."""
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _tiles_of_our_own(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The session app's map pages draw TILE_URL for the browser tests, and only for them
    (its policy lets its own images in, as it does the tile server's)."""
    monkeypatch.setitem(app.config, "TILE_URL", TILE_URL)


@dataclass
class BrowserLog:
    """Console errors and page errors seen during a test; some HTTP statuses can be expected."""

    errors: list[str] = field(default_factory=list)
    allowed_statuses: set[int] = field(default_factory=set)
    allowed_network_errors: set[str] = field(default_factory=set)

    def allow(self, *statuses: int) -> None:
        """A test that provokes these HTTP statuses on purpose (Chromium logs them as errors)."""
        self.allowed_statuses.update(statuses)

    def allow_network_error(self, *names: str) -> None:
        """A test that breaks the network on purpose: `net::ERR_CONNECTION_RESET`, say."""
        self.allowed_network_errors.update(names)

    def on_console(self, message: ConsoleMessage) -> None:
        """Record console messages of type error."""
        if message.type == "error":
            self.errors.append(message.text)

    def unexpected(self) -> list[str]:
        """Errors other than the HTTP statuses the test asked for."""
        out = []
        for text in self.errors:
            found = HTTP_ERROR.search(text)
            if found and int(found.group(1)) in self.allowed_statuses:
                continue
            if any(name in text for name in self.allowed_network_errors):
                continue
            out.append(text)
        return out


@pytest.fixture
def browser_log() -> BrowserLog:
    """What the page logged as errors."""
    return BrowserLog()


# A phone's browser context: 375 px wide, touch, a high-density screen.
PHONE: dict[str, object] = {
    "viewport": {"width": 375, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
# A browser that says it is in Vännäs: inside the map's rectangle, outside Umeå's border.
IN_VANNAS: dict[str, object] = {
    "geolocation": {"latitude": 63.9095, "longitude": 19.7530},
    "permissions": ["geolocation"],
}


# Assertions wait as long as actions do (Playwright's own default for them is 5 s). A pin
# linked from the list opened on the map 1.6-2.2 s after the click alone on this 2-core machine
# (zoom animation, then the cluster's); beside the other test process it once took over 5 s.
ACTION_TIMEOUT_MS = 10_000
expect.set_options(timeout=ACTION_TIMEOUT_MS)


def new_page(browser: Browser, base_url: str, log: BrowserLog, **context_args: object) -> Page:
    """A page in a fresh context (own cookies) with errors recorded; nothing is routed, so its
    HTTP cache stays on (the tiles are TILE_URL, set for every browser test)."""
    options: dict[str, object] = {
        "base_url": base_url,
        "locale": "sv-SE",
        "viewport": {"width": 1280, "height": 800},
    }
    options.update(context_args)
    context = browser.new_context(**options)  # type: ignore[arg-type]
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.on("console", log.on_console)
    page.on("pageerror", lambda error: log.errors.append(f"pageerror: {error}"))
    return page


@pytest.fixture
def page(browser: Browser, live_server: str, browser_log: BrowserLog) -> Iterator[Page]:
    """A desktop-sized page; at teardown, no console or page errors may have happened."""
    page = new_page(browser, live_server, browser_log)
    yield page
    page.context.close()
    assert browser_log.unexpected() == []


@pytest.fixture
def phone_page(browser: Browser, live_server: str, browser_log: BrowserLog) -> Iterator[Page]:
    """A 375 px wide phone page with touch; the same error check."""
    page = new_page(browser, live_server, browser_log, **PHONE)
    yield page
    page.context.close()
    assert browser_log.unexpected() == []


def close_page(page: Page) -> None:
    """Close a second tab once its last navigation has loaded. Chromium acknowledges a close
    that races a navigation's commit without closing, and Playwright's close, which has no
    timeout, then waits for ever (microsoft/playwright#41900, #42068): a worker sat so until
    pytest-timeout ended it, twice on this machine after Sign out's redirect to /login."""
    page.wait_for_load_state("load")
    page.close()


def sign_out_in_another_tab(page: Page) -> None:
    """Sign out in a second tab of the same browser, as a planner with two tabs open would."""
    other = page.context.new_page()
    other.goto("/planner/templates")
    other.get_by_role("button", name=re.compile("^(Sign out|Logga ut)")).click()
    expect(other).to_have_url(re.compile(r"/login$"))  # committed: its load is the one to wait
    close_page(other)


def let_the_page_run_until(page: Page, done: Callable[[], bool]) -> None:
    """Let the page run, and Playwright deliver its requests to route handlers, until `done`,
    for 10 s at most. A page may show that it sent a request (a button's "Saving …") before
    the handler has run: a bare assert right after lost that race on CI (assert 0 == 1)."""
    for _ in range(200):
        if done():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the page never got there")


def open_map(page: Page, path: str = "/") -> None:
    """Go to the map page and wait until its scripts have started and the first pins loaded."""
    page.goto(path)
    page.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")


@pytest.fixture
def workshop_server(app: Flask, make_app: Callable[..., Flask]) -> Iterator[str]:
    """The app served for the workshop pages, with quick heartbeats.

    A page that closes ends its event stream within a second, and the process's LISTEN
    connection closes soon after, so no listener is left behind for later tests to count.
    The rate limits are the test app's (too high to reach).
    """
    served = make_app(
        TILE_URL=TILE_URL,
        RATELIMIT_ENABLED=True,
        WORKSHOP_HEARTBEAT_SECONDS=0.5,
        WORKSHOP_LISTENER_IDLE_SECONDS=0.5,
        **unreachable_limits(app),
    )
    hub = served.extensions["workshop_hub"]
    with serving(served) as url:
        yield url
        deadline = time.monotonic() + 10
        while hub.subscriber_count and time.monotonic() < deadline:
            time.sleep(0.05)
    hub.stop()


@contextmanager
def pages_of(browser: Browser, base_url: str, log: BrowserLog) -> Iterator[Callable[..., Page]]:
    """Open pages of `base_url`, each in a browser of its own (own cookies); all are closed at
    the end, which fails on any console error."""
    pages: list[Page] = []

    def opened(**context_args: Any) -> Page:
        page = new_page(browser, base_url, log, **context_args)
        pages.append(page)
        return page

    yield opened
    for page in pages:
        page.context.close()
    assert log.unexpected() == []


@pytest.fixture
def open_page(
    browser: Browser, workshop_server: str, browser_log: BrowserLog
) -> Iterator[Callable[..., Page]]:
    """Open pages of the workshop server (`pages_of`)."""
    with pages_of(browser, workshop_server, browser_log) as opened:
        yield opened
