"""The public pages: map page settings, list, one pin, language, security headers."""

import json
import re
from html import unescape

import pytest
from sqlalchemy import text

from app.common.limits import TEXT_LIMITS, TextLimit, limits_as_json
from app.db import get_engine
from tests.conftest import HOLMSUND, pin_feature

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


def _settings(html: str) -> dict:
    match = re.search(r'data-settings="([^"]*)"', html)
    assert match, "the map page hands its settings over in data-settings"
    return json.loads(unescape(match.group(1)))


def test_map_page_is_swedish_by_default_with_settings(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert 'name="csrf-token"' in html
    settings = _settings(html)
    assert settings["locale"] == "sv"
    assert settings["tileUrl"].startswith("https://")
    assert {"ideas", "idea", "support", "mapPins", "places", "districts", "area"} <= set(
        settings["urls"]
    )
    # templates from the URL map (app/urls.py), filled in by the scripts' urlFor()
    assert settings["urls"]["idea"] == "/api/ideas/{idea_id}"
    assert settings["urls"]["supported"] == "/api/ideas/{idea_id}/supported"
    assert settings["urls"]["ideaPage"] == "/ideas/{idea_id}"
    assert settings["limits"] == limits_as_json()
    assert len(settings["categories"]) == 11
    (min_lat, min_lon), (max_lat, max_lon) = settings["bounds"]
    assert 19.6 < min_lon < max_lon < 21.1 and 63.3 < min_lat < max_lat < 64.4


def test_english_by_browser_language_and_by_switch(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    response = client.get("/lang/en?next=/list")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/list")
    assert "lang=en" in response.headers["Set-Cookie"]
    html = client.get("/list").get_data(as_text=True)
    assert '<html lang="en">' in html and "All pins" in html
    client.get("/lang/sv")
    assert "Alla nålar" in client.get("/list").get_data(as_text=True)


def test_the_data_credit_is_in_the_pages_language(client):
    """SOURCE.md gives the districts' and SCB's credit in Swedish; English pages translate it,
    and the map's scripts get the same words for the reference layer."""
    swedish = "Stadsdelar © 2023 Umeå kommun Lantmäteri (MIT). Tätorter och kommungräns: SCB (CC0)."
    english = (
        "Districts © 2023 Umeå kommun Lantmäteri (MIT). Localities and municipal boundary: "
        "SCB (CC0)."
    )
    assert swedish in unescape(client.get("/list").get_data(as_text=True))
    assert _settings(client.get("/").get_data(as_text=True))["strings"]["districtAttribution"] == (
        swedish
    )
    client.get("/lang/en")
    assert english in unescape(client.get("/list").get_data(as_text=True))
    assert _settings(client.get("/").get_data(as_text=True))["strings"]["districtAttribution"] == (
        english
    )


def test_the_language_switch_comes_back_to_the_same_page(client):
    """To the page and its query as they were, without a stray "?" where there was none."""
    for path, back in (("/list", "/list"), ("/list?kind=idea", "/list?kind%3Didea")):
        html = client.get(path).get_data(as_text=True)
        assert f'<a href="/lang/en?next={back}" lang="en" hreflang="en">English</a>' in html


def test_language_switch_refuses_open_redirects(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.get("/lang/en", query_string={"next": target})
        assert response.headers["Location"] in ("/", "http://localhost/")
    assert client.get("/lang/de").status_code == 404


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "https://tile.openstreetmap.org" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.get_data(as_text=True)


def test_each_app_sends_the_policy_of_its_own_tiles(client, make_app):
    """Talisman keeps its options on itself: while one was shared by every app, each sent the
    policy of the app built last, and an app of a test with other tiles had dropped the tile
    server from the session app's policy."""
    other = make_app(TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png")
    theirs = other.test_client().get("/").headers["Content-Security-Policy"]
    ours = client.get("/").headers["Content-Security-Policy"]
    assert "https://tiles.example.org" in theirs and "openstreetmap" not in theirs
    assert "https://tile.openstreetmap.org" in ours and "example.org" not in ours


def test_the_api_lets_nothing_load_and_carries_no_nonce(client):
    """JSON is never a page: the API's answers, errors and 304s too, forbid loading and
    framing anything; the pages keep their own policy, with a nonce."""
    url = "/api/map/clusters?bbox=20.2,63.8,20.3,63.9&zoom=12"
    etag = client.get(url).headers["ETag"]
    answers = [
        client.get("/api/categories"),
        client.get(url, headers={"If-None-Match": etag}),
        client.get("/api/map/clusters?bbox=nan,63.8,20.3,63.9&zoom=12"),
    ]
    assert [answer.status_code for answer in answers] == [200, 304, 422]
    for answer in answers:
        assert (
            answer.headers["Content-Security-Policy"]
            == "default-src 'none'; frame-ancestors 'none'"
        )
        assert answer.headers["X-Frame-Options"] == "DENY"
    assert "'nonce-" in client.get("/").headers["Content-Security-Policy"]


def test_every_answer_varies_on_language_and_cookie_once(make_app):
    """A cache must keep each language's answer, and a signed-in one apart: pages, the API and
    its 304s name both, once, beside what a view named itself."""
    app = make_app()
    app.add_url_rule("/vary-on-accept", "vary_on_accept", lambda: ("", {"Vary": "Accept"}))
    client = app.test_client()
    url = "/api/map/clusters?bbox=20.2,63.8,20.3,63.9&zoom=12"
    etag = client.get(url).headers["ETag"]
    both = ["Accept-Language", "Cookie"]
    for answer, named in (
        (client.get("/"), both),  # the session, read for the CSRF token, adds Cookie too
        (client.get("/api/categories"), both),
        (client.get(url, headers={"If-None-Match": etag}), both),
        (client.get("/vary-on-accept"), ["Accept", *both]),
    ):
        assert answer.headers.getlist("Vary") == [", ".join(named)]


def test_list_shows_pins_escaped_with_filters(api):
    api.post("/api/ideas", pin_feature(title="<img src=x onerror=alert(1)> lamp"))
    api.post(
        "/api/ideas", pin_feature(HOLMSUND, kind="concern", category="safety", title="Dark path")
    )
    html = api.get("/list").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt; lamp" in html
    assert "<img src=x" not in html
    assert "Dark path" in html
    filtered = api.get("/list?kind=concern").get_data(as_text=True)
    assert "Dark path" in filtered and "lamp" not in filtered
    bad = api.get("/list?kind=nonsense")
    assert bad.status_code == 422


def test_list_searches_the_words_of_titles_and_descriptions(api):
    """The list page's search box: the pins with the words (stemmed), and the box keeping them."""
    api.post("/api/ideas", pin_feature(title="Trasig belysning i tunneln"))
    api.post("/api/ideas", pin_feature(title="Bänk vid älven", body="Mer belysning här."))
    api.post("/api/ideas", pin_feature(title="Cykelställ vid stationen"))
    html = api.get("/list?q=belysningen").get_data(as_text=True)
    assert "Trasig belysning i tunneln" in html and "Bänk vid älven" in html
    assert "Cykelställ" not in html
    assert re.search(r'<input id="filter-q" name="q" type="search" [^>]*value="belysningen">', html)
    assert '<label for="filter-q">Ord i rubrik eller beskrivning</label>' in html
    # the map's box is the same, empty: its script sends it (tests/browser/test_map.py)
    assert re.search(
        r'<input id="filter-q" name="q" [^>]*maxlength="100" [^>]*value="">',
        api.get("/").get_data(as_text=True),
    )
    too_long = api.get("/list?q=" + "x" * 101)
    assert too_long.status_code == 422


def test_the_list_and_the_map_link_to_the_same_pins(api):
    """A filtered list links to the map with its form's filters, and the map back; a filter
    that is not valid is said on either page (422) and carried by no link."""
    html = api.get("/list?q=belysning&kind=concern&status=&since=2026-01-01").get_data(as_text=True)
    assert '<a href="/?q=belysning&amp;kind=concern">Visa de här nålarna på kartan</a>' in html
    assert "på kartan</a>" not in api.get("/list").get_data(as_text=True)

    html = api.get("/?q=belysning&category=safety").get_data(as_text=True)
    assert (
        'href="/list?q=belysning&amp;category=safety">Lista alla nålar i hela kommunen som '
        "matchar filtret</a>"
    ) in html
    assert re.search(r'<input id="filter-q" name="q" [^>]*value="belysning">', html)
    assert '<option value="safety" selected>' in html
    assert 'href="/list">Lista alla nålar i hela kommunen som matchar filtret</a>' in api.get(
        "/"
    ).get_data(as_text=True)

    for path in ("/?kind=spaceship&q=belysning", "/list?kind=spaceship", "/?q=" + "x" * 101):
        response = api.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, path
        assert "Filtret var ogiltigt och har återställts." in html, path
        assert 'value="belysning"' not in html and 'value="xxx' not in html, path
        assert "q=belysning&amp;" not in html, path  # no link carries the filter


def test_list_pages_with_a_cursor(api, app):
    from app.citizen import views

    for n in range(views.LIST_PAGE_SIZE + 2):
        api.post("/api/ideas", pin_feature(title=f"Pin {n:03d}"))
    html = api.get("/list").get_data(as_text=True)
    assert "Pin 051" in html and "Pin 000" not in html
    next_url = unescape(re.search(r'href="([^"]+)" rel="next"', html).group(1))
    html = api.get(next_url).get_data(as_text=True)
    assert "Pin 000" in html and "Pin 051" not in html


def test_pin_page(api):
    feature = api.post("/api/ideas", pin_feature(title="Light the path")).get_json()
    response = api.get(f"/ideas/{feature['id']}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Light the path" in html and "Centrala stan" in html
    # its link to share, written out for a page without scripts (the pin's title escaped)
    assert (
        f'readonly aria-describedby="share-hint" value="http://localhost/ideas/{feature["id"]}"'
        in html
    )
    marked = api.post("/api/ideas", pin_feature(title='<b>"Fet"</b>')).get_json()
    html = api.get(f"/ideas/{marked['id']}").get_data(as_text=True)
    assert 'data-title="&lt;b&gt;&#34;Fet&#34;&lt;/b&gt;"' in html
    assert api.get("/ideas/99999").status_code == 404


def test_support_from_the_pin_page_without_scripts(api, client):
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/ideas/{idea_id}/support", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/ideas/{idea_id}")
    page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert "Tack, ditt stöd har räknats." in page
    assert re.search(r"<button[^>]*disabled>Stöttad</button>", page)
    again = client.post(f"/ideas/{idea_id}/support", data={"csrf_token": token})
    assert again.status_code == 303
    assert "Du har redan stöttat" in client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert api.get(f"/api/ideas/{idea_id}").get_json()["properties"]["support_count"] == 1


@pytest.mark.parametrize(("lang", "written"), [("sv", "1\N{NO-BREAK SPACE}234"), ("en", "1,234")])
def test_a_pins_supports_are_written_as_the_language_writes_numbers(
    app, api, client, staff, lang, written
):
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    with app.app_context(), get_engine().begin() as conn:
        conn.execute(
            text(
                "INSERT INTO supports (idea_id, supporter_id)"
                " SELECT :id, 'supporter ' || n FROM generate_series(1, 1234) n"
            ),
            {"id": idea_id},
        )
    supports = f"<dd>{written}</dd>"
    assert supports in client.get(f"/ideas/{idea_id}?lang={lang}").get_data(as_text=True)
    planner = staff("planner").get(f"/planner/ideas/{idea_id}?lang={lang}")
    assert supports in planner.get_data(as_text=True)


def test_support_form_without_token_gets_an_html_400(api, client):
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    response = client.post(f"/ideas/{idea_id}/support")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    missing = client.post("/ideas/424242/support", data={"csrf_token": api.token})
    assert missing.status_code == 404


def _import_map(html: str) -> tuple[str, dict]:
    """The nonce and the content of the page's import map."""
    match = re.search(r'<script type="importmap" nonce="([^"]+)">(.*?)</script>', html, re.S)
    assert match, "every page has an import map with a nonce"
    return match.group(1), json.loads(match.group(2))


def test_settings_sit_on_the_body(client):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<body class="[^"]*"\s+data-settings="', html)
    assert len(re.findall(r"data-settings=", html)) == 1


def test_every_page_has_the_import_map_allowed_by_its_nonce(api, client):
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    pages = [
        client.get("/"),
        client.get("/list"),
        client.get(f"/ideas/{idea_id}"),
        client.get("/no-such-page"),
        client.post(f"/ideas/{idea_id}/support"),  # no CSRF token: the 400 page
    ]
    assert [page.status_code for page in pages] == [200, 200, 200, 404, 400]
    nonces = set()
    for page in pages:
        html = page.get_data(as_text=True)
        nonce, import_map = _import_map(html)
        assert import_map == {"imports": {"umecom/": "/static/js/"}}
        csp = page.headers["Content-Security-Policy"]
        script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
        assert script_src.split() == ["script-src", "'self'", f"'nonce-{nonce}'"]
        nonces.add(nonce)
        # the import map is the one inline script: every other one is a file
        for attributes, content in SCRIPT_TAG.findall(html):
            if 'type="importmap"' not in attributes:
                assert 'src="' in attributes and not content.strip(), attributes
        assert not re.search(r"<[^>]+\son[a-z]+=", html), "no inline event handlers"
    assert len(nonces) == len(pages), "a new nonce for every response"


def test_every_page_names_an_icon_that_is_served(api, client):
    """Browsers ask for /favicon.ico (a 404 in every first visit's console) unless told."""
    idea_id = api.post("/api/ideas", pin_feature()).get_json()["id"]
    hrefs = set()
    for path in ("/", "/list", f"/ideas/{idea_id}", "/login", "/join", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        hrefs.update(re.findall(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', html))
    assert hrefs == {"/static/favicon.svg"}
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200
        assert icon.mimetype == "image/svg+xml"
        assert icon.get_data(as_text=True).startswith("<svg ")


def test_urls_and_modules_follow_the_script_root(client):
    """Mounted under a prefix (SCRIPT_NAME), the scripts' URLs and modules come from there."""
    html = client.get("/", base_url="http://localhost/umecom").get_data(as_text=True)
    _, import_map = _import_map(html)
    assert import_map == {"imports": {"umecom/": "/umecom/static/js/"}}
    assert 'src="/umecom/static/js/citizen/main.js"' in html
    urls = _settings(html)["urls"]
    assert urls["idea"] == "/umecom/api/ideas/{idea_id}"
    assert urls["mapPins"] == "/umecom/api/map/clusters"


def test_form_limits_come_from_one_place(client, monkeypatch: pytest.MonkeyPatch):
    """The form's maxlength, its hints and the scripts' limits all follow app/common/limits.py."""
    monkeypatch.setitem(TEXT_LIMITS, "title", TextLimit(5, 60))
    monkeypatch.setitem(TEXT_LIMITS, "body", TextLimit(0, 900))
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'id="pin-title"[^>]*maxlength="60"', html)
    assert re.search(r'id="pin-body"[^>]*maxlength="900"', html)
    assert "5 till 60 tecken." in html
    assert "Frivilligt, högst 900 tecken." in html
    assert _settings(html)["limits"]["title"] == {"min": 5, "max": 60}
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "5 to 60 characters." in english and "Optional, at most 900 characters." in english
