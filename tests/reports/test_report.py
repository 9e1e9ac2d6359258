"""GET /planner/report: a standalone Folium map that needs no CDN, in Swedish or English,
with a legend and the district table, and no unpublished pin in it."""

from __future__ import annotations

import base64
import os
import re
from html import escape
from html.parser import HTMLParser

import pytest

from app.layers import report as report_data
from tests.conftest import CENTRAL, CENTRE
from tests.pins import add_pins, random_points, set_columns, varied_specs

CITY = (20.20, 63.80, 20.34, 63.86)


class Resources(HTMLParser):
    """Every script, stylesheet and link a page would load, and its tables' rows."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.links: list[dict] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
        elif tag == "link":
            self.links.append(attributes)
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _parse(html: str) -> Resources:
    parser = Resources()
    parser.feed(html)
    return parser


@pytest.fixture
def pins(app):
    specs = varied_specs(random_points(40, seed=81, box=CITY), seed=81)
    return add_pins(app, specs)


def test_the_report_needs_no_cdn(client, pins):
    response = client.get("/planner/report?layers=districts,hexgrid,clusters&min_points=2")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    parsed = _parse(html)
    assert parsed.scripts and all("src" not in s for s in parsed.scripts)
    assert not [link for link in parsed.links if link.get("rel") == "stylesheet"]
    assert not re.search(r"""<(?:script|link)[^>]+(?:src|href)=["']?(?:https?:)?//""", html)
    assert "cdn.jsdelivr" not in html and "code.jquery.com" not in html
    assert "sourceMappingURL" not in html
    assert 't.version="1.9.4"' in html  # Leaflet itself, inline
    assert "url(images/" not in html  # its images inline too (data: URIs)
    assert "user-scalable=no" not in html  # readers may zoom


def test_the_report_carries_its_icon(app, client, pins):
    """A saved report has no /static to ask for the icon, nor its 404 to log: it is inline."""
    html = client.get("/planner/report").get_data(as_text=True)
    icons = [link for link in _parse(html).links if link.get("rel") == "icon"]
    assert len(icons) == 1 and icons[0]["type"] == "image/svg+xml"
    prefix = "data:image/svg+xml;base64,"
    assert icons[0]["href"].startswith(prefix)
    with open(os.path.join(app.static_folder, "favicon.svg"), "rb") as icon:
        assert base64.b64decode(icons[0]["href"][len(prefix) :]) == icon.read()


def test_inline_parts_carry_the_csp_nonce(client, pins):
    response = client.get("/planner/report")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy).group(1)
    assert f"style-src 'self' 'nonce-{nonce}'" in policy
    assert "unsafe-inline" not in policy
    html = response.get_data(as_text=True)
    tags = re.findall(r"<(?:script|style)\b[^>]*>", html)
    assert tags and all(f'nonce="{nonce}"' in tag for tag in tags)


def test_legend_and_district_table(client, pins, central_population):
    html = client.get("/planner/report?layers=districts,clusters&min_points=1").get_data(
        as_text=True
    )
    assert 'class="report-legend"' in html and "swatch-4" in html
    parsed = _parse(html)
    body = [row for row in parsed.rows if len(row) == 5 and row[0] != "Stadsdel"]
    assert len(body) == 121
    counts = [int(row[2]) for row in body]
    assert sum(counts) == 40 and counts == sorted(counts, reverse=True)
    assert parsed.rows[0] == ["Stadsdel", "Kod", "Nålar", "Andel", "Per 1 000 invånare"]
    central = next(row for row in body if row[0] == CENTRAL)
    assert central[4] == f"{int(central[2]) * 1000 / 4000:g}".replace(".", ",")
    assert sum(1 for row in body if row[4] == "okänt") == 120


def test_without_any_population_the_table_has_no_rate(client, pins):
    """As the app ships, no district's population is known: no column of "unknown" only."""
    parsed = _parse(client.get("/planner/report").get_data(as_text=True))
    assert parsed.rows[0] == ["Stadsdel", "Kod", "Nålar", "Andel"]
    assert {len(row) for row in parsed.rows} == {4}


def test_the_rate_legend_says_grey_may_be_an_unknown_population(client, pins):
    html = client.get("/planner/report?metric=per_1000&layers=districts").get_data(as_text=True)
    assert '<span class="swatch swatch-empty"></span>Inga nålar, eller okänt invånarantal' in html


def test_the_legend_says_what_each_layer_lacks(client, pins):
    """Districts without pins have their own swatch; clusters and hexagons all have pins, and
    a layer with none says so instead of offering an empty swatch."""
    html = client.get("/planner/report?layers=districts,clusters,hexgrid&min_points=1000").get_data(
        as_text=True
    )
    start = html.index('class="report-legend"')
    legend = html[start : html.index("</div>", start)]
    entries = dict(part.split("</h2>") for part in legend.split("<h2>")[1:])
    assert (
        '<span class="swatch swatch-empty"></span>Inga nålar</li>' in entries["Stadsdelar: nålar"]
    )
    assert entries["Kluster: nålar"] == "<ul><li>Inga kluster med de här inställningarna.</li></ul>"
    assert "swatch-4" in entries["Hexagoner: nålar"]
    assert "swatch-empty" not in entries["Hexagoner: nålar"]


def test_english_and_swedish(client, pins):
    swedish = client.get("/planner/report").get_data(as_text=True)
    assert '<html lang="sv">' in swedish and "Umecom-kartan: rapport" in swedish
    english = client.get("/planner/report", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in english and "<title>Umecom Map: report</title>" in english
    assert "40 published pins match the filters." in english
    assert "Pins per district" in english


def test_download_is_a_dated_file(client, pins):
    response = client.get("/planner/report?download=1")
    assert re.fullmatch(
        r'attachment; filename="umecom-report-\d{4}-\d\d-\d\d\.html"',
        response.headers["Content-Disposition"],
    )
    assert client.get("/planner/report").headers.get("Content-Disposition") is None


def test_filters_shape_the_report(client, app, pins):
    html = client.get(
        "/planner/report?kind=concern&category=safety&layers=districts",
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    assert "kind: Concern; category: Safety" in html
    rows = [r for r in _parse(html).rows if len(r) == 4 and r[0] != "District"]
    assert len(rows) == 121 and 0 < sum(int(r[2]) for r in rows) < 40
    set_columns(app, pins[:3], title="Trasig belysning")
    html = client.get(
        "/planner/report?q=belysning&layers=districts", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "Filters: words: belysning" in html and "3 published pins match the filters." in html
    # Every filter in the reader's words: a district by its name, a source by its label.
    asked = "/planner/report?district=1&source=paper&since=2026-11-29&layers=districts"
    english = client.get(asked, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Filters: district: Marieområdet; source: Paper; from: 2026-11-29" in english
    swedish = client.get(asked).get_data(as_text=True)
    assert "Filter: stadsdel: Marieområdet; källa: Papper; från: 2026-11-29" in swedish


@pytest.mark.parametrize("visibility", ["held", "hidden", "withdrawn"])
def test_unpublished_pins_are_not_in_the_report(client, app, visibility):
    shown = add_pins(app, [{"lon": 20.2630, "lat": 63.8258}])
    secret = add_pins(app, [{"lon": 20.2631, "lat": 63.8259}, {"lon": 20.30, "lat": 63.84}])
    set_columns(app, secret, visibility=visibility)
    html = client.get(
        "/planner/report?layers=districts,hexgrid,clusters&min_points=1",
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    assert "1 published pin matches the filters." in html
    assert "Clusters: DBSCAN with 50 m and at least 1 pin." in html
    rows = [r for r in _parse(html).rows if len(r) == 4 and r[0] != "District"]
    assert len(rows) == 121 and sum(int(r[2]) for r in rows) == 1
    members = re.findall(r'"idea_ids": \[([0-9, ]*)\]', html)
    assert members == [str(shown[0])]  # one cluster, of the one published pin


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("layers=pins", "layers"),
        ("layers=", "layers"),
        ("metric=mean", "metric"),
        ("eps=0", "eps"),
        ("size=5", "size"),
        ("kind=bike", "kind"),
    ],
)
def test_report_parameters_are_checked(client, query, field):
    response = client.get(f"/planner/report?{query}")
    assert response.status_code == 422
    assert f"{field}" in response.get_data(as_text=True)


def test_too_many_features_for_a_report(client, app, monkeypatch, pins):
    monkeypatch.setattr(report_data, "MAX_REPORT_FEATURES", 3)
    response = client.get(
        "/planner/report?layers=hexgrid&size=200", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert "more than 3 features, too many for a report" in response.get_data(as_text=True)


def test_a_refused_report_links_to_the_one_it_would_make(client, pins, monkeypatch):
    """A min_points too small for the pins (as the defaults at a million): the error page
    names the reason, links to the same report with the smallest min_points taken, and back
    to the workspace; reloading would only ask again, so it does not say to."""
    from app.layers import queries

    monkeypatch.setattr(queries, "MAX_CLUSTERS", 4)
    asked = "/planner/report?layers=clusters&eps=50&min_points=2&kind=idea&category=safety"
    response = client.get(asked, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<h1>These values cannot be used</h1>" in html
    # in the report's words: it has no field named min_points
    least = re.search(
        r"Clusters this small would be too many for these pins: a cluster needs at least "
        r"(\d+) pins here\.",
        html,
    )
    assert least and int(least.group(1)) > 2
    n = least.group(1)
    assert "min_points" not in re.sub(r'href="[^"]*"', "", html)
    assert "Reload the page" not in html
    retry = f"/planner/report?layers=clusters&eps=50&min_points={n}&kind=idea&category=safety"
    assert (
        f'<a href="{escape(retry)}">Show the report with clusters of at least {n} pins</a>' in html
    )
    back = "/planner?layer=clusters&amp;eps=50&amp;min_points=2&amp;kind=idea&amp;category=safety"
    assert f'<a href="{back}">Back to the workspace</a>' in html  # at the planner's filters
    followed = client.get(retry, headers={"Accept-Language": "en"})
    assert followed.status_code == 200
    assert f"Clusters: DBSCAN with 50 m and at least {n} pins." in followed.get_data(as_text=True)


def test_a_report_whose_dates_are_the_wrong_way_round_says_so_in_words(client):
    response = client.get(
        "/planner/report?since=2026-12-05&until=2026-11-01", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<p>The end date is before the start date: no day is in between.</p>" in html
    assert "since" not in re.sub(r'href="[^"]*"', "", html)  # but in the links back
    back = "/planner?since=2026-12-05&amp;until=2026-11-01"
    assert f'<a href="{back}">Back to the workspace</a>' in html


def test_per_1000_colours_where_population_is_known(client, pins):
    response = client.get("/planner/report?metric=per_1000&layers=districts")
    assert response.status_code == 200
    assert "Stadsdelar: nålar per 1 000 invånare" in response.get_data(as_text=True)


def test_the_report_is_for_signed_in_planners(app, staff):
    anonymous = app.test_client().get("/planner/report")
    assert anonymous.status_code == 401
    assert 'name="password"' in anonymous.get_data(as_text=True)
    for role in ("planner", "moderator", "admin"):  # a moderator has a planner's rights
        assert staff(role).get("/planner/report").status_code == 200


def test_numbers_are_written_as_the_readers_language_writes_them(app, client, central_population):
    """Counts grouped, decimals and shares as Swedish or English write them, in the legend and
    in the table: "1 234" and "96,9 %" beside the workspace's own, not "1234" and "96.9 %"."""
    add_pins(app, [{"lon": CENTRE[0], "lat": CENTRE[1]}] * 1234)
    add_pins(app, [{"lon": lon, "lat": lat} for lon, lat in random_points(40, seed=7)])
    asked = "/planner/report?layers=districts"
    for language, thousands, share, rate in (
        ("sv", "1\xa0234", "96,9\xa0%", "308,5"),
        ("en", "1,234", "96.9%", "308.5"),
    ):
        html = client.get(asked, headers={"Accept-Language": language}).get_data(as_text=True)
        central = next(row for row in _parse(html).rows if row[0] == CENTRAL)
        assert central[2:] == [thousands, share, rate]
        legend = html[html.index('class="report-legend"') :]
        assert f"–{thousands}</li>" in legend[: legend.index("</div>")]
