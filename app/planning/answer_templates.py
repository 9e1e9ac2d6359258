"""Answer templates: per planning status, the answer planners start from (Swedish, English)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.categories import STATUSES
from app.common import limits
from app.common.errors import NotFound
from app.common.text import clean_text
from app.common.times import instant_text
from app.models import AnswerTemplate, User
from app.planning.payloads import json_object
from geo.i18n import N_


def check_status(status: str) -> str:
    """A status that can have a template; NotFound for anything else (it is a path segment)."""
    if status not in STATUSES:
        raise NotFound(N_("There is no status %(status)s."), field="status", status=status[:40])
    return status


def parse_template(payload: Any) -> tuple[str, str | None]:
    """`{"answer", "answer_en"?}`: the Swedish answer and optionally the English one."""
    body = json_object(payload, ("answer", "answer_en"))
    answer = clean_text(body.get("answer"), "answer", limits.ANSWER, multiline=True, required=True)
    assert answer is not None
    answer_en = clean_text(body.get("answer_en"), "answer_en", limits.ANSWER, multiline=True)
    return answer, answer_en


def save_template(
    session: Session, status: str, answer: str, answer_en: str | None, user_id: int
) -> dict[str, Any]:
    """Create or replace the template of a status; the caller commits."""
    stmt = insert(AnswerTemplate).values(
        status=check_status(status), answer=answer, answer_en=answer_en, updated_by=user_id
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["status"],
            set_={
                "answer": stmt.excluded.answer,
                "answer_en": stmt.excluded.answer_en,
                "updated_by": stmt.excluded.updated_by,
                "updated_at": func.now(),
            },
        )
    )
    return next(t for t in all_templates(session) if t["status"] == status)


def remove_template(session: Session, status: str) -> None:
    """Remove the template of a status (none there: nothing to do); the caller commits."""
    session.execute(delete(AnswerTemplate).where(AnswerTemplate.status == check_status(status)))


def all_templates(session: Session) -> list[dict[str, Any]]:
    """One entry per status, in the statuses' order; `answer` None where there is no template."""
    rows = {
        row.status: row
        for row in session.execute(
            select(
                AnswerTemplate.status,
                AnswerTemplate.answer,
                AnswerTemplate.answer_en,
                AnswerTemplate.updated_at,
                User.email,
            ).outerjoin(User, User.id == AnswerTemplate.updated_by)
        )
    }
    templates = []
    for status, label in STATUSES.items():
        row = rows.get(status)
        templates.append(
            {
                "status": status,
                "status_label": str(label),
                "answer": row.answer if row else None,
                "answer_en": row.answer_en if row else None,
                "updated_by": row.email if row else None,
                "updated_at": instant_text(row.updated_at) if row else None,
            }
        )
    return templates
