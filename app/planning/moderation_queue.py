"""The moderators' queue: held pins and pins with open reports, the longest waiting first."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, case, func, select, union
from sqlalchemy.orm import Session

from app.common.times import instant_text
from app.models import Flag, Idea, IdeaHistory

HOLD_ACTIONS = ("hold", "hold_words", "hold_reports")


def last_hold_at() -> Any:
    """When the pin of the enclosing query was last held, as a correlated subquery."""
    return (
        select(func.max(IdeaHistory.created_at))
        .where(IdeaHistory.idea_id == Idea.id, IdeaHistory.action.in_(HOLD_ACTIONS))
        .scalar_subquery()
    )


def last_hold() -> Any:
    """Why the held pin of the enclosing query was last held: {action, reason} (JSON), or NULL."""
    return (
        select(func.jsonb_build_object("action", IdeaHistory.action, "reason", IdeaHistory.reason))
        .where(IdeaHistory.idea_id == Idea.id, IdeaHistory.action.in_(HOLD_ACTIONS))
        .order_by(IdeaHistory.created_at.desc(), IdeaHistory.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def held_because(hold: dict[str, Any] | None) -> str | None:
    """A held pin's last hold in the reader's words: "Word list: idiot", or None."""
    if not hold:
        return None
    reason = hold.get("reason")
    if hold.get("action") == "hold_words":
        return gettext("Word list: %(word)s", word=reason)
    if hold.get("action") == "hold_reports":
        return gettext("Held automatically after reports")
    if reason:
        return gettext("Held by a moderator: %(reason)s", reason=reason)
    return gettext("Held by a moderator")


def queue_rows() -> Select[Any]:
    """Held pins and pins with open reports, the longest waiting first.

    A pin waits from its first open report or from when it was held, whichever came first.
    The candidates come from two small indexed sets (held pins, open reports), so the queue
    costs the same however many published pins there are.
    """
    queued = union(
        select(Idea.id.label("idea_id")).where(Idea.visibility == "held"),
        select(Flag.idea_id).where(Flag.resolved_at.is_(None)),
    ).subquery("queued")
    reports = (
        select(
            Flag.idea_id,
            func.count().label("report_count"),
            func.min(Flag.created_at).label("first_report_at"),
        )
        .where(Flag.resolved_at.is_(None))
        .group_by(Flag.idea_id)
        .subquery()
    )
    reasons = (
        select(Flag.idea_id, Flag.reason, func.count().label("n"))
        .where(Flag.resolved_at.is_(None))
        .group_by(Flag.idea_id, Flag.reason)
        .subquery()
    )
    reason_counts = (
        select(func.jsonb_object_agg(reasons.c.reason, reasons.c.n))
        .where(reasons.c.idea_id == Idea.id)
        .scalar_subquery()
    )
    held_since = func.coalesce(last_hold_at(), Idea.created_at)
    # LEAST ignores NULLs: a published pin waits from its first open report only.
    waiting_since = func.least(
        reports.c.first_report_at, case((Idea.visibility == "held", held_since), else_=None)
    )
    return (
        select(
            Idea.id,
            Idea.kind,
            Idea.category,
            Idea.title,
            Idea.visibility,
            Idea.status,
            Idea.created_at,
            func.coalesce(reports.c.report_count, 0).label("report_count"),
            func.coalesce(reason_counts, func.jsonb_build_object()).label("reasons"),
            waiting_since.label("waiting_since"),
            case((Idea.visibility == "held", last_hold()), else_=None).label("hold"),
        )
        .select_from(queued)
        .join(Idea, Idea.id == queued.c.idea_id)
        .outerjoin(reports, reports.c.idea_id == Idea.id)
        .where(Idea.visibility != "withdrawn")
        .order_by(waiting_since, Idea.id)
    )


def queue(session: Session, limit: int) -> dict[str, Any]:
    """The first `limit` pins of the queue and how many there are in all."""
    rows = session.execute(queue_rows().limit(limit)).all()
    total = session.execute(
        select(func.count()).select_from(queue_rows().order_by(None).subquery())
    ).scalar_one()
    return {
        "total": total,
        "items": [
            {
                "id": row.id,
                "kind": row.kind,
                "category": row.category,
                "title": row.title,
                "visibility": row.visibility,
                "status": row.status,
                "created_at": instant_text(row.created_at),
                "waiting_since": instant_text(row.waiting_since),
                "report_count": row.report_count,
                "reasons": row.reasons,
                "held_because": held_because(row.hold),
            }
            for row in rows
        ],
    }
