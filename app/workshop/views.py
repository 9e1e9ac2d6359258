"""The workshop pages: templates whose scripts talk to the workshop API.

The pages get their settings (strings, URL templates, palette, limits) in `data-settings`, as
the citizen map does.

Looking up a join code happens in the API only (`/api/workshops/by-code`, rate-limited), so no
page can be used to try codes without a limit.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from app.api.workshops.identity import current_actor
from app.auth import role_required, signed_in_user
from app.citizen.views import map_settings
from app.db import get_session
from app.models import Workshop
from app.supporters import supporter_token
from app.urls import url_templates
from app.workshop import bp
from app.workshop.js_strings import js_strings
from app.workshop.labels import WORKSHOP_STATES, summary_rows
from app.workshop.palette import palette_as_json
from app.workshops import results
from app.workshops.codes import JOIN_CODE_LENGTH, normalise_join_code
from app.workshops.queries import get_workshop, started_by
from app.workshops.setup import MAX_GROUPS

# The URLs the workshop pages' scripts use: their name in `settings.urls` -> the endpoint.
WORKSHOP_URLS = {
    "workshops": "api.create_workshop_view",
    "byCode": "api.find_workshop_by_code",
    "workshop": "api.get_workshop_view",
    "join": "api.join_workshop_view",
    "facilitatorSession": "api.facilitator_session",
    "state": "api.set_workshop_state",
    "view": "api.send_view",
    "follow": "api.set_follow",
    "endsAt": "api.set_workshop_end",
    "joins": "api.set_joins_open",
    "joinCode": "api.change_join_code",
    "annotations": "api.annotations",
    "annotation": "api.annotation",
    "hidden": "api.hide_annotation",
    "undo": "api.undo_last",
    "events": "api.workshop_events",
    "presence": "api.workshop_presence_departed",
    "promote": "api.promote_annotations",
    "export": "api.export_workshop",
    "area": "api.area",
    "districts": "api.districts",
    "ideaPage": "citizen.idea_page",
    "mapPage": "workshop.participant_map",
    "facilitatePage": "workshop.facilitate",
    "participants": "api.list_participants",
    "participantRemoved": "api.set_participant_removed",
}


def page_settings(page: str, workshop: Workshop | None = None, **extra: Any) -> dict[str, Any]:
    """What a workshop page's scripts need: the map's settings plus the workshop's own."""
    settings = map_settings()
    settings.update(
        page=page,
        workshopId=None if workshop is None else workshop.id,
        urls=url_templates(WORKSHOP_URLS),
        strings=js_strings(),
        palette=palette_as_json(),
        maxGroups=MAX_GROUPS,
        **extra,
    )
    return settings


@bp.context_processor
def inject_workshop_labels() -> dict[str, Any]:
    """The palette and the workshop states' labels, for the workshop templates."""
    return {"palette": palette_as_json(), "WORKSHOP_STATES": WORKSHOP_STATES}


@bp.after_request
def issue_supporter_id(response: WerkzeugResponse) -> WerkzeugResponse:
    """Each browser gets its signed supporter id on its first page (as on the citizen pages).

    Joining is rate-limited per person: a class joining from one address is 30 people.
    """
    if request.method == "GET" and response.mimetype == "text/html":
        supporter_token()
    return response


@bp.get("/workshops/new")
def new_workshop() -> str:
    """The form to start a workshop; on success its code, links and QR code."""
    return render_template("workshop/new.html", page_settings=page_settings("new"))


@bp.get("/join")
def join_form() -> str | tuple[str, int] | WerkzeugResponse:
    """Type the code read aloud; `?code=` goes on to the join link (works without scripts)."""
    raw = request.args.get("code")
    if raw is None:
        return render_template("workshop/join_form.html")
    code = normalise_join_code(raw)
    if code is None:
        return render_template("workshop/join_form.html", invalid=raw[:40]), 422
    return redirect(url_for("workshop.join_code", code=code), code=303)


@bp.get("/w/<code>")
def join_code(code: str) -> str | tuple[str, int]:
    """The join link (in the QR code): display name and group, then the map."""
    normalised = normalise_join_code(code) if len(code) <= 2 * JOIN_CODE_LENGTH else None
    if normalised is None:
        return render_template("workshop/join_form.html", invalid=code[:40]), 404
    return render_template(
        "workshop/join.html", code=normalised, page_settings=page_settings("join", code=normalised)
    )


@bp.get("/workshops/<id:workshop_id>")
def participant_map(workshop_id: int) -> str:
    """The shared map a participant draws on."""
    workshop = get_workshop(get_session(), workshop_id)
    return render_template(
        "workshop/map.html",
        workshop=workshop,
        page_settings=page_settings("participant", workshop),
    )


@bp.get("/workshops/<id:workshop_id>/facilitate")
def facilitate(workshop_id: int) -> str:
    """The facilitator's view: the map and the controls.

    The secret link's key rides in the fragment, which no server sees; the page's script
    exchanges it for the facilitator cookie.
    """
    workshop = get_workshop(get_session(), workshop_id)
    return render_template(
        "workshop/facilitate.html",
        workshop=workshop,
        page_settings=page_settings("facilitator", workshop),
    )


@bp.get("/workshops/<id:workshop_id>/projector")
def projector(workshop_id: int) -> str:
    """Full-screen map for the wall: everyone's drawings, the join code and QR code."""
    workshop = get_workshop(get_session(), workshop_id)
    return render_template(
        "workshop/projector.html",
        workshop=workshop,
        page_settings=page_settings("projector", workshop),
    )


@bp.get("/workshops/<id:workshop_id>/summary")
def summary(workshop_id: int) -> str:
    """Counts by type, group and category, and the map of the results (for members)."""
    session = get_session()
    workshop = get_workshop(session, workshop_id)
    actor = current_actor(session, workshop_id)
    counts = results.summary(session, workshop_id) if actor.member else None
    return render_template(
        "workshop/summary.html",
        workshop=workshop,
        counts=counts,
        rows=None if counts is None else summary_rows(counts),
        facilitator=actor.facilitator,
        page_settings=page_settings("summary", workshop, member=actor.member),
    )


@bp.get("/planner/workshops")
@role_required("planner")
def my_workshops() -> str:
    """The workshops the signed-in planner started, each one click from its controls."""
    user = signed_in_user()
    assert user is not None
    return render_template("workshop/mine.html", workshops=started_by(get_session(), user.id))
