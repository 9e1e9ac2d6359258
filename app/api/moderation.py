"""Reports from citizens, and the moderators' API: queue, redaction, word list."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from app.api import bp
from app.api.body import json_body
from app.auth import require_role, role_required
from app.db import get_session
from app.ideas.filters import parse_int
from app.planning.moderation_queue import queue
from app.planning.pins import staff_pin
from app.planning.redaction import parse_redaction, redact
from app.planning.reports import Reporter, add_flag, parse_flag
from app.planning.wordlist import add_word, all_words, delete_word
from app.ratelimit import flag_limits
from app.supporters import current_network_id, current_supporter_id

QUEUE_DEFAULT = 100
QUEUE_MAX = 500


@bp.post("/api/ideas/<id:idea_id>/flag")
@flag_limits
def flag_idea(idea_id: int) -> tuple[Response, int]:
    """Report a published pin: once per person (the signed supporter id), 201 then 409."""
    flag = parse_flag(json_body())
    session = get_session()
    add_flag(
        session,
        idea_id,
        Reporter(current_supporter_id(), current_network_id()),
        flag,
        hold_threshold=int(current_app.config["FLAG_HOLD_THRESHOLD"]),
    )
    session.commit()
    return jsonify({"id": idea_id, "reported": True}), 201


@bp.get("/api/moderation/queue")
@role_required("moderator")
def moderation_queue() -> Response:
    """Held and reported pins, the longest waiting first, with report counts and reasons."""
    limit = parse_int(request.args, "limit", QUEUE_DEFAULT, 1, QUEUE_MAX)
    return jsonify(queue(get_session(), limit))


@bp.post("/api/ideas/<id:idea_id>/redact")
@role_required("moderator")
def redact_idea(idea_id: int) -> Response:
    """Take personal details out of the title or body; the original stays in the history only."""
    user = require_role("moderator")
    redaction = parse_redaction(json_body())
    session = get_session()
    done = redact(session, idea_id, redaction, user.id)
    session.commit()
    return jsonify({**staff_pin(session, idea_id), "changed": done})


@bp.get("/api/moderation/words")
@role_required("moderator")
def list_words() -> Response:
    """The word list."""
    return jsonify(all_words(get_session()))


@bp.post("/api/moderation/words")
@role_required("moderator")
def add_to_word_list() -> tuple[Response, int]:
    """Add a word or phrase: 201, or 409 when it is listed already."""
    user = require_role("moderator")
    body = json_body()
    session = get_session()
    word = add_word(session, body.get("word") if isinstance(body, dict) else None, user.id)
    session.commit()
    return jsonify(word), 201


@bp.delete("/api/moderation/words/<id:word_id>")
@role_required("moderator")
def remove_from_word_list(word_id: int) -> tuple[str, int]:
    """Remove an entry: 204."""
    session = get_session()
    delete_word(session, word_id)
    session.commit()
    return "", 204
