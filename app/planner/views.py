"""The planners' pages.

They read through the planning services and write through the JSON API (their forms are sent
by static/js/planner/api-forms.js), so a page and the workspace change a pin the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import format_datetime, get_locale
from sqlalchemy import select

from app.area import configured_area
from app.auth import role_required, signed_in_user
from app.db import get_session
from app.ideas.queries import is_public_pin
from app.ideas.similar import NEAR_M as SIMILAR_NEAR_M
from app.ideas.similar import possible_duplicates
from app.models import Idea
from app.planner import bp
from app.planner.js_strings import js_strings
from app.planning.accounts import all_users, user_as_json
from app.planning.answer_templates import all_templates
from app.planning.enums import (
    FLAG_REASONS,
    HISTORY_ACTIONS,
    ROLES,
    SOURCE_LABELS,
    VISIBILITY_LABELS,
)
from app.planning.history import history_of
from app.planning.moderation_queue import queue
from app.planning.notes import notes_of
from app.planning.pins import staff_pin
from app.planning.reports import reports_of
from app.planning.wordlist import all_words

QUEUE_PAGE_SIZE = 200
PIN_PAGE_ZOOM = 16


def page_settings(**extra: Any) -> dict[str, Any]:
    """What every planner page's scripts need: language, strings, the signed-in role."""
    user = signed_in_user()
    # Every page can send its planner back to sign in (workspace-sign-in.js).
    urls = {"login": url_for("planner.login_form"), **extra.pop("urls", {})}
    return {
        "locale": str(get_locale()),
        "role": user.role if user else None,
        "strings": js_strings(),
        "urls": urls,
        **extra,
    }


def area_bounds() -> list[list[float]]:
    """The box around the municipality as Leaflet bounds ([[south, west], [north, east]])."""
    min_lon, min_lat, max_lon, max_lat = configured_area().bounds
    return [[min_lat, min_lon], [max_lat, max_lon]]


@bp.app_context_processor
def inject_planning_labels() -> dict[str, Any]:
    """Label tables the planner templates use."""
    return {
        "FLAG_REASONS": FLAG_REASONS,
        "HISTORY_ACTIONS": HISTORY_ACTIONS,
        "ROLES": ROLES,
        "SOURCE_LABELS": SOURCE_LABELS,
        "VISIBILITY_LABELS": VISIBILITY_LABELS,
    }


# "2026-12-05 12:44" in both languages: English's "short" is en_US's "12/5/26, 12:44 PM",
# which a Swedish colleague (or a British one) reads as another day.
INSTANT_PATTERN = "yyyy-MM-dd HH:mm"


@bp.app_template_filter("instant")
def instant(value: str | datetime | None) -> str:
    """An instant (RFC 3339 text or a datetime) as "2026-12-05 12:44" in Umeå's time zone.

    The zone is Flask-Babel's BABEL_DEFAULT_TIMEZONE, as every page shows times.
    """
    if value is None:
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return str(format_datetime(when, INSTANT_PATTERN))


@bp.get("/planner/moderation")
@role_required("moderator")
def moderation_queue() -> str:
    """Held and reported pins, the longest waiting first, each one click from its page."""
    found = queue(get_session(), QUEUE_PAGE_SIZE)
    return render_template("planner/queue.html", queue=found, page_settings=page_settings())


@bp.get("/planner/ideas/<id:idea_id>")
@role_required("planner")
def idea_page(idea_id: int) -> str:
    """One pin for staff: text, place, status, answer, history, notes, reports, moderation."""
    session = get_session()
    pin = staff_pin(session, idea_id)
    duplicates = session.execute(
        select(Idea.id, Idea.title).where(Idea.duplicate_of == idea_id).order_by(Idea.id)
    ).all()
    original = None
    if pin["duplicate_of"] is not None:
        original = session.execute(
            select(Idea.id, Idea.title).where(Idea.id == pin["duplicate_of"])
        ).first()
    is_public = is_public_pin(session, idea_id)
    candidates = possible_duplicates(session, idea_id, pin["lon"], pin["lat"], pin["title"])
    templates = all_templates(session)
    settings = page_settings(
        tileUrl=current_app.config["TILE_URL"],
        tileAttribution=current_app.config["TILE_ATTRIBUTION"],
        center=[pin["lat"], pin["lon"]],
        zoom=PIN_PAGE_ZOOM,
        bounds=area_bounds(),
        pin={"kind": pin["kind"], "category": pin["category"], "title": pin["title"]},
        templates={t["status"]: t for t in templates if t["answer"]},
    )
    return render_template(
        "planner/idea.html",
        pin=pin,
        is_public=is_public,
        original=original,
        duplicates=duplicates,
        candidates=candidates,
        near_m=SIMILAR_NEAR_M,
        history=history_of(session, idea_id),
        notes=notes_of(session, idea_id),
        reports=reports_of(session, idea_id),
        templates=templates,
        page_settings=settings,
    )


@bp.get("/planner/moderation/words")
@role_required("moderator")
def word_list() -> str:
    """The word list that holds new pins for review, with a form to add and remove words."""
    return render_template(
        "planner/words.html", words=all_words(get_session()), page_settings=page_settings()
    )


@bp.get("/planner/templates")
@role_required("planner")
def answer_templates() -> str:
    """The answer templates, one per status, to edit."""
    return render_template(
        "planner/answer_templates.html",
        templates=all_templates(get_session()),
        page_settings=page_settings(),
    )


@bp.get("/planner/users")
@role_required("admin")
def users() -> str:
    """The staff accounts, with their role and a way to disable or enable each."""
    user = signed_in_user()
    return render_template(
        "planner/users.html",
        users=[user_as_json(u) for u in all_users(get_session())],
        me=user.id if user else None,
        page_settings=page_settings(),
    )
