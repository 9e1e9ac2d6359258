"""What a planner's standalone HTML map shows, and the colour classes of its layers.

Its layers, table, text and view; `geo.report_page` renders them with Folium.

Text comes in already translated: `geo` knows no language and no Flask.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# ColorBrewer YlOrRd, 5 classes: readable in print and for most colour vision.
PALETTE = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
EMPTY_COLOUR = "#f0f0f0"
CLASSES = len(PALETTE)
_CSS_IMAGE = re.compile(r"url\((images/[A-Za-z0-9_.-]+\.png)\)")
# A source map would be fetched by developer tools: the report refers to no other file.
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


@dataclass(frozen=True)
class Leaflet:
    """Leaflet's vendored script and stylesheet, ready to inline."""

    script: str
    stylesheet: str

    @classmethod
    def from_folder(cls, folder: str | Path) -> Leaflet:
        """Read leaflet.js and leaflet.css from `folder`, with the CSS images as data: URIs."""
        root = Path(folder)

        def inline_image(match: re.Match[str]) -> str:
            data = base64.b64encode((root / match.group(1)).read_bytes()).decode("ascii")
            return f"url(data:image/png;base64,{data})"

        css = _CSS_IMAGE.sub(inline_image, (root / "leaflet.css").read_text(encoding="utf-8"))
        script = _SOURCE_MAP.sub("", (root / "leaflet.js").read_text(encoding="utf-8"))
        return cls(script=script, stylesheet=css)


@dataclass(frozen=True)
class ReportLayer:
    """One layer of the report: features coloured in classes of one numeric property."""

    name: str
    features: Mapping[str, Any]  # a GeoJSON FeatureCollection in WGS 84
    value: str  # the property the colours follow
    legend_title: str
    tooltip: Sequence[tuple[str, str]]  # (property, label) shown on hover
    show: bool = True
    # The legend's entry for features drawn without a value (districts without pins); None
    # where every feature has one (a cluster or a hexagon has pins, or it is not drawn).
    no_value: str | None = None
    # What the legend says when the layer has no feature at all ("No clusters ...").
    nothing: str = ""
    # What a property's values are called in the reader's language, for the hover table:
    # {"top_category": {"parks-nature": "Parker och natur", ...}}.
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def plain_number(value: float) -> str:
    """A number with no locale: whole numbers without decimals."""
    return f"{value:g}" if value != int(value) else f"{int(value)}"


def plain_percent(share: float) -> str:
    """A share (0–1) as a percentage with one decimal, with no locale."""
    return f"{share * 100:.1f} %"


@dataclass(frozen=True)
class TableRow:
    """A row of the district table."""

    name: str
    code: str
    count: int
    share: float
    per_1000: float | None


@dataclass(frozen=True)
class ReportText:
    """Every word of the report, in the reader's language."""

    lang: str
    title: str
    summary: Sequence[str]  # lines under the title: date, filters, parameters
    table_caption: str
    columns: tuple[str, str, str, str, str]  # district, code, count, share, per 1,000
    unknown: str  # per 1,000 where the population is unknown
    attribution: str
    # Counts, rates and shares as the reader's language writes them ("17 534", "0,5", "12,3 %"):
    # the caller knows the language, `geo` does not.
    number: Callable[[float], str] = plain_number
    percent: Callable[[float], str] = plain_percent


@dataclass(frozen=True)
class MapView:
    """Where the map opens and which tiles it draws under the layers."""

    center: tuple[float, float]  # lat, lon
    zoom: int
    tile_url: str
    tile_attribution: str
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None
    extra_css: str = field(default="")


def class_breaks(values: Sequence[float], classes: int = CLASSES) -> list[float]:
    """Upper bounds of up to `classes` quantile classes of the positive values (no repeats)."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    breaks: list[float] = []
    for k in range(1, classes + 1):
        bound = positive[min(len(positive) - 1, round(k * len(positive) / classes) - 1)]
        if not breaks or bound > breaks[-1]:
            breaks.append(bound)
    return breaks


def colour_for(value: float | None, breaks: Sequence[float]) -> str:
    """The class colour of a value; grey for nothing (0 or unknown)."""
    if value is None or value <= 0 or not breaks:
        return EMPTY_COLOUR
    offset = CLASSES - len(breaks)  # few classes take the darker end of the palette
    for index, bound in enumerate(breaks):
        if value <= bound:
            return PALETTE[offset + index]
    return PALETTE[-1]
