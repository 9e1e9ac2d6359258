"""GET /planner: the planners' workspace, a map of the layers with their controls.

The page is a shell: its scripts (static/js/planner/workspace-*.js) read the layers, pins and
exports from the public API with the filters in the page's URL, and answer pins through
POST /api/ideas/answer. The view hands them URL templates, bounds and strings.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import format_number
from sqlalchemy import func, select

from app.api.export import EXPORT_FORMATS
from app.auth import role_required, signed_in_user
from app.categories import CATEGORY_BY_SLUG, KINDS, SOURCES, STATUSES, categories_as_json
from app.common import limits
from app.db import get_session
from app.layers import params
from app.models import District
from app.planner import bp
from app.planner.views import area_bounds, page_settings
from app.planner.workspace_strings import workspace_strings
from app.planning.enums import SOURCE_LABELS
from app.planning.imports import MAX_IMPORT_FEATURES
from app.planning.moderation_queue import queue
from app.urls import url_templates
from geo.crs import SWEREF99TM, WGS84

# The URLs the workspace's scripts use: their name in `settings.urls` -> the Flask endpoint.
WORKSPACE_URLS = {
    "ideas": "api.list_ideas",
    "mapPins": "api.map_clusters",
    "clusters": "api.cluster_layer_view",
    "districtLayer": "api.district_layer_view",
    "hexgrid": "api.hexgrid_layer_view",
    "answer": "api.answer_ideas",
    "import": "api.import_ideas",
    "templates": "api.list_answer_templates",
    "export": "api.export",
    "report": "reports.report",
    "ideaPage": "planner.idea_page",
    "area": "api.area",
    "districts": "api.districts",
}

# The city centre at a zoom that shows the town and its nearest districts.
WORKSPACE_CENTER = [63.8258, 20.2630]
WORKSPACE_ZOOM = 11


def _layer_settings() -> dict[str, Any]:
    """The layer parameters' defaults and bounds, as the server checks them."""
    return {
        "eps": {"default": params.DEFAULT_EPS, "min": params.MIN_EPS, "max": params.MAX_EPS},
        "min_points": {
            "default": params.DEFAULT_MIN_POINTS,
            "min": params.MIN_MIN_POINTS,
            "max": params.MAX_MIN_POINTS,
        },
        "size": {
            "default": params.DEFAULT_HEX_SIZE,
            "min": params.MIN_HEX_SIZE,
            "max": params.MAX_HEX_SIZE,
        },
    }


def _districts() -> tuple[list[tuple[str, str]], bool]:
    """Every district's code and name, by name (the district filter); whether any is peopled.

    Without a district's population there are no pins per 1,000 residents, and the districts
    the app ships with have none (`flask districts population` adds them). Peopled as the rate
    counts it (geo.aggregate: none for a population of 0), as the report's table does.
    """
    peopled = func.coalesce(District.population > 0, False).label("peopled")
    rows = (
        get_session()
        .execute(select(District.code, District.name, peopled).order_by(District.name))
        .all()
    )
    return [(row.code, row.name) for row in rows], any(row.peopled for row in rows)


def _waiting_count() -> int | None:
    """How many pins wait for a moderator (one indexed count), or None for a planner."""
    user = signed_in_user()
    if user is None or not user.can("moderator"):
        return None
    return int(queue(get_session(), 0)["total"])


@bp.get("/planner")
@role_required("planner")
def workspace() -> str:
    """The workspace: layers, district table, selection with "answer all", exports."""
    settings = page_settings(
        tileUrl=current_app.config["TILE_URL"],
        tileAttribution=current_app.config["TILE_ATTRIBUTION"],
        center=WORKSPACE_CENTER,
        zoom=WORKSPACE_ZOOM,
        bounds=area_bounds(),
        urls=url_templates(WORKSPACE_URLS),
        layers=_layer_settings(),
        exports={name: list(formats) for name, formats in EXPORT_FORMATS.items()},
        crs=[WGS84, SWEREF99TM],
        bulkMax=limits.BULK_ANSWER_MAX_IDS,
        wordsMax=limits.PIN_WORDS.max,
        importMaxBytes=current_app.config["IMPORT_MAX_BYTES"],
        kinds={k: str(v) for k, v in KINDS.items()},
        statuses={k: str(v) for k, v in STATUSES.items()},
        categories=categories_as_json(),
        sources=list(SOURCES),
        strings=workspace_strings(),
    )
    districts, population_known = _districts()
    return render_template(
        "planner/workspace.html",
        districts=districts,
        population_known=population_known,
        sources=SOURCE_LABELS,
        waiting=_waiting_count(),
        layer_bounds=_layer_settings(),
        export_formats=EXPORT_FORMATS,
        import_max=format_number(MAX_IMPORT_FEATURES),
        # The values an imported file's kind and category must take, as the server checks them.
        import_kinds=", ".join(KINDS),
        import_categories=", ".join(CATEGORY_BY_SLUG),
        words_max=limits.PIN_WORDS.max,
        page_settings=settings,
    )
