"""GET /planner/report: the planner's standalone map, to look at, save or mail.

For signed-in planners (and admins): it shows every layer at once, like the workspace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.numbers import format_percent
from flask import Response, current_app, request
from flask_babel import format_date, format_number, get_locale, gettext, ngettext
from sqlalchemy import select

from app.area import configured_area
from app.auth import role_required
from app.categories import CATEGORIES, CATEGORY_BY_SLUG, KINDS, STATUSES
from app.common.errors import InvalidField
from app.common.map_strings import DATA_CREDIT
from app.db import get_session
from app.ideas.filters import IdeaFilters, parse_filters
from app.layers.params import (
    ClusterParams,
    parse_cluster_params,
    parse_district_metric,
    parse_hex_size,
    parse_report_layers,
)
from app.layers.report import district_table, report_layers
from app.models import District
from app.planning.enums import SOURCE_LABELS
from app.reports import bp
from app.reports.refusals import refusal_page
from app.security import page_policy
from geo.lookup import extent_of
from geo.report import Leaflet, MapView, ReportLayer, ReportText

# The inline <script> and <style> blocks of the report get the response's CSP nonce.
_INLINE = re.compile(r"<(script|style)>")


@lru_cache(maxsize=4)
def _leaflet(folder: str) -> Leaflet:
    """The vendored Leaflet (static/vendor/leaflet), read once per process."""
    return Leaflet.from_folder(folder)


@lru_cache(maxsize=4)
def _icon_svg(static_folder: str) -> str:
    """The app's icon (static/favicon.svg), read once per process."""
    return (Path(static_folder) / "favicon.svg").read_text(encoding="utf-8")


def _district_names(codes: tuple[str, ...]) -> list[str]:
    """The districts' names, in the order of their codes (a code no district has, as it is)."""
    rows = get_session().execute(
        select(District.code, District.name).where(District.code.in_(codes))
    )
    names: dict[str, str] = {str(code): str(name) for code, name in rows}
    return [str(names.get(code, code)) for code in codes]


def _map_bounds(filters: IdeaFilters, area_bounds: tuple[float, ...]) -> tuple[float, ...]:
    """What the report's map shows: the bbox, else the districts filtered, else the area.

    A report of one district showed it as a speck in the whole municipality.
    """
    if filters.bbox:
        return filters.bbox
    if filters.districts:
        box = extent_of(get_session(), District.geom, District.code.in_(filters.districts))
        if box is not None:
            return box
    return area_bounds


def _filter_lines(args: Mapping[str, str], filters: IdeaFilters) -> list[str]:
    """The filters in words, for the report's header."""
    parts = []
    if filters.kinds:
        parts.append(gettext("kind: %(v)s", v=", ".join(str(KINDS[k]) for k in filters.kinds)))
    if filters.categories:
        labels = ", ".join(str(CATEGORY_BY_SLUG[c].label) for c in filters.categories)
        parts.append(gettext("category: %(v)s", v=labels))
    if filters.statuses:
        labels = ", ".join(str(STATUSES[s]) for s in filters.statuses)
        parts.append(gettext("status: %(v)s", v=labels))
    if filters.words:
        parts.append(gettext("words: %(v)s", v=filters.words))
    if filters.districts:
        parts.append(gettext("district: %(v)s", v=", ".join(_district_names(filters.districts))))
    if filters.sources:
        labels = ", ".join(str(SOURCE_LABELS[s]) for s in filters.sources)
        parts.append(gettext("source: %(v)s", v=labels))
    # The dates as given (a day, or a moment), read in Umeå's time as the filter reads them.
    if args.get("since"):
        parts.append(gettext("from: %(v)s", v=args["since"]))
    if args.get("until"):
        parts.append(gettext("up to and including: %(v)s", v=args["until"]))
    if filters.bbox:
        parts.append(gettext("area: %(v)s", v=", ".join(f"{n:.5f}" for n in filters.bbox)))
    if filters.ids:
        parts.append(gettext("pins: %(v)s", v=", ".join(str(i) for i in filters.ids)))
    if not parts:
        return [gettext("Filters: none, all published pins.")]
    return [gettext("Filters: %(filters)s", filters="; ".join(parts))]


def _text(
    args: Mapping[str, str],
    filters: IdeaFilters,
    layers: tuple[str, ...],
    clusters: ClusterParams,
    hex_size: int,
    pins: int,
) -> ReportText:
    """Every word of the report in the request's language."""
    zone = ZoneInfo(str(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    summary = [
        gettext("Made on %(date)s.", date=format_date(datetime.now(zone), "long")),
        ngettext(
            "%(n)s published pin matches the filters.",
            "%(n)s published pins match the filters.",
            pins,
            n=format_number(pins),
        ),
        *_filter_lines(args, filters),
    ]
    if "clusters" in layers:
        summary.append(
            ngettext(
                "Clusters: DBSCAN with %(eps)s m and at least %(n)s pin.",
                "Clusters: DBSCAN with %(eps)s m and at least %(n)s pins.",
                clusters.min_points,
                eps=format_number(clusters.eps),
                n=format_number(clusters.min_points),
            )
        )
    if "hexgrid" in layers:
        summary.append(gettext("Hexagons: %(size)s m edges.", size=format_number(hex_size)))
    return ReportText(
        lang=str(get_locale()),
        title=gettext("Umecom Map: report"),
        summary=summary,
        table_caption=gettext("Pins per district"),
        columns=(
            gettext("District"),
            gettext("Code"),
            gettext("Pins"),
            gettext("Share"),
            gettext("Per 1,000 residents"),
        ),
        unknown=gettext("unknown"),
        attribution=str(DATA_CREDIT),
        number=format_number,
        percent=_percent,
    )


def _percent(share: float) -> str:
    """A district's share of the pins, to a tenth of a percent: "12,3 %", "0 %", "12.3%"."""
    return format_percent(round(share, 3), locale=get_locale(), decimal_quantization=False)


def _layer(name: str, features: dict, metric: str) -> ReportLayer:
    """How each layer is drawn and labelled."""
    if name == "districts":
        per_1000 = metric == "per_1000"
        return ReportLayer(
            name=gettext("Districts"),
            features=features,
            value=metric,
            legend_title=gettext("Districts: pins per 1,000 residents")
            if per_1000
            else gettext("Districts: pins"),
            tooltip=[
                ("name", gettext("District")),
                ("count", gettext("Pins")),
                ("per_1000", gettext("Per 1,000 residents")),
            ],
            # Grey is 0 or unknown: per 1,000, a district of pins may lack its population.
            no_value=gettext("No pins, or population unknown") if per_1000 else gettext("No pins"),
            nothing=gettext("No districts are loaded."),
        )
    if name == "hexgrid":
        return ReportLayer(
            name=gettext("Hexagons"),
            features=features,
            value="count",
            legend_title=gettext("Hexagons: pins"),
            tooltip=[("count", gettext("Pins"))],
            nothing=gettext("No pins match these filters yet."),
        )
    return ReportLayer(
        name=gettext("Clusters"),
        features=features,
        value="count",
        legend_title=gettext("Clusters: pins"),
        tooltip=[
            ("cluster_id", gettext("Cluster")),
            ("count", gettext("Pins")),
            ("top_category", gettext("Most common category")),
        ],
        nothing=gettext("No clusters with these settings."),
        labels={"top_category": {c.slug: str(c.label) for c in CATEGORIES}},
    )


@bp.get("/planner/report")
@role_required("planner")
@page_policy(content_security_policy_nonce_in=["script-src", "style-src"])
def report() -> Response | tuple[str, int]:
    """The chosen layers and filters as one HTML map; `download=1` saves it as a dated file.

    A refusal the report can say in its reader's words is (app/reports/refusals.py).
    """
    try:
        return _report()
    except InvalidField as exc:
        page = refusal_page(exc)
        if page is None:
            raise
        return page


def _report() -> Response:
    """The report of the request's layers and filters."""
    args = request.args
    filters = parse_filters(args)
    layers = parse_report_layers(args)
    clusters = parse_cluster_params(args)
    area = configured_area()
    hex_size = parse_hex_size(args, filters, area.bounds)
    metric = parse_district_metric(args)
    session = get_session()
    features = report_layers(session, filters, layers, clusters=clusters, hex_size=hex_size)
    table = district_table(features["districts"])
    pins = sum(row.count for row in table)
    min_lon, min_lat, max_lon, max_lat = _map_bounds(filters, area.bounds)
    view = MapView(
        center=((min_lat + max_lat) / 2, (min_lon + max_lon) / 2),
        zoom=10,
        tile_url=str(current_app.config["TILE_URL"]),
        tile_attribution=str(current_app.config["TILE_ATTRIBUTION"]),
        bounds=((min_lat, min_lon), (max_lat, max_lon)),
    )
    # Here, not at the top: Folium is 0.87 s of every worker's start (geo/report_page.py).
    from geo.report_page import build_report

    html = build_report(
        layers=[_layer(name, features[name], metric) for name in layers],
        table=table,
        text=_text(args, filters, layers, clusters, hex_size, pins),
        view=view,
        leaflet=_leaflet(str(Path(str(current_app.static_folder)) / "vendor" / "leaflet")),
        icon_svg=_icon_svg(str(current_app.static_folder)),
    )
    nonce = getattr(request, "csp_nonce", "")
    html = _INLINE.sub(lambda m: f'<{m.group(1)} nonce="{nonce}">', html)
    response = Response(html, mimetype="text/html")
    if args.get("download") == "1":
        zone = ZoneInfo(str(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
        filename = f"umecom-report-{datetime.now(zone):%Y-%m-%d}.html"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
