"""The browser code loads as native ES modules through the import map, under the strict CSP.

The import map is the one inline script of every page; it gets in by the per-request nonce.
If it were blocked, every bare specifier ("umecom/lib/request.js") would fail to resolve.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, Response

from tests.browser.conftest import BrowserLog, open_map

# Recorded from the first moment of every document, before any of the page's own scripts run.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
EXPECTED_MODULES = {
    "lib/settings.js",
    "lib/request.js",
    "lib/dom.js",
    "lib/debounce.js",
    "lib/language-links.js",
    "map/create-map.js",
    "map/reference-layers.js",
    "map/keyboard-pin.js",
    "map/place-search.js",
    "map/labelled-icon.js",
    "map/cell-marker.js",
    "map/count-icon.js",
    "citizen/main.js",
    "citizen/pin-layer.js",
    "citizen/markers.js",
    "citizen/pin-clusters.js",
    "citizen/server-clusters.js",
    "citizen/pin-card.js",
    "citizen/pin-form.js",
    "citizen/my-pins-store.js",
    "citizen/similar-pins.js",
    "citizen/pin-here.js",
    "citizen/filters.js",
    "citizen/focus-in-view.js",
    "citizen/tool-panel.js",
    "citizen/view-in-address.js",
}


def test_map_loads_its_modules_through_the_import_map_without_csp_violations(
    page: Page, browser_log: BrowserLog
) -> None:
    page.add_init_script(WATCH_CSP)
    scripts: dict[str, int] = {}

    def record(response: Response) -> None:
        if response.request.resource_type == "script":
            scripts[response.url] = response.status

    page.on("response", record)
    for path in ("/", "/?lang=en"):
        scripts.clear()
        response = page.goto(path)
        assert response is not None
        page.wait_for_selector("#map[data-ready='true'][data-pins-loaded]")
        assert page.evaluate("window.__cspViolations") == []
        assert page.evaluate("HTMLScriptElement.supports('importmap')")

        # the import map carries this response's nonce, and the CSP allows only that one
        header = response.headers["content-security-policy"]
        nonce = re.search(r"'nonce-([^']+)'", header)
        assert nonce, header
        assert page.evaluate(
            "document.querySelector('script[type=importmap]').nonce"
        ) == nonce.group(1)

        loaded = {
            url.split("/static/js/", 1)[1]: status
            for url, status in scripts.items()
            if "/static/js/" in url
        }
        assert set(loaded) == EXPECTED_MODULES
        assert set(loaded.values()) == {200}

    # A page with the import map and no modules of its own is just as clean.
    page.goto("/list")
    assert page.evaluate("window.__cspViolations") == []
    # "Mina nålar": its entry and the store it reads, through the same map
    page.goto("/mine")
    page.wait_for_selector("#my-pins-none:not([hidden])")
    assert page.evaluate("window.__cspViolations") == []

    # Control: an inline script without the nonce is refused and seen by both watchers.
    open_map(page)
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.head.append(script);
        }"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__cspViolations")[0].startswith("script-src")
    assert page.evaluate("window.__ran") is None
    refused = [text for text in browser_log.errors if "Content Security Policy" in text]
    assert refused, browser_log.errors
    for text in refused:
        browser_log.errors.remove(text)
