"""A moderator's decision on a pin: publish, restore, hide or hold it.

Publishing, restoring and hiding close the pin's open reports (app/planning/reports.py).
Every change is a history row.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common.errors import Conflict, InvalidField
from app.models import Idea
from app.planning.history import record
from app.planning.reports import open_report_count, resolve_reports
from geo.i18n import N_


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
