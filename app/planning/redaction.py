"""Redaction: a moderator rewords a pin's title or body without its personal details.

The original stays only in the pin's history (staff only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.common import limits
from app.common.errors import InvalidField, NotFound
from app.common.text import clean_text
from app.models import Idea
from app.planning.history import check_unchanged_since, parse_last_change_seen, record
from app.planning.payloads import json_object
from geo.i18n import N_


@dataclass(frozen=True)
class Redaction:
    """New wording of a pin's title and/or body, with why."""

    title: str | None
    body: str | None
    reason: str | None
    last_change_seen: int | None = None  # app.planning.history.check_unchanged_since


def parse_redaction(payload: Any) -> Redaction:
    """`{"title"?, "body"?, "reason"?, "last_change_seen"?}`: a new pin's limits for the text."""
    payload = json_object(payload, ("title", "body", "reason", "last_change_seen"))
    if "title" not in payload and "body" not in payload:
        raise InvalidField(
            N_("Send the title or the body, with the personal details taken out."),
            field="title",
            code="required",
        )
    title = (
        clean_text(payload["title"], "title", limits.TITLE, required=True)
        if "title" in payload
        else None
    )
    body = (
        clean_text(payload["body"], "body", limits.BODY, multiline=True) or ""
        if "body" in payload
        else None
    )
    reason = clean_text(payload.get("reason"), "reason", limits.REASON)
    return Redaction(title, body, reason, parse_last_change_seen(payload))


def redact(session: Session, idea_id: int, redaction: Redaction, user_id: int) -> list[str]:
    """Replace the pin's title and/or body; the original stays only in the history.

    Returns the history actions taken (none when the text was already so). The caller commits.
    """
    idea = session.get(Idea, idea_id, with_for_update=True)
    if idea is None:
        raise NotFound(N_("No such pin."), field="id")
    check_unchanged_since(session, idea_id, redaction.last_change_seen)
    why = redaction.reason
    done = []
    if redaction.title is not None and redaction.title != idea.title:
        record(session, idea_id, user_id, "redact_title", idea.title, redaction.title, why)
        idea.title = redaction.title
        done.append("redact_title")
    if redaction.body is not None and redaction.body != idea.body:
        record(session, idea_id, user_id, "redact_body", idea.body, redaction.body, why)
        idea.body = redaction.body
        done.append("redact_body")
    return done
