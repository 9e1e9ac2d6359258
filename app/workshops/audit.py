"""The facilitator's actions, appended to `workshop_audit` in the action's own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.common.times import instant_text
from app.models import WorkshopAudit


def record(
    session: Session,
    workshop_id: int,
    action: str,
    *,
    annotation_id: int | None = None,
    **detail: Any,
) -> None:
    """Append one facilitator action (what, on which annotation, from and to)."""
    session.execute(
        insert(WorkshopAudit).values(
            workshop_id=workshop_id, action=action, annotation_id=annotation_id, detail=detail
        )
    )


def audit_entries(session: Session, workshop_id: int) -> list[dict[str, Any]]:
    """The workshop's audit, oldest first."""
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
            "detail": row.detail,
            "created_at": instant_text(row.created_at),
        }
        for row in rows
    ]
