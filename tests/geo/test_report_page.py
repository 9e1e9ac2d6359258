"""geo.report_page: the report's text is data, never template code, whatever it holds."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from collections.abc import Callable

import branca.element
import pytest

import geo.report_page
from geo.report import Leaflet, MapView, ReportLayer, ReportText, plain_number
from geo.report_page import build_report

TEMPLATE_LIKE = "{{ 7*7 }} {% if x %} {# note"
BRANCAS_ELEMENT = branca.element.Element


def _layer(
    name: str,
    properties: dict | None = None,
    labels: dict[str, dict[str, str]] | None = None,
) -> ReportLayer:
    """One square feature, every property in its hover table; `properties` replace its name
    and count."""
    square = [[[20.2, 63.8], [20.3, 63.8], [20.3, 63.9], [20.2, 63.9], [20.2, 63.8]]]
    given = properties or {"name": name, "count": 3}
    feature = {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": square},
        "properties": given,
    }
    return ReportLayer(
        name="Stadsdelar",
        features={"type": "FeatureCollection", "features": [feature]},
        value="count",
        legend_title="Nålar",
        tooltip=[(key, key) for key in given],
        labels=labels or {},
    )


def _report(
    name: str,
    attribution: str = "© OSM",
    *,
    layer: ReportLayer | None = None,
    number: Callable[[float], str] = plain_number,
) -> str:
    text = ReportText(
        lang="sv",
        title="Rapport",
        summary=[],
        table_caption="Nålar per stadsdel",
        columns=("Stadsdel", "Kod", "Nålar", "Andel", "Per 1 000 invånare"),
        unknown="okänt",
        attribution="SCB",
        number=number,
    )
    view = MapView(center=(63.85, 20.25), zoom=10, tile_url="/tiles", tile_attribution=attribution)
    return build_report(
        layers=[layer or _layer(name)],
        table=[],
        text=text,
        view=view,
        leaflet=Leaflet(script="", stylesheet=""),
        icon_svg="<svg></svg>",
    )


def test_template_syntax_in_the_data_comes_out_as_it_is():
    html = _report(TEMPLATE_LIKE, attribution="{{ 6*7 }} OSM")
    assert TEMPLATE_LIKE in html  # in the layer's GeoJSON, as text
    assert '"attribution": "{{ 6*7 }} OSM"' in html  # in the tile layer's options
    assert "42 OSM" not in html


def test_branca_is_as_it_was_after_a_report_and_after_a_failed_one():
    _report("Centrum")
    assert branca.element.Element is BRANCAS_ELEMENT
    with pytest.raises(TypeError):
        _report(object())  # type: ignore[arg-type]  # not JSON: the render fails midway
    assert branca.element.Element is BRANCAS_ELEMENT
    assert branca.element.Element("{{ 6*7 }}").render() == "42"  # branca's own, untouched


def test_plain_data_renders_as_branca_alone_renders_it(monkeypatch):
    def numbered_ids() -> None:
        counter = itertools.count()
        monkeypatch.setattr(
            BRANCAS_ELEMENT, "_generate_id", classmethod(lambda _cls: f"n{next(counter)}")
        )

    numbered_ids()
    kept = _report("Ön & <Centrum>")
    numbered_ids()
    monkeypatch.setattr(geo.report_page, "_rendered_parts_as_text", contextlib.nullcontext)
    compiled = _report("Ön & <Centrum>")
    assert kept == compiled


def test_the_hover_table_shows_a_name_as_text():
    """Folium sets the hover table as HTML: a name that looks like markup is shown, not run."""
    page = _report("<img src=x onerror=alert(1)> Ön")
    shown = json.loads(re.search(r'"name__shown": ("[^"]*")', page).group(1))
    assert shown == "&lt;img src=x onerror=alert(1)&gt; Ön"
    assert '"name": "\\u003cimg src=x onerror=alert(1)\\u003e \\u00d6n"' in page  # kept as is


def test_the_hover_table_writes_amounts_as_the_reader_does_and_ids_as_they_are():
    properties = {"cluster_id": 1234, "count": 5678, "top_category": "safety", "per_1000": None}
    layer = _layer("", properties, labels={"top_category": {"safety": "Trygghet"}})
    page = _report("", layer=layer, number=lambda value: f"{value:,}".replace(",", " "))
    shown = {
        name: json.loads(re.search(rf'"{name}__shown": ("[^"]*")', page).group(1))
        for name in properties
    }
    assert shown == {
        "cluster_id": "1234",
        "count": "5 678",
        "top_category": "Trygghet",
        "per_1000": "okänt",
    }
