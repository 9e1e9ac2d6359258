"""Planners' API: pins, many pins, history, notes, answer templates; accounts for admins.

Every route here needs a signed-in planner (401 without, 403 for a role without the right).
"""

from __future__ import annotations

from flask import Response, jsonify

from app.api import bp
from app.api.body import json_body
from app.area import configured_area
from app.auth import require_role, role_required
from app.db import get_session
from app.planning.accounts import all_users, update_user, user_as_json
from app.planning.answer_templates import (
    all_templates,
    parse_template,
    remove_template,
    save_template,
)
from app.planning.bulk import answer_many, parse_bulk_answer
from app.planning.history import history_of
from app.planning.imports import import_pins, parse_import
from app.planning.notes import add_note, notes_of, parse_note
from app.planning.pins import apply_changes, parse_changes, staff_pin
from app.request import body_limit


@bp.patch("/api/ideas/<id:idea_id>")
@role_required("planner")
def update_idea(idea_id: int) -> Response:
    """Status, answer, answer_en, category, duplicate_of; a moderator also visibility."""
    user = require_role("planner")
    changes = parse_changes(json_body(), user.role)
    session = get_session()
    done = apply_changes(session, idea_id, changes, user.id, user.role)
    session.commit()
    return jsonify({**staff_pin(session, idea_id), "changed": done})


@bp.post("/api/ideas/answer")
@role_required("planner")
@body_limit("BULK_ANSWER_MAX_BYTES")
def answer_ideas() -> Response:
    """The same status and answer for many public pins, in one transaction, or none."""
    user = require_role("planner")
    bulk = parse_bulk_answer(json_body())
    session = get_session()
    rows = answer_many(session, bulk, user.id)
    session.commit()
    return jsonify({"updated": len(bulk.ids), "ids": list(bulk.ids), "history_rows": rows})


@bp.post("/api/ideas/import")
@role_required("planner")
@body_limit("IMPORT_MAX_BYTES")
def import_ideas() -> tuple[Response, int]:
    """Pins from a GeoJSON FeatureCollection (paper forms, a file): all stored, or none.

    201 `{"created", "held", "ids"}`, the ids in the order of the features.
    """
    session = get_session()
    pins = parse_import(session, json_body(), configured_area())
    stored = import_pins(session, pins)
    session.commit()
    return jsonify({"created": len(stored.ids), "held": stored.held, "ids": stored.ids}), 201


@bp.get("/api/ideas/<id:idea_id>/history")
@role_required("planner")
def idea_history(idea_id: int) -> Response:
    """Every change to the pin, oldest first: who (or "system"), when, what, from, to, why."""
    session = get_session()
    staff_pin(session, idea_id)  # NotFound for no such pin
    return jsonify({"id": idea_id, "history": history_of(session, idea_id)})


@bp.get("/api/ideas/<id:idea_id>/notes")
@role_required("planner")
def idea_notes(idea_id: int) -> Response:
    """The pin's internal notes (staff only)."""
    session = get_session()
    staff_pin(session, idea_id)
    return jsonify({"id": idea_id, "notes": notes_of(session, idea_id)})


@bp.post("/api/ideas/<id:idea_id>/notes")
@role_required("planner")
def add_idea_note(idea_id: int) -> tuple[Response, int]:
    """Add an internal note: 201 with the note."""
    user = require_role("planner")
    body = parse_note(json_body())
    session = get_session()
    note = add_note(session, idea_id, user.id, body)
    session.commit()
    return jsonify(note), 201


@bp.get("/api/answer-templates")
@role_required("planner")
def list_answer_templates() -> Response:
    """One answer template per status (`answer` null where none is written yet)."""
    return jsonify(all_templates(get_session()))


@bp.put("/api/answer-templates/<status>")
@role_required("planner")
def put_answer_template(status: str) -> Response:
    """Write the template of a status."""
    user = require_role("planner")
    answer, answer_en = parse_template(json_body())
    session = get_session()
    template = save_template(session, status, answer, answer_en, user.id)
    session.commit()
    return jsonify(template)


@bp.delete("/api/answer-templates/<status>")
@role_required("planner")
def delete_answer_template(status: str) -> tuple[str, int]:
    """Remove the template of a status: 204, also when it had none (a second click)."""
    require_role("planner")
    session = get_session()
    remove_template(session, status)
    session.commit()
    return "", 204


@bp.get("/api/users")
@role_required("admin")
def list_users() -> Response:
    """Every staff account: address, role, whether disabled, last sign-in."""
    return jsonify([user_as_json(user) for user in all_users(get_session())])


@bp.patch("/api/users/<id:user_id>")
@role_required("admin")
def update_user_account(user_id: int) -> Response:
    """Change another account's role, or disable (ending its sessions) or enable it."""
    admin = require_role("admin")
    session = get_session()
    user = update_user(session, user_id, json_body(), admin.id)
    session.commit()
    return jsonify(user_as_json(user))
