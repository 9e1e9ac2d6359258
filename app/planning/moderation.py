"""Moderation: citizens' reports, the automatic hold, visibility changes, redaction, the queue.

A report is open until a moderator publishes, restores or hides the pin (or dismisses the
reports). Open reports from FLAG_HOLD_THRESHOLD different networks (keyed hashes of the
reporters' addresses: supporter ids cost nothing to mint) hold a published pin until a
moderator looks at it, unless a moderator has decided it stays public; then reports only
bring it to the queue. Every change is a history row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, bindparam, case, func, select, union, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.common import limits
from app.common.compiled_once import written_out
from app.common.errors import Conflict, InvalidField, NotFound
from app.common.text import clean_text
from app.common.times import instant_text
from app.ideas.queries import public_pin_id
from app.models import Flag, Idea, IdeaHistory
from app.planning.enums import FLAG_REASONS
from app.planning.history import check_unchanged_since, parse_last_change_seen, record
from app.planning.payloads import json_object
from geo.i18n import N_

HOLD_ACTIONS = ("hold", "hold_words", "hold_reports")


@dataclass(frozen=True)
class NewFlag:
    """A citizen's report, validated."""

    reason: str
    note: str | None


def parse_flag(payload: Any) -> NewFlag:
    """`{"reason", "note"}`: a reason from the list and an optional note."""
    payload = json_object(payload)
    reason = payload.get("reason")
    if not isinstance(reason, str) or reason not in FLAG_REASONS:
        raise InvalidField(
            N_("Choose a reason from the list."), field="reason", code="invalid_choice"
        )
    note = clean_text(payload.get("note"), "note", limits.FLAG_NOTE, multiline=True)
    return NewFlag(reason, note)


# A moderator's decision that the pin may be public: later reports no longer hold it (three
# fresh addresses could otherwise take it off the map again whenever they liked).
KEPT_PUBLIC = ("publish", "restore", "dismiss_reports")


def open_report_networks(idea_id: int) -> Any:
    """The networks a pin's open reports come from (reports before 0020: their supporters)."""
    return (
        select(func.count(func.coalesce(Flag.network_id, Flag.supporter_id).distinct()))
        .where(Flag.idea_id == idea_id, Flag.resolved_at.is_(None))
        .scalar_subquery()
    )


def kept_public_by_a_moderator(idea_id: int) -> Any:
    """Whether a moderator has published, restored or kept the pin (its reports dismissed)."""
    return (
        select(IdeaHistory.id)
        .where(
            IdeaHistory.idea_id == idea_id,
            IdeaHistory.action.in_(KEPT_PUBLIC),
            IdeaHistory.user_id.is_not(None),
        )
        .exists()
    )


def open_report_count(idea_id: Any) -> Any:
    """Open reports of a pin (an id, or a column to correlate with), as a scalar subquery."""
    return (
        select(func.count())
        .select_from(Flag)
        .where(Flag.idea_id == idea_id, Flag.resolved_at.is_(None))
        .scalar_subquery()
    )


# Once per supporter: a second report of the same pin inserts nothing and returns no row.
ADD_FLAG = written_out(
    insert(Flag)
    .values(
        idea_id=bindparam("idea_id"),
        supporter_id=bindparam("supporter_id"),
        network_id=bindparam("network_id"),
        reason=bindparam("reason"),
        note=bindparam("note"),
    )
    .on_conflict_do_nothing(constraint="flags_once_per_supporter")
    .returning(Flag.id)
)


@dataclass(frozen=True)
class Reporter:
    """Who reports: the supporter (once a pin) and the network (once towards the hold)."""

    supporter_id: str
    network_id: str


def add_flag(
    session: Session, idea_id: int, reporter: Reporter, flag: NewFlag, *, hold_threshold: int
) -> bool:
    """Record a report of a published pin; True when it made the pin held. The caller commits.

    NotFound for a pin that is not public, Conflict when this supporter reported it before.
    The pin's row is locked first, so concurrent reports are counted one after the other.
    """
    locked = session.execute(public_pin_id(idea_id).with_for_update()).first()
    if locked is None:
        raise NotFound(N_("No such pin."), field="id")
    inserted = session.execute(
        ADD_FLAG,
        {
            "idea_id": idea_id,
            "supporter_id": reporter.supporter_id,
            "network_id": reporter.network_id,
            "reason": flag.reason,
            "note": flag.note,
        },
    ).first()
    if inserted is None:
        raise Conflict(
            N_("You have already reported this pin."), code="already_reported", field="id"
        )
    networks, kept = session.execute(
        select(open_report_networks(idea_id), kept_public_by_a_moderator(idea_id))
    ).one()
    if networks < hold_threshold or kept:
        return False
    session.execute(update(Idea).where(Idea.id == idea_id).values(visibility="held"))
    # The count alone, language-neutral: history.reason_label words it for the reader.
    record(session, idea_id, None, "hold_reports", "published", "held", reason=str(networks))
    return True


def resolve_reports(session: Session, idea_id: int) -> int:
    """Close the pin's open reports (a moderator has looked at it); how many there were."""
    result = session.execute(
        update(Flag)
        .where(Flag.idea_id == idea_id, Flag.resolved_at.is_(None))
        .values(resolved_at=func.now())
        .returning(Flag.id)
    )
    return len(result.all())


def visibility_action(current: str, target: str, open_reports: int) -> str | None:
    """The history action of moving a pin from `current` to `target`; None when nothing to do."""
    if current == "withdrawn":
        raise Conflict(
            N_("Its author withdrew this pin; it cannot be moderated."),
            field="visibility",
            code="withdrawn",
        )
    if target == current:
        return "dismiss_reports" if target == "published" and open_reports else None
    if target == "published":
        return "restore" if current == "hidden" else "publish"
    return "hide" if target == "hidden" else "hold"


def change_visibility(
    session: Session, idea: Idea, target: str, user_id: int, reason: str | None
) -> str | None:
    """Publish, restore, hide or hold a (locked) pin; the history action taken, or None.

    Publishing, restoring and hiding close the pin's open reports: a moderator has decided.
    """
    if target == "hidden" and not reason:
        raise InvalidField(N_("Say why the pin is hidden."), field="reason", code="required")
    reports = session.execute(select(open_report_count(idea.id))).scalar_one()
    action = visibility_action(idea.visibility, target, reports)
    if action is None:
        return None
    if target in ("published", "hidden"):
        resolve_reports(session, idea.id)
    record(session, idea.id, user_id, action, idea.visibility, target, reason)
    idea.visibility = target
    return action


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


def reports_of(session: Session, idea_id: int) -> list[dict[str, Any]]:
    """A pin's reports for its staff page: reason, note, when, whether still open.

    Never the reporter: supporter ids stay in the table.
    """
    rows = session.execute(
        select(Flag.reason, Flag.note, Flag.created_at, Flag.resolved_at)
        .where(Flag.idea_id == idea_id)
        .order_by(Flag.created_at, Flag.id)
    )
    return [
        {
            "reason": row.reason,
            "reason_label": str(FLAG_REASONS[row.reason]),
            "note": row.note,
            "at": instant_text(row.created_at),
            "open": row.resolved_at is None,
        }
        for row in rows
    ]
