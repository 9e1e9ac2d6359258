"""The facilitator's actions, appended to `workshop_audit` in the action's own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.common.times import instant_text
from app.models import WorkshopAudit
from app.workshops.actors import Actor


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    annotation_id: int | None = None,
    **detail: Any,
) -> None:
    """Append one facilitator action: who, what, on which annotation, from and to.

    Who is the signed-in planner's account when there is one, else "facilitator_key": the
    secret link does not say whose hands it is in.
    """
    session.execute(
        insert(WorkshopAudit).values(
            workshop_id=actor.workshop_id,
            action=action,
            annotation_id=annotation_id,
            actor="facilitator_key" if actor.planner_id is None else "planner",
            planner_id=actor.planner_id,
            detail=detail,
        )
    )


def audit_entries(session: Session, workshop_id: int) -> list[dict[str, Any]]:
    """The workshop's audit, oldest first (`by` is null on actions stored before it was)."""
    rows = session.execute(
        select(WorkshopAudit)
        .where(WorkshopAudit.workshop_id == workshop_id)
        .order_by(WorkshopAudit.id)
    ).scalars()
    return [
        {
            "id": row.id,
            "action": row.action,
            "annotation_id": row.annotation_id,
            "by": row.actor,
            "planner_id": row.planner_id,
            "detail": row.detail,
            "created_at": instant_text(row.created_at),
        }
        for row in rows
    ]
