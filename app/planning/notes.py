"""Internal notes on a pin: staff only, append-only, in no public path or export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.common import limits
from app.common.errors import NotFound
from app.common.text import clean_text
from app.common.times import instant_text
from app.models import Idea, IdeaNote, User
from app.planning.payloads import json_object
from geo.i18n import N_


def parse_note(payload: Any) -> str:
    """`{"body"}`: the note's text."""
    text = json_object(payload, ("body",)).get("body")
    body = clean_text(text, "body", limits.STAFF_NOTE, multiline=True, required=True)
    assert body is not None
    return body


def add_note(session: Session, idea_id: int, user_id: int, body: str) -> dict[str, Any]:
    """Add a note to a pin (of any visibility); the caller commits."""
    if session.get(Idea, idea_id) is None:
        raise NotFound(N_("No such pin."), field="id")
    note_id = session.execute(
        insert(IdeaNote).values(idea_id=idea_id, user_id=user_id, body=body).returning(IdeaNote.id)
    ).scalar_one()
    return next(n for n in notes_of(session, idea_id) if n["id"] == note_id)


def notes_of(session: Session, idea_id: int) -> list[dict[str, Any]]:
    """A pin's notes, oldest first, with who wrote each."""
    rows = session.execute(
        select(IdeaNote.id, IdeaNote.body, IdeaNote.created_at, User.email)
        .join(User, User.id == IdeaNote.user_id)
        .where(IdeaNote.idea_id == idea_id)
        .order_by(IdeaNote.created_at, IdeaNote.id)
    )
    return [
        {"id": row.id, "body": row.body, "by": row.email, "at": instant_text(row.created_at)}
        for row in rows
    ]
