"""Citizens' reports of pins, and the automatic hold they lead to.

A report is open until a moderator publishes, restores or hides the pin (or dismisses the
reports: app/planning/visibility.py). Open reports from FLAG_HOLD_THRESHOLD different networks
(keyed hashes of the reporters' addresses: supporter ids cost nothing to mint) hold a published
pin until a moderator looks at it, unless a moderator has decided it stays public; then reports
only bring it to the queue (app/planning/moderation_queue.py). Every change is a history row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, update
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
from app.planning.history import record
from app.planning.payloads import json_object
from geo.i18n import N_


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
