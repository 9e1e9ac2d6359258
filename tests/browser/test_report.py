"""The planner's report in Chromium: it draws its layers under the strict CSP (inline parts
by nonce), and the saved file opens on its own, with no network at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, Route

from tests.browser.conftest import BLANK_TILE
from tests.browser.test_accessibility import sign_in_as
from tests.browser.test_modules import WATCH_CSP
from tests.conftest import create_user
from tests.pins import add_pins, random_points

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

CITY = (20.20, 63.80, 20.34, 63.86)


@pytest.fixture
def planner_page(page: Page, app) -> Page:
    """The page of a signed-in planner (the report is for staff)."""
    create_user(app, "rut@umea.se", "planner")
    sign_in_as(page, "rut@umea.se", "sv")
    return page


def test_the_report_draws_under_the_csp(planner_page: Page, app) -> None:
    page = planner_page
    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(30, seed=91, box=CITY)])
    page.add_init_script(WATCH_CSP)
    page.goto("/planner/report?layers=districts,clusters&min_points=2")
    page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    assert page.evaluate("window.__cspViolations") == []
    paths = page.locator(".leaflet-overlay-pane path.leaflet-interactive").count()
    assert paths >= 121  # every district, and the clusters over them
    assert page.locator(".leaflet-control-layers-overlays label").count() == 2
    assert page.locator(".report-table tbody tr").count() == 121
    assert page.locator(".report-legend h2").all_inner_texts() == [
        "Stadsdelar: nålar",
        "Kluster: nålar",
    ]


def test_the_saved_report_opens_offline(
    planner_page: Page, app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "TILE_URL", OSM_TILES)  # a tile server, as a city's has
    add_pins(app, [{"lon": 20.2630, "lat": 63.8258}])
    response = planner_page.request.get("/planner/report?download=1&layers=districts")
    saved = tmp_path / "report.html"
    saved.write_bytes(response.body())
    requested: list[str] = []

    def network(route: Route) -> None:
        """Record every request that would leave the machine; answer tiles with a blank one."""
        if route.request.url.startswith("file:"):
            route.continue_()
            return
        requested.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)

    # Opened as a colleague who got it by mail opens it: in a browser that has not been on our
    # site. In the planner's own tab, Chromium's late fetch of the app's favicon for the page
    # before could land among the requests (it did in one run of the whole suite).
    browser = planner_page.context.browser
    assert browser is not None
    reader = browser.new_context()
    try:
        reader.route("**/*", network)
        page = reader.new_page()
        page.goto(saved.as_uri())
        page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
        assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 121
        # Tiles are asked for while the map draws: wait until every request has been answered,
        # so that `requested` holds them all.
        page.wait_for_load_state("networkidle")
    finally:
        reader.close()
    # Only map tiles were asked for: no script, stylesheet, font or image of its own.
    assert requested and all("tile.openstreetmap.org" in url for url in requested)


# Each feature's hover table as a pointer over it opens it (Folium binds one tooltip a layer).
HOVER_TABLES = """() => Object.values(window)
    .filter((value) => value instanceof L.GeoJSON)
    .flatMap((layer) => layer.getLayers()
        .filter((feature) => feature.feature.properties.count > 0)
        .map((feature) => {
            const latlng = feature.getBounds().getCenter();
            feature.fire("mouseover", { latlng }, true);
            const shown = layer.getTooltip().getElement().innerText;
            feature.fire("mouseout", { latlng }, true);
            return shown;
        }))"""


def test_the_hover_tables_speak_the_reports_language(planner_page: Page, app) -> None:
    """Counts as Swedish writes them, a category by its name and an unknown population said
    as such: not the browser's number format, a slug and an empty cell."""
    page = planner_page
    pins = [{"lon": 20.2630, "lat": 63.8258, "category": "parks-nature"}] * 1234
    add_pins(app, pins + [{"lon": 20.2632, "lat": 63.8259, "category": "traffic"}])
    page.goto("/planner/report?layers=districts,clusters&min_points=2")
    page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    district, cluster = sorted(page.evaluate(HOVER_TABLES), key=lambda text: "Kluster" in text)
    assert district.split("\n") == [
        "Stadsdel\tCentrala stan",
        "Nålar\t1\xa0235",
        "Per 1 000 invånare\tokänt",
    ]
    assert cluster.split("\n")[1:] == ["Nålar\t1\xa0235", "Vanligaste kategori\tParker och natur"]


def test_a_district_reports_map_shows_the_district_and_prints_without_controls(
    planner_page: Page, app
) -> None:
    """A report of one district showed it as a speck in the municipality, on paper with the
    zoom buttons, and its map a page's height (the attribution went to a page of its own)."""
    page = planner_page
    page.goto("/planner/report?district=1&layers=districts")
    page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    with app.app_context():
        from sqlalchemy import text

        from app.db import get_engine

        with get_engine().connect() as conn:
            area_km2 = conn.execute(
                text("SELECT ST_Area(geom::geography) / 1e6 FROM districts WHERE code = '1'")
            ).scalar_one()
    zoom = page.evaluate(
        "Object.values(window).find((v) => v && v._leaflet_id && v.getZoom).getZoom()"
    )
    municipality_zoom = 8
    assert zoom >= municipality_zoom + 3, (zoom, area_km2)
    page.emulate_media(media="print")
    assert page.locator(".leaflet-control-zoom").is_hidden()
    height = page.locator(".folium-map").bounding_box()["height"]
    assert height < 500  # 13 cm at 96 px an inch is 491 px
    assert "Filter: stadsdel: Marieområdet" in page.locator(".report-header").inner_text()
