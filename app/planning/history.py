"""A pin's history: one append-only row per change (who, when, what, from, to, why).

Rows are only ever inserted; the database refuses UPDATE and DELETE on `idea_history`.
`user_id` None means the system did it (a word-list or report hold).
"""

from __future__ import annotations

from typing import Any

from flask_babel import format_number, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Insert, Select, Subquery, insert, literal, select
from sqlalchemy.orm import Session

from app.common.errors import Conflict, InvalidField
from app.common.times import instant_text
from app.models import IdeaHistory, User
from app.planning.enums import HISTORY_ACTIONS
from geo.i18n import N_
from geo.numbers import whole_in_range

SYSTEM = "system"
THE_SYSTEM = _l("the system")  # SYSTEM in words, as the pin page says it


def record(
    session: Session,
    idea_id: int,
    user_id: int | None,
    action: str,
    from_value: object = None,
    to_value: object = None,
    reason: str | None = None,
) -> None:
    """Append one row; values are stored as text (None stays NULL)."""
    assert action in HISTORY_ACTIONS
    session.execute(
        insert(IdeaHistory).values(
            idea_id=idea_id,
            user_id=user_id,
            action=action,
            from_value=None if from_value is None else str(from_value),
            to_value=None if to_value is None else str(to_value),
            reason=reason,
        )
    )


def word_holds(held: Subquery) -> Insert:
    """SQL: a system `hold_words` row for each row (idea_id, word) of `held`."""
    columns = ["idea_id", "action", "to_value", "reason"]
    rows = select(held.c.idea_id, literal("hold_words"), literal("held"), held.c.word)
    return insert(IdeaHistory.__table__).from_select(columns, rows)  # type: ignore[arg-type]


def history_rows(idea_id: int) -> Select[Any]:
    """The pin's history, oldest first, with the address of whoever acted."""
    return (
        select(
            IdeaHistory.id,
            IdeaHistory.created_at,
            IdeaHistory.user_id,
            User.email,
            IdeaHistory.action,
            IdeaHistory.from_value,
            IdeaHistory.to_value,
            IdeaHistory.reason,
        )
        .outerjoin(User, User.id == IdeaHistory.user_id)
        .where(IdeaHistory.idea_id == idea_id)
        .order_by(IdeaHistory.created_at, IdeaHistory.id)
    )


def history_of(session: Session, idea_id: int) -> list[dict[str, Any]]:
    """The pin's history as the API and the pin page show it."""
    return [
        {
            "id": row.id,
            "at": instant_text(row.created_at),
            "by": row.email if row.user_id is not None else SYSTEM,
            "user_id": row.user_id,
            "action": row.action,
            "action_label": str(HISTORY_ACTIONS[row.action]),
            "from": row.from_value,
            "to": row.to_value,
            "reason": row.reason,
            "reason_label": reason_label(row.action, row.reason),
        }
        for row in session.execute(history_rows(idea_id))
    ]


def reason_label(action: str, reason: str | None) -> str | None:
    """`reason` in the reader's language.

    An automatic hold stores only the number of open reports (language-neutral, so old and
    new rows read alike): it becomes "3 reports" here, where it is read.
    """
    if action == "hold_reports" and reason is not None and reason.isdigit():
        count = int(reason)
        return ngettext("%(n)s report", "%(n)s reports", count, n=format_number(count))
    return reason


MISSED_NAMED = 20  # the newest changes a conflict names (a page is rarely further behind)


def check_unchanged_since(session: Session, idea_id: int, seen: int | None) -> None:
    """Conflict when the pin has a history row newer than `seen` (the newest a page showed).

    Every staff change is a history row, so a page that sends the newest it showed cannot
    undo a colleague's change it never saw: a redaction put back, an answer reverted. None:
    the client did not say (the API without a page), and nothing is checked.
    """
    if seen is None:
        return
    newer = session.execute(
        history_rows(idea_id)
        .where(IdeaHistory.id > seen)
        .order_by(None)
        .order_by(IdeaHistory.id.desc())
        .limit(MISSED_NAMED)
    ).all()
    if not newer:
        return
    # Every change missed, each once, newest first: a colleague's template sets the status,
    # the answer and the English answer at once, and naming only the last hid the others.
    who = dict.fromkeys(row.email if row.user_id is not None else THE_SYSTEM for row in newer)
    what = dict.fromkeys(str(HISTORY_ACTIONS[row.action]) for row in newer)
    raise Conflict(
        N_("Meanwhile %(who)s changed this pin (%(what)s). Reload the page to see it, then "
           "save again."),
        field="last_change_seen",
        code="changed_meanwhile",
        extra={"last_change": int(newer[0].id)},
        who=", ".join(str(name) for name in who),
        what="; ".join(what),
    )  # fmt: skip


def parse_last_change_seen(payload: dict[str, Any]) -> int | None:
    """`last_change_seen`: the id of the newest history row the client showed (0: none)."""
    if "last_change_seen" not in payload:
        return None
    seen = whole_in_range(payload["last_change_seen"], 0, 2**63 - 1)
    if seen is None:
        raise InvalidField(
            N_("last_change_seen must be a whole number of 0 or more."),
            field="last_change_seen",
        )
    return seen
