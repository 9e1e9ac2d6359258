"""The workspace (/planner) in a real browser, under the CSP: a planner signs in, switches the
layers, sets the cluster parameters (kept in the URL across a reload), answers a cluster's
pins, chooses districts by table and map, and downloads a GeoPackage; a moderator goes from the
workspace to the queue and hides a reported pin; axe-core finds nothing in either language,
nor on a 375 px phone."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyogrio
import pyogrio.raw
import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from app.api import layers
from app.db import get_session
from app.planning.answer_templates import save_template
from tests.browser.conftest import PHONE, BrowserLog, close_page, new_page
from tests.browser.test_accessibility import axe_page, sign_in_as, violations
from tests.conftest import CENTRAL, CENTRE, Api, create_user
from tests.conftest import sign_in as api_sign_in
from tests.pins import add_pins, random_points

__all__ = ["axe_page"]  # the fixture, shared with the accessibility tests

GROUP = 8  # pins within 30 m of the square: one DBSCAN cluster at eps 50, min_points 5
SCATTERED = 20


@pytest.fixture
def pins(app: Flask) -> dict[str, list[int]]:
    """A tight group in the city centre and pins scattered over the municipality."""
    lon, lat = CENTRE
    group = [
        {"lon": lon + 0.0002 * (i % 3), "lat": lat + 0.0001 * (i // 3), "title": f"Torget {i}"}
        for i in range(GROUP)
    ]
    scattered = [
        {"lon": x, "lat": y, "kind": "concern", "title": f"Spridd {i}"}
        for i, (x, y) in enumerate(random_points(SCATTERED, seed=6))
    ]
    return {"group": add_pins(app, group), "scattered": add_pins(app, scattered)}


# The words (between spaces, slashes and hyphens) of the cells `selector` finds that are
# drawn on more than one line: a word broken where it has no break.
SPLIT_WORDS = """(selector) => {
  const split = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s\\/-]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        if (range.getClientRects().length > 1) split.push(match[0]);
      }
    }
  }
  return split;
}"""


def open_workspace(page: Page, path: str = "/planner") -> None:
    """Go to the workspace and wait until its layer has loaded."""
    page.goto(path)
    expect(page.locator("#pw-status")).to_have_attribute("data-state", "ready")


def wait_ready(page: Page) -> None:
    """Wait for the layer that a change started."""
    expect(page.locator("#pw-status")).to_have_attribute("data-state", "ready")


def test_a_planner_switches_layers_and_answers_a_cluster(
    page: Page,
    app: Flask,
    pins: dict[str, list[int]],
    central_population: None,
    browser_log: BrowserLog,
    tmp_path: Path,
) -> None:
    browser_log.allow(422)  # an eps out of bounds, on purpose
    create_user(app, "per@umea.se", "planner")
    with app.test_request_context():
        save_template(get_session(), "planned", "Vi bygger om torget.", "We rebuild it.", None)
        get_session().commit()
    with app.app_context():
        districts = get_session().execute(text("SELECT count(*) FROM districts")).scalar_one()

    sign_in_as(page, "per@umea.se", "sv")
    expect(page).to_have_url(re.compile(r"/planner(\?.*)?$"))
    wait_ready(page)

    # Districts by count: every district drawn, five classes at most, no "no data".
    expect(page.locator("path.pw-district")).to_have_count(districts)
    legend = page.locator("#pw-legend")
    expect(legend.locator("h2")).to_have_text("Nålar per stadsdel")
    expect(legend).not_to_contain_text("Uppgift saknas")
    rows = page.locator("#pw-district-table tbody tr")
    expect(rows).to_have_count(districts)
    expect(rows.first.locator("th")).to_have_text(CENTRAL)  # most pins first
    expect(page.locator("#pw-district-table th[data-sort=count]")).to_have_attribute(
        "aria-sort", "descending"
    )

    # Per 1,000: only the city centre has a population; the rest are "no data", hatched.
    page.get_by_label("Nålar per 1 000 invånare", exact=True).check()
    wait_ready(page)
    expect(legend.locator("h2")).to_have_text("Nålar per 1 000 invånare")
    expect(legend).to_contain_text("Uppgift saknas (okänt invånarantal)")
    expect(page.locator("path.pw-district--no-data")).to_have_count(districts - 1)
    expect(page).to_have_url(re.compile(r"metric=per_1000"))

    # Pins: the group in the view of the city, each a marker.
    page.get_by_label("Nålar", exact=True).check()
    wait_ready(page)
    expect(page.locator("#pw-status")).to_contain_text("Nålar i vyn")
    assert page.locator(".pw-pin").count() >= GROUP

    # Hexagons: coloured by count, with their edge in the legend.
    page.get_by_label("Hexagoner", exact=True).check()
    wait_ready(page)
    assert page.locator("path.pw-hex").count() >= 2
    expect(legend.locator("h2")).to_have_text("Nålar per hexagon (sida 250 m)")

    # Clusters: the group is one cluster; the scattered pins are noise.
    page.get_by_label("Kluster (DBSCAN)").check()
    wait_ready(page)
    expect(page.locator("path.pw-cluster")).to_have_count(1)
    expect(legend.locator("h2")).to_have_text("Kluster: minst 5 nålar inom 50 m")

    # A distance out of bounds: the server's words beside the field.
    page.fill("#pw-eps", "99999")
    page.press("#pw-eps", "Enter")
    error = page.locator("#pw-err-eps")
    expect(error).to_have_text(
        "eps måste vara ett avstånd i meter från 1 till 5\N{NO-BREAK SPACE}000."
    )
    expect(page.locator("#pw-eps")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#pw-status")).to_have_attribute("data-state", "error")

    # Parameters go into the URL, and a reload restores them.
    page.fill("#pw-eps", "40")
    page.fill("#pw-min-points", "6")
    page.press("#pw-min-points", "Enter")
    wait_ready(page)
    expect(error).to_be_hidden()
    expect(page).to_have_url(re.compile(r"eps=40&min_points=6"))
    page.reload()
    wait_ready(page)
    expect(page.locator("#pw-eps")).to_have_value("40")
    expect(page.locator("#pw-min-points")).to_have_value("6")
    expect(page.get_by_label("Kluster (DBSCAN)")).to_be_checked()
    expect(page.locator("path.pw-cluster")).to_have_count(1)

    # Choose the cluster from the list: its pins, and "answer all".
    page.locator(".pw-cluster-list").get_by_role(
        "button", name=f"Kluster 1, nålar: {GROUP}"
    ).click()
    expect(page.locator("#pw-sel-title")).to_have_text("Kluster 1")
    expect(page.locator("#pw-sel-title")).to_be_focused()
    items = page.locator("#pw-sel-pins li")
    expect(items).to_have_count(GROUP)
    first = min(pins["group"])
    expect(page.get_by_role("link", name="Torget 0")).to_have_attribute(
        "href", f"/planner/ideas/{first}"
    )
    expect(page).to_have_url(re.compile(r"sel=c%3A1|sel=c:1"))
    page.select_option("#pw-answer-status", "planned")
    page.get_by_role("button", name="Använd mallen").click()
    expect(page.locator("#pw-answer-text")).to_have_value("Vi bygger om torget.")
    expect(page.locator("#pw-answer-en")).to_have_value("We rebuild it.")
    page.get_by_role("button", name=f"Besvara alla {GROUP} nålar").click()
    # Said beside the button (the notice at the top of the panel was out of sight).
    expect(page.locator("#pw-answer-done")).to_have_text(f"{GROUP} nålar besvarade.")
    expect(page.locator("#pw-sel-pins")).to_contain_text("Planerad")

    staff = api_sign_in(app.test_client(), "per@umea.se")
    for idea_id in pins["group"]:
        public = staff.get(f"/api/ideas/{idea_id}").get_json()["properties"]
        assert (public["status"], public["answer"], public["answer_en"]) == (
            "planned",
            "Vi bygger om torget.",
            "We rebuild it.",
        )
        history = staff.get(f"/api/ideas/{idea_id}/history").get_json()["history"]
        assert {row["action"] for row in history} >= {"status", "answer"}
        assert {row["by"] for row in history} == {"per@umea.se"}

    # Download the clusters as a GeoPackage in SWEREF 99 TM.
    page.get_by_text("Ladda ner", exact=True).click()
    page.get_by_label("SWEREF 99 TM (EPSG:3006)").check()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="GeoPackage (Kluster)").click()
    download = download_info.value
    assert re.fullmatch(
        r"umecom-clusters-\d{4}-\d{2}-\d{2}-sweref99tm\.gpkg", download.suggested_filename
    )
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    info = pyogrio.read_info(saved)
    assert info["features"] == 1
    assert info["crs"] == "EPSG:3006"
    meta, _fids, _geometry, fields = pyogrio.raw.read(saved)
    counts = fields[list(meta["fields"]).index("count")]
    assert counts.tolist() == [GROUP]


def test_clusters_shown_again_are_revalidated_not_found_again(
    browser: Browser,
    app: Flask,
    live_server: str,
    browser_log: BrowserLog,
    pins: dict[str, list[int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Back on the clusters after another layer, the browser revalidates them (the server
    answers 304, finding no clusters) while no pin has changed, and gets them found again once
    one has. (Playwright turns a context's HTTP cache off once it routes any request: the
    browser tests' tiles are the app's own icon, so nothing is routed.)
    """
    page = new_page(browser, live_server, browser_log)
    create_user(app, "eva@umea.se", "planner")
    sign_in_as(page, "eva@umea.se", "sv")
    wait_ready(page)
    found: list[str] = []  # the clusters found by the live server, in this process
    finding = layers.cluster_layer

    def counted(*args: Any, **kwargs: Any) -> Any:
        found.append("clusters")
        return finding(*args, **kwargs)

    monkeypatch.setattr(layers, "cluster_layer", counted)
    shown: list[str] = []
    page.on(
        "requestfinished",
        lambda request: (
            shown.append(request.url) if "/api/layers/clusters" in request.url else None
        ),
    )

    def show_hexagons_then_clusters() -> None:
        page.get_by_label("Hexagoner", exact=True).check()
        wait_ready(page)
        page.get_by_label("Kluster (DBSCAN)").check()
        wait_ready(page)

    page.get_by_label("Kluster (DBSCAN)").check()
    wait_ready(page)
    cluster = page.locator(".pw-cluster-list").get_by_role("button")
    expect(cluster).to_have_text(f"Kluster 1, nålar: {GROUP}")
    show_hexagons_then_clusters()
    expect(cluster).to_have_text(f"Kluster 1, nålar: {GROUP}")

    lon, lat = CENTRE
    add_pins(app, [{"lon": lon + 0.0001, "lat": lat + 0.00005, "title": "Torget igen"}])
    show_hexagons_then_clusters()
    expect(cluster).to_have_text(f"Kluster 1, nålar: {GROUP + 1}")
    page.context.close()
    assert (len(shown), len(found)) == (3, 2)  # the second answered 304 by the server
    assert browser_log.unexpected() == []


def test_a_refused_layer_says_why_and_keeps_the_districts(
    page: Page,
    app: Flask,
    pins: dict[str, list[int]],
    browser_log: BrowserLog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Opened on clusters the server refuses (min_points too small for the pins, as at a
    million pins with the defaults): the reason beside the field, and the districts' table."""
    from app.layers import queries

    browser_log.allow(422)  # the refusal, on purpose
    monkeypatch.setattr(queries, "MAX_CLUSTERS", 4)  # 28 pins: min_points at least 7
    create_user(app, "per@umea.se", "planner")
    sign_in_as(page, "per@umea.se", "sv")
    wait_ready(page)
    page.goto("/planner?layer=clusters&eps=50&min_points=5")
    expect(page.locator("#pw-status")).to_have_attribute("data-state", "error")
    error = page.locator("#pw-err-min_points")
    expect(error).to_have_text(
        "min_points är för litet för så många nålar: minst 7 här. "
        "Begränsa filtren eller välj ett större min_points. Använd 7"
    )
    rows = page.locator("#pw-district-table tbody tr")
    expect(rows.first.locator("th")).to_have_text(CENTRAL)  # most pins first
    # The clusters' files and the report would be refused too: no links to them meanwhile.
    page.locator("details.pw-downloads summary").click()
    cluster_files = page.locator("a[data-export='clusters']")
    expect(cluster_files).to_have_count(2)
    for link in cluster_files.all() + [page.locator("a[data-report]")]:
        expect(link).not_to_have_attribute("href", re.compile(".*"))
    expect(page.locator("a[data-export='districts']").first).to_have_attribute(
        "href", re.compile(r"^/api/export/districts\.")
    )
    expect(page.locator("#pw-exports-refused")).to_have_text(
        "Filerna och rapporten som använder det markerade värdet kan inte göras med det. "
        "Ändra det först."
    )
    # The value the server named, in one step by keyboard: the field takes it and keeps focus.
    error.get_by_role("button", name="Använd 7").focus()
    page.keyboard.press("Enter")
    wait_ready(page)
    expect(page.locator("#pw-min-points")).to_be_focused()
    expect(page.locator("#pw-min-points")).to_have_value("7")
    expect(error).to_be_hidden()
    expect(page.locator("path.pw-cluster")).to_have_count(1)
    assert "min_points=7" in page.url
    expect(page.locator("#pw-exports-refused")).to_be_hidden()
    expect(cluster_files.first).to_have_attribute("href", re.compile(r"min_points=7"))
    expect(page.locator("a[data-report]")).to_have_attribute("href", re.compile(r"min_points=7"))


def test_districts_by_table_and_by_map(page: Page, app: Flask, pins: dict[str, list[int]]) -> None:
    create_user(app, "per@umea.se", "planner")
    sign_in_as(page, "per@umea.se", "sv")
    wait_ready(page)
    # As the app ships, no district's population is known: no column of "unknown", and no
    # colouring by a rate there is nothing to work out from.
    expect(page.locator("#pw-district-table thead th")).to_have_count(2)
    expect(page.locator("#pw-district-table tbody tr").first.locator("td")).to_have_count(1)
    rate = page.get_by_label("Nålar per 1 000 invånare", exact=True)
    expect(rate).to_be_disabled()
    expect(rate).to_have_accessible_description(re.compile("Ingen stadsdels invånarantal"))
    page.get_by_role("button", name="Stadsdel", exact=True).click()  # sort by name
    expect(page.locator("#pw-district-table th[data-sort=name]")).to_have_attribute(
        "aria-sort", "ascending"
    )
    page.get_by_role("button", name=CENTRAL, exact=True).click()
    row = page.locator("#pw-district-table tr[aria-current=true]")
    expect(row.locator("th")).to_have_text(CENTRAL)
    expect(page.locator("#pw-sel-title")).to_have_text(f"Stadsdelen {CENTRAL}")
    expect(page.locator("#pw-sel-pins li")).to_have_count(GROUP)
    expect(page.locator("path.pw-highlight")).to_have_count(1)
    expect(page.get_by_role("button", name=f"Besvara alla {GROUP} nålar")).to_be_enabled()
    code = row.get_attribute("data-code")
    expect(page).to_have_url(re.compile(rf"sel=d(%3A|:){code}"))

    # By keyboard on the map: the district's outline is a button.
    other = page.locator("path.pw-district[aria-label^='Ålidhemsområdet:']")
    other.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#pw-district-table tr[aria-current=true] th")).to_have_text(
        "Ålidhemsområdet"
    )
    expect(page.locator("#pw-sel-title")).to_have_text("Stadsdelen Ålidhemsområdet")

    # A link reproduces the view, selection included.
    link = page.url
    other_page = page.context.new_page()
    open_workspace(other_page, link)
    expect(other_page.locator("#pw-sel-title")).to_have_text("Stadsdelen Ålidhemsområdet")
    close_page(other_page)

    # Garbage in the URL is ignored, and so is a rate this page cannot draw.
    garbage = "layer=nope&eps=-3&min_points=x&size=1e9&kind=evil&sel=zz&z=99&metric=per_1000"
    open_workspace(page, f"/planner?{garbage}")
    expect(page.get_by_label("Stadsdelar", exact=True)).to_be_checked()
    expect(page.locator("#pw-eps")).to_have_value("50")
    expect(page.get_by_label("Antal nålar", exact=True)).to_be_checked()
    expect(page.locator("#pw-legend h2")).to_have_text("Nålar per stadsdel")


def test_pins_by_their_words(page: Page, app: Flask, pins: dict[str, list[int]]) -> None:
    """The filter for words: typed and sent with Enter, it narrows the table, is kept in the
    address, and a link opens with it in the box."""
    create_user(app, "per@umea.se", "planner")
    sign_in_as(page, "per@umea.se", "sv")
    wait_ready(page)
    page.locator("details.pw-filters summary").click()
    words = page.get_by_label("Ord i rubrik eller beskrivning")
    expect(words).to_have_accessible_description(re.compile("^Till exempel: belysning"))
    words.fill("torget")
    words.press("Enter")
    wait_ready(page)
    expect(page).to_have_url(re.compile(r"[?&]q=torget(&|$)"))
    rows = page.locator("#pw-district-table tbody tr")
    expect(rows.first.locator("th")).to_have_text(CENTRAL)
    expect(rows.first.locator("td")).to_have_text(str(GROUP))
    counts = page.locator("#pw-district-table tbody td").all_inner_texts()
    assert [count for count in counts if count.strip() != "0"] == [str(GROUP)]
    expect(page.locator("a[data-export='ideas']").first).to_have_attribute(
        "href", re.compile(r"[?&]q=torget(&|$)")
    )
    link = page.url
    other_page = page.context.new_page()
    open_workspace(other_page, link)
    expect(other_page.locator("#pw-q")).to_have_value("torget")
    close_page(other_page)


def test_the_last_weeks_pins_in_one_click(
    page: Page, app: Flask, pins: dict[str, list[int]]
) -> None:
    """ "Senaste 7 dagarna" sets the dates to a week back from today, up to now, and the
    layer counts only the pins created since (the group's are dated 10 days back here)."""
    with app.app_context():
        session = get_session()
        session.execute(
            text("UPDATE ideas SET created_at = now() - interval '10 days' WHERE id = ANY(:ids)"),
            {"ids": pins["group"]},
        )
        session.commit()
    create_user(app, "per@umea.se", "planner")
    sign_in_as(page, "per@umea.se", "sv")
    wait_ready(page)
    page.locator("details.pw-filters summary").click()
    page.fill("#pw-until", "2020-01-01")
    page.get_by_role("group", name="Datum med ett klick").get_by_role(
        "button", name="Senaste 7 dagarna"
    ).click()
    wait_ready(page)
    week_ago = (date.today() - timedelta(days=6)).isoformat()  # 7 days with today
    expect(page.locator("#pw-since")).to_have_value(week_ago)
    expect(page.locator("#pw-until")).to_have_value("")
    expect(page).to_have_url(re.compile(rf"[?&]since={week_ago}(&|$)"))
    counts = page.locator("#pw-district-table tbody td").all_inner_texts()
    assert sum(int(count) for count in counts) == SCATTERED  # the group is older


def test_a_moderator_goes_from_the_workspace_to_a_reported_pin(
    page: Page, app: Flask, pins: dict[str, list[int]], browser_log: BrowserLog
) -> None:
    create_user(app, "moa@umea.se", "moderator")
    reported = pins["scattered"][0]
    flagged = Api(app.test_client()).post(f"/api/ideas/{reported}/flag", {"reason": "spam"})
    assert flagged.status_code == 201, flagged.get_data(as_text=True)
    sign_in_as(page, "moa@umea.se", "sv")
    wait_ready(page)
    page.get_by_role("link", name="Modereringskö (1 väntar)").click()
    page.get_by_role("link", name="Spridd 0").click()
    page.fill("#moderation-reason", "Reklam för en firma")
    page.get_by_role("button", name="Dölj", exact=True).click()
    expect(page.locator("#notice")).to_have_text("Nålens synlighet ändrades.")
    assert Api(app.test_client()).get(f"/api/ideas/{reported}").status_code == 404
    open_workspace(page)
    expect(page.get_by_role("link", name="Modereringskö (0 väntar)")).to_be_visible()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_workspace_passes_axe(
    axe_page: Page, app: Flask, pins: dict[str, list[int]], browser_log: BrowserLog, lang: str
) -> None:
    browser_log.allow(422)  # the hexagons refused at the end, on purpose
    create_user(app, "moa@umea.se", "moderator")
    sign_in_as(axe_page, "moa@umea.se", lang)
    wait_ready(axe_page)
    assert violations(axe_page) == [], "districts"
    axe_page.locator("#pw-district-table tbody tr th button").first.click()
    expect(axe_page.locator("#pw-selection")).to_be_visible()
    axe_page.locator("details.pw-filters summary").click()
    axe_page.locator("details.pw-downloads summary").click()
    assert violations(axe_page) == [], "a district selected, filters and downloads open"
    open_workspace(axe_page, "/planner?layer=clusters")
    axe_page.locator(".pw-cluster-list button").first.click()
    expect(axe_page.locator("#pw-sel-pins li")).to_have_count(GROUP)
    assert violations(axe_page) == [], "a cluster selected"
    # Hexagons too small for the whole municipality: the refusal and the size it would take.
    axe_page.goto("/planner?layer=hexgrid&size=100")
    expect(axe_page.locator("#pw-status")).to_have_attribute("data-state", "error")
    expect(axe_page.locator("#pw-err-size button")).to_be_visible()
    assert violations(axe_page) == [], "a refusal with the value it would take"


def test_the_workspace_on_a_phone(
    browser: Browser,
    app: Flask,
    live_server: str,
    browser_log: BrowserLog,
    pins: dict,
    central_population: None,  # the table's three columns
) -> None:
    page = new_page(browser, live_server, browser_log, bypass_csp=True, **PHONE)
    try:
        create_user(app, "per@umea.se", "planner")
        sign_in_as(page, "per@umea.se", "sv")
        wait_ready(page)
        page.locator("#pw-district-table tbody tr th button").first.click()
        expect(page.locator("#pw-selection")).to_be_visible()
        map_box = page.locator("#pw-map").bounding_box()
        panel_box = page.locator("#pw-selection").bounding_box()
        assert map_box and panel_box and panel_box["y"] >= map_box["y"] + map_box["height"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert page.evaluate(SPLIT_WORDS, "#pw-district-table tbody th") == []
        assert violations(page) == []
    finally:
        page.context.close()
