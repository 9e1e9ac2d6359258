"""Standalone HTML maps for planners (Folium): layers, a legend and a table, nothing external.

Leaflet's script and stylesheet are inlined (its images as data: URIs) instead of Folium's CDN
links, so the file opens offline, mailed or archived; only the base map tiles load from the
tile server when there is a network.

Apart from `geo.report` because importing Folium took 0.87 of the 2.8 s an app process needs
to start (it compiles 47 templates): only the process that renders a report loads it.
"""

from __future__ import annotations

import base64
import html
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import branca.element
import folium
from branca.element import Element, Figure
from jinja2 import Template

from geo.report import (
    CLASSES,
    EMPTY_COLOUR,
    PALETTE,
    Leaflet,
    MapView,
    ReportLayer,
    ReportText,
    TableRow,
    class_breaks,
    colour_for,
)

# Folium forbids zooming the page (user-scalable=no); readers who need larger text may zoom.
_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


class _Page(Figure):
    """Folium's page with the document's language and its script inside <body>.

    The map, its legend and table are the page's <main>, between its header and footer: a
    screen reader's landmarks reach every part (axe: landmark-one-main, region).
    """

    # Autoescaped: the title and language are text; the parts are HTML built by Folium.
    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="{{ this.lang }}">\n<head>\n'
        "<title>{{ this.title }}</title>\n"
        "{{ this.header.render(**kwargs) | safe }}\n</head>\n<body>\n"
        "{{ this.banner | safe }}\n"
        '<main class="report-main">\n{{ this.html.render(**kwargs) | safe }}\n</main>\n'
        "{{ this.footer | safe }}\n"
        "<script>\n{{ this.script.render(**kwargs) | safe }}\n</script>\n"
        "</body>\n</html>\n",
        autoescape=True,
    )

    def __init__(self, *, title: str, lang: str, banner: str, footer: str) -> None:
        super().__init__(title=title)
        self.lang = lang
        self.banner = banner
        self.footer = footer


class _Markup(Element):
    """Ready HTML put in as it is: an Element's own template would parse all of it (slow)."""

    _template = Template("{{ this.markup }}")

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.markup = markup


def _keeping_text(template: str | None = None, template_name: str | None = None) -> Element:
    """What `Element(...)` makes in branca while a report renders: rendered text kept as it is.

    branca puts each element's rendered parts (its script holds the layer's GeoJSON) into
    `Element(text)`, which compiles that text as a Jinja template and renders it again with
    the page. That was 59 of the 144 ms of CPU a three-layer report took (cProfile, 20
    reports of about 2,650 pins), and data was read as template code: a district named
    "{{ 7*7 }}" came out as "49", and one with "{%" stopped the report.
    """
    # A container, which renders its children: a Figure made meanwhile by another thread
    # (threaded workers) builds its header, html and script with Element().
    if template is None:
        return Element(template_name=template_name)
    return _Markup(template)


# One report renders at a time per process (threaded workers), so no render sees the name put
# back while it still needs the text-keeping element.
_rendering = threading.Lock()


@contextmanager
def _rendered_parts_as_text() -> Iterator[None]:
    """While a page renders, branca's `Element(text)` keeps the text instead of compiling it."""
    with _rendering:
        branca.element.Element = _keeping_text  # type: ignore[misc,assignment]
        try:
            yield
        finally:
            branca.element.Element = Element  # type: ignore[misc]


def _class_labels(breaks: Sequence[float], number: Callable[[float], str]) -> list[str]:
    """Class ranges: 1–3, 4–9 for whole numbers; 0.5–1.2 (above 0.5, up to 1.2) otherwise."""
    whole = all(b == int(b) for b in breaks)
    labels: list[str] = []
    low = 0.0
    for bound in breaks:
        start = low + 1 if whole else low
        labels.append(number(bound) if start == bound else f"{number(start)}–{number(bound)}")
        low = bound
    return labels


def _legend(layers: Sequence[tuple[ReportLayer, list[float]]], text: ReportText) -> str:
    """The legend: each layer's classes as coloured swatches with their ranges."""
    parts = ['<div class="report-legend" role="group">']
    for layer, breaks in layers:
        parts.append(f"<h2>{html.escape(layer.legend_title)}</h2><ul>")
        if not layer.features["features"]:
            parts.append(f"<li>{html.escape(layer.nothing)}</li></ul>")
            continue
        offset = CLASSES - len(breaks)
        for index, label in enumerate(_class_labels(breaks, text.number)):
            label = html.escape(label)
            parts.append(f'<li><span class="swatch swatch-{offset + index}"></span>{label}</li>')
        if layer.no_value is not None:
            empty = html.escape(layer.no_value)
            parts.append(f'<li><span class="swatch swatch-empty"></span>{empty}</li>')
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def _table(rows: Sequence[TableRow], text: ReportText) -> str:
    """The district table, most pins first.

    Without its per 1,000 column where no district's population is known: "unknown" in every row.
    """
    rates = any(row.per_1000 is not None for row in rows)
    columns = text.columns if rates else text.columns[:-1]
    heads = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns)
    body = []
    for row in rows:
        per_1000 = text.unknown if row.per_1000 is None else text.number(row.per_1000)
        count, share = html.escape(text.number(row.count)), html.escape(text.percent(row.share))
        body.append(
            f'<tr><th scope="row">{html.escape(row.name)}</th><td>{html.escape(row.code)}</td>'
            f"<td>{count}</td><td>{share}</td>"
            + (f"<td>{html.escape(per_1000)}</td>" if rates else "")
            + "</tr>"
        )
    return (
        f'<section class="report-table"><table><caption>{html.escape(text.table_caption)}'
        f"</caption><thead><tr>{heads}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        "</section>"
    )


def _stylesheet(extra: str) -> str:
    """The report's own styles: the page layout, legend swatches, the table."""
    swatches = "".join(
        f".swatch-{index}{{background:{colour}}}" for index, colour in enumerate(PALETTE)
    )
    return (
        "html,body{height:auto;margin:0;font-family:system-ui,sans-serif;color:#1a1a1a}"
        "body,.report-main{display:flex;flex-direction:column}"
        "body>*,.report-main>*{flex:none}"
        ".report-header{order:0;padding:0.75rem 1rem}.report-main{order:1}"
        ".report-header h1{margin:0 0 0.25rem;font-size:1.4rem}"
        ".report-header p{margin:0.1rem 0;color:#333}"
        ".folium-map{order:1;height:70vh!important;min-height:320px}"
        ".report-legend{order:2;display:flex;flex-wrap:wrap;gap:1.5rem;padding:0.75rem 1rem}"
        ".report-legend h2{font-size:1rem;margin:0 0 0.25rem}"
        ".report-legend ul{list-style:none;margin:0;padding:0}"
        ".report-legend li{display:flex;align-items:center;gap:0.4rem}"
        ".swatch{display:inline-block;width:1.1rem;height:1.1rem;border:1px solid #555}"
        f"{swatches}.swatch-empty{{background:{EMPTY_COLOUR}}}"
        ".report-table{order:3;padding:0 1rem 1rem;overflow-x:auto}"
        ".report-table table{border-collapse:collapse;min-width:20rem}"
        ".report-table caption{text-align:left;font-weight:bold;padding:0.5rem 0}"
        ".report-table th,.report-table td{border-bottom:1px solid #ccc;padding:0.25rem 0.6rem;"
        "text-align:left}"
        ".report-table td:nth-child(n+3){text-align:right}"
        ".report-footer{order:4;padding:0 1rem 1rem;font-size:0.85rem;color:#333}"
        # On paper (A4): no map controls; a map that leaves room for its legend on the first
        # page (at 70vh, a page's height, the attribution line took a page of its own); the
        # table's header repeated on each page, never left alone at the foot of one.
        "@media print{@page{size:A4;margin:12mm}"
        ".leaflet-control-zoom,.leaflet-control-layers{display:none!important}"
        ".folium-map{height:13cm!important;min-height:0;break-inside:avoid}"
        ".report-legend{break-inside:avoid}.report-table{overflow:visible}"
        ".report-table caption{break-after:avoid}.report-table thead{display:table-header-group}"
        ".report-table tr{break-inside:avoid}.report-footer{break-before:avoid}}" + extra
    )


def _header(text: ReportText) -> str:
    """The title and what the report shows."""
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in text.summary)
    return f'<header class="report-header"><h1>{html.escape(text.title)}</h1>{lines}</header>'


def build_report(
    *,
    layers: Sequence[ReportLayer],
    table: Sequence[TableRow],
    text: ReportText,
    view: MapView,
    leaflet: Leaflet,
    icon_svg: str,
) -> str:
    """The report as one HTML document that needs nothing but itself (and tiles, if online).

    `icon_svg` is the app's icon, put in as a data: URI: a saved report has no /static to ask.
    """
    footer = f'<footer class="report-footer"><p>{html.escape(text.attribution)}</p></footer>'
    figure = _Page(title=text.title, lang=text.lang, banner=_header(text), footer=footer)
    icon = base64.b64encode(icon_svg.encode("utf-8")).decode("ascii")
    figure.header.add_child(
        _Markup(f'<link rel="icon" type="image/svg+xml" href="data:image/svg+xml;base64,{icon}">'),
        name="icon",
    )
    figure.header.add_child(_Markup(f"<style>{leaflet.stylesheet}</style>"), name="leaflet_css")
    # "</" cannot end the inline script early: Leaflet's source is escaped where it appears.
    script = leaflet.script.replace("</", "<\\/")
    figure.header.add_child(_Markup(f"<script>{script}</script>"), name="leaflet_js")
    figure.header.add_child(_Markup(f"<style>{_stylesheet(view.extra_css)}</style>"), name="css")
    fmap = folium.Map(location=list(view.center), zoom_start=view.zoom, tiles=None)
    # Folium's default CDN links: Leaflet is inlined above, nothing else is needed.
    fmap.default_js = []
    fmap.default_css = []
    # The map's place, before its legend and table, as it is read (Folium puts its <div> in,
    # under this name, when the page renders; it would come last).
    figure.html.add_child(_Markup(""), name=fmap.get_name())
    figure.add_child(fmap)
    folium.TileLayer(view.tile_url, attr=view.tile_attribution, name="base", control=False).add_to(
        fmap
    )
    shown: list[tuple[ReportLayer, list[float]]] = []
    for layer in layers:
        values = [f["properties"].get(layer.value) or 0 for f in layer.features["features"]]
        breaks = class_breaks(values)
        shown.append((layer, breaks))
        _add_layer(fmap, layer, breaks, text)
    folium.LayerControl(collapsed=False).add_to(fmap)
    if view.bounds is not None:
        fmap.fit_bounds([list(view.bounds[0]), list(view.bounds[1])])
    figure.html.add_child(_Markup(_legend(shown, text)), name="report_legend")
    figure.html.add_child(_Markup(_table(table, text)), name="report_table")
    with _rendered_parts_as_text():
        page = figure.render()
    return _VIEWPORT.sub(VIEWPORT, page)


# Beside each property the hover table shows, the text it shows for it.
SHOWN = "__shown"


def _shown(name: str, value: Any, labels: Mapping[str, str], text: ReportText) -> str:
    """A property as the hover table shows it, escaped: Folium's table is set as HTML.

    Amounts in the reader's language, slugs by their names, no value as "unknown"; an id
    (`cluster_id`) names a thing and is written as it is, "1234", not "1 234".
    """
    if value is None:
        shown = text.unknown
    elif isinstance(value, int | float) and not isinstance(value, bool):
        shown = str(value) if name.endswith("_id") else text.number(value)
    else:
        shown = labels.get(str(value), str(value))
    return html.escape(shown)


def _with_shown_properties(layer: ReportLayer, text: ReportText) -> dict[str, Any]:
    """The layer's features, each hover property beside the text shown for it.

    Folium's tooltip would write numbers in the browser's language (`localize`), not the
    report's, and puts values into the page unescaped.
    """
    features = []
    for feature in layer.features["features"]:
        properties = dict(feature["properties"])
        for name, _label in layer.tooltip:
            labels = layer.labels.get(name, {})
            properties[name + SHOWN] = _shown(name, properties.get(name), labels, text)
        features.append({**feature, "properties": properties})
    return {**layer.features, "features": features}


def _add_layer(
    fmap: folium.Map, layer: ReportLayer, breaks: Sequence[float], text: ReportText
) -> None:
    """A GeoJSON layer filled by class, with a hover table of its properties."""

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        value = feature["properties"].get(layer.value)
        return {
            "fillColor": colour_for(value, breaks),
            "fillOpacity": 0.7,
            "color": "#333333",
            "weight": 1,
        }

    tooltip = folium.GeoJsonTooltip(
        fields=[name + SHOWN for name, _label in layer.tooltip],
        aliases=[label for _name, label in layer.tooltip],
    )
    folium.GeoJson(
        _with_shown_properties(layer, text),
        name=layer.name,
        style_function=style,
        tooltip=tooltip if layer.features["features"] else None,
        show=layer.show,
    ).add_to(fmap)
