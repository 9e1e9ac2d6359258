"""Answering many pins at once (a cluster, a district): all of them in one transaction, or none.

Set-based, whatever the number of pins: one locking SELECT finds which of the ids are public,
then one statement updates them all and appends their history rows (an UPDATE ... RETURNING
the old values, feeding an INSERT ... SELECT), so a few thousand pins cost two round trips.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, any_, bindparam, func, insert, literal, select, union_all, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.common import limits
from app.common.errors import InvalidField, NotFound
from app.common.text import clean_text
from app.ideas.queries import published_ideas
from app.models import Idea, IdeaHistory
from app.planning.payloads import json_object, parse_id, parse_status
from geo.i18n import N_


@dataclass(frozen=True)
class BulkAnswer:
    """The same status and answer for many pins."""

    ids: tuple[int, ...]
    status: str
    answer: str
    answer_en: str | None


def parse_bulk_answer(payload: Any) -> BulkAnswer:
    """`{"ids", "status", "answer", "answer_en"?}`: 1 to BULK_ANSWER_MAX_IDS pin ids."""
    body = json_object(payload, ("ids", "status", "answer", "answer_en"))
    ids = body.get("ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= limits.BULK_ANSWER_MAX_IDS:
        raise InvalidField(
            N_("ids must be a list of 1 to %(n)s pin ids."),
            field="ids",
            code="invalid_ids",
            n=limits.BULK_ANSWER_MAX_IDS,
        )
    unique = tuple(dict.fromkeys(parse_id(value, "ids") for value in ids))
    status = parse_status(body.get("status"))
    answer = clean_text(body.get("answer"), "answer", limits.ANSWER, multiline=True, required=True)
    assert answer is not None
    answer_en = clean_text(body.get("answer_en"), "answer_en", limits.ANSWER, multiline=True)
    return BulkAnswer(unique, status, answer, answer_en)


def answer_many(session: Session, bulk: BulkAnswer, user_id: int) -> int:
    """Set status and answer on every pin, each with its history rows; the caller commits.

    NotFound naming the first id that is missing or not public: then nothing is changed.
    Returns the number of history rows written.
    """
    ids = bindparam("ids", list(bulk.ids), type_=ARRAY(BigInteger))
    # Locked in id order, so two bulk answers over the same pins cannot deadlock.
    public = session.execute(
        published_ideas()
        .with_only_columns(Idea.id)
        .where(Idea.id == any_(ids))
        .order_by(Idea.id)
        .with_for_update()
    ).scalars()
    found = set(public)
    missing = next((i for i in bulk.ids if i not in found), None)
    if missing is not None:
        raise NotFound(
            N_("Pin %(id)d does not exist or is not public: no pin was changed."),
            field="ids",
            code="not_found",
            id=missing,
        )
    old = (
        select(Idea.id, Idea.status, Idea.answer, Idea.answer_en)
        .where(Idea.id == any_(ids))
        .cte("old")
    )
    changed = (
        update(Idea)
        .where(Idea.id == old.c.id)
        .values(
            status=bulk.status,
            answer=bulk.answer,
            answer_en=bulk.answer_en,
            answered_at=func.now(),
        )
        .returning(
            Idea.id,
            old.c.status.label("old_status"),
            old.c.answer.label("old_answer"),
            old.c.answer_en.label("old_answer_en"),
        )
        .cte("changed")
    )
    history = union_all(
        *(
            select(
                changed.c.id,
                literal(user_id),
                literal(action),
                changed.c[old_column],
                literal(new, type_=IdeaHistory.to_value.type),
            ).where(changed.c[old_column].is_distinct_from(literal(new, IdeaHistory.to_value.type)))
            for action, old_column, new in (
                ("status", "old_status", bulk.status),
                ("answer", "old_answer", bulk.answer),
                ("answer_en", "old_answer_en", bulk.answer_en),
            )
        )
    )
    inserted = (
        insert(IdeaHistory)
        .from_select(["idea_id", "user_id", "action", "from_value", "to_value"], history)
        .returning(IdeaHistory.id)
        .cte("inserted")
    )
    return int(session.execute(select(func.count()).select_from(inserted)).scalar_one())
