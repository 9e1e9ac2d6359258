"""Views of the public pages. The map page gets its settings as a `data-settings` attribute."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from werkzeug.wrappers import Response as WerkzeugResponse

from app.area import configured_area
from app.categories import CATEGORIES, CATEGORY_BY_SLUG, KINDS, STATUSES, categories_as_json
from app.citizen import bp
from app.citizen.js_strings import js_strings
from app.common import limits
from app.common.errors import Conflict, DomainError, InvalidField
from app.common.limits import limits_as_json
from app.common.map_strings import DATA_CREDIT
from app.db import get_session
from app.errors import translated
from app.ideas.filters import IdeaFilters, next_page_args, parse_filters
from app.ideas.queries import newest_first, public_idea_rows
from app.ideas.support import add_support, has_supported
from app.models import Idea
from app.planning.reports import Reporter, add_flag, parse_flag
from app.ratelimit import flag_limits, support_limits
from app.redirects import safe_local_target
from app.replica import public_read
from app.supporters import (
    current_network_id,
    current_supporter_id,
    known_supporter_id,
    supporter_token,
)
from app.urls import url_templates
from geo.errors import GeometryError

LIST_PAGE_SIZE = 50
# The filters of the form that the map and the list share (templates/_filters.html).
FORM_FILTERS = ("q", "kind", "category", "status")

# The URLs the map page's scripts use: their name in `settings.urls` -> the Flask endpoint.
MAP_URLS = {
    "ideas": "api.create_idea",
    "similarIdeas": "api.similar_ideas",
    "placeAt": "api.place_at",
    "idea": "api.get_idea",
    "support": "api.support_idea",
    "supported": "api.supported_by_me",
    "ideaPage": "citizen.idea_page",
    "myPins": "citizen.my_pins",
    "mapPins": "api.map_clusters",
    "places": "api.places",
    "area": "api.area",
    "districts": "api.districts",
}


@bp.app_context_processor
def inject_locale() -> dict[str, Any]:
    """Every template knows the page language and the label tables."""
    return {
        "current_locale": str(get_locale()),
        "KINDS": KINDS,
        "STATUSES": STATUSES,
        "CATEGORIES": CATEGORIES,
        "CATEGORY_BY_SLUG": CATEGORY_BY_SLUG,
        "CATEGORY_CHOICES": [(c.slug, c.label) for c in CATEGORIES],
        "DATA_CREDIT": DATA_CREDIT,
    }


def map_settings() -> dict[str, Any]:
    """What the map's scripts need: tiles, area, URL templates, input limits, labels."""
    min_lon, min_lat, max_lon, max_lat = configured_area().bounds
    return {
        "locale": str(get_locale()),
        "tileUrl": current_app.config["TILE_URL"],
        "tileAttribution": current_app.config["TILE_ATTRIBUTION"],
        "center": [63.8258, 20.2630],
        "zoom": 12,
        "bounds": [[min_lat, min_lon], [max_lat, max_lon]],
        "urls": url_templates(MAP_URLS),
        "categories": categories_as_json(),
        "kinds": {k: str(v) for k, v in KINDS.items()},
        "statuses": {k: str(v) for k, v in STATUSES.items()},
        "limits": limits_as_json(),
        "strings": js_strings(),
    }


@bp.after_request
def issue_supporter_id(response: WerkzeugResponse) -> WerkzeugResponse:
    """Every page gives a browser its signed supporter id before it first acts.

    So each pupil in a classroom is a person of their own from the first pin they drop,
    not one of many newcomers sharing the school's address.
    """
    if request.method == "GET" and response.mimetype == "text/html":
        supporter_token()
    return response


@bp.get("/")
@public_read
def index() -> str | tuple[str, int]:
    """The full-screen map, filtered as its address says (a link from the list keeps them)."""
    filters, valid = form_filters()
    html = render_template(
        "index.html",
        page_settings=map_settings(),
        filters=filters,
        invalid=not valid,
        list_args=form_filter_args() if valid else {},
        words_max=limits.PIN_WORDS.max,
    )
    return html if valid else (html, 422)


@bp.get("/list")
@public_read
def idea_list() -> str | tuple[str, int]:
    """The same pins as a list, with the same filters, for people who prefer no map."""
    filters, valid = form_filters()
    rows = (
        get_session()
        .execute(
            public_idea_rows(filters).order_by(newest_first(filters)).limit(LIST_PAGE_SIZE + 1)
        )
        .all()
    )
    next_url = None
    if len(rows) > LIST_PAGE_SIZE:
        rows = rows[:LIST_PAGE_SIZE]
        next_url = url_for("citizen.idea_list", **next_page_args(request.args, rows[-1].id))
    html = render_template(
        "list.html",
        rows=rows,
        filters=filters,
        next_url=next_url,
        invalid=not valid,
        map_args=form_filter_args() if valid else {},
        words_max=limits.PIN_WORDS.max,
    )
    return html if valid else (html, 422)


def form_filters() -> tuple[IdeaFilters, bool]:
    """The request's pin filters, or none and False when one is not valid (the page says so)."""
    try:
        return parse_filters(request.args), True
    except (DomainError, GeometryError):
        return IdeaFilters(), False


def form_filter_args() -> dict[str, str]:
    """The request's filters of the form the map and the list share, for a link to the other."""
    return {name: request.args[name] for name in FORM_FILTERS if request.args.get(name)}


@bp.get("/mine")
@public_read
def my_pins() -> str:
    """The pins this browser placed, as they are now.

    Their ids are kept by the browser alone: the page's script reads them from its storage and
    asks the public API, so nothing on the server links a pin to a person.
    """
    return render_template("mine.html", page_settings=map_settings())


@bp.get("/ideas/<id:idea_id>")
@public_read
def idea_page(idea_id: int) -> str:
    """One pin on its own page (a link to share), with a Support button needing no script."""
    return _pin_page(idea_id)


@dataclass(frozen=True)
class RefusedReport:
    """A report form sent back as it was filled in, with what to correct beside its field."""

    reason: str
    note: str
    field: str | None
    message: str


def _pin_page(idea_id: int, refused: RefusedReport | None = None) -> str:
    """The pin's page; with `refused`, its report form open as it was sent, the error shown."""
    session = get_session()
    row = session.execute(public_idea_rows(IdeaFilters()).where(Idea.id == idea_id)).first()
    if row is None:
        abort(404)
    supporter = known_supporter_id()
    supported = supporter is not None and has_supported(session, idea_id, supporter)
    return render_template("idea.html", idea=row, supported=supported, refused=refused)


@bp.post("/ideas/<id:idea_id>/support")
@support_limits
def support_from_page(idea_id: int) -> WerkzeugResponse:
    """The form version of +1 (CSRF token in the form): count once, then back to the pin."""
    session = get_session()
    try:
        add_support(session, idea_id, current_supporter_id())
    except Conflict:
        flash(gettext("You have already supported this pin."), "info")
    else:
        session.commit()
        flash(gettext("Thank you, your support was counted."), "success")
    return redirect(url_for("citizen.idea_page", idea_id=idea_id), code=303)


@bp.post("/ideas/<id:idea_id>/flag")
@flag_limits
def flag_from_page(idea_id: int) -> WerkzeugResponse | tuple[str, int]:
    """The form version of a report (CSRF token in the form): once per person, then back."""
    session = get_session()
    try:
        flag = parse_flag({"reason": request.form.get("reason"), "note": request.form.get("note")})
        held = add_flag(
            session,
            idea_id,
            Reporter(current_supporter_id(), current_network_id()),
            flag,
            hold_threshold=int(current_app.config["FLAG_HOLD_THRESHOLD"]),
        )
    except InvalidField as invalid:  # the form again as it was sent, the error beside its field
        session.rollback()
        refused = RefusedReport(
            reason=str(request.form.get("reason") or ""),
            note=str(request.form.get("note") or ""),
            field=invalid.field,
            message=translated(invalid.message, invalid.params),
        )
        return _pin_page(idea_id, refused), 422
    except Conflict as reported:  # reported before
        session.rollback()
        flash(translated(reported.message, reported.params), "info")
        target = url_for("citizen.idea_page", idea_id=idea_id, report=1, _anchor="report")
        return redirect(target, code=303)
    session.commit()
    if held:  # the pin is no longer public: its page would be a 404
        flash(
            gettext("Thank you. The pin is hidden until a moderator has looked at it."), "success"
        )
        return redirect(url_for("citizen.idea_list"), code=303)
    flash(gettext("Thank you. A moderator will look at the pin."), "success")
    return redirect(url_for("citizen.idea_page", idea_id=idea_id), code=303)


@bp.get("/lang/<code>")
def set_language(code: str) -> WerkzeugResponse:
    """Switch the UI language and go back where the person was."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(safe_local_target(request.args.get("next")))
    response.set_cookie(
        "lang",
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
    )
    return response
