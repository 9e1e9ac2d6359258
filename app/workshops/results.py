"""A workshop's results: counts for the summary page (the files are streamed by the API)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.models import Idea, WorkshopAnnotation, WorkshopGroup, WorkshopParticipant

A = WorkshopAnnotation


def _counts(session: Session, workshop_id: int, key: Any) -> dict[str, int]:
    """Visible annotations counted by `key` (None becomes "none")."""
    rows = session.execute(
        select(key.label("key"), func.count().label("n"))
        .select_from(A)
        .outerjoin(
            WorkshopGroup,
            and_(WorkshopGroup.workshop_id == A.workshop_id, WorkshopGroup.id == A.group_id),
        )
        .where(A.workshop_id == workshop_id, A.deleted.is_(False), A.hidden.is_(False))
        .group_by(key)
        .order_by(key)
    )
    return {("none" if r.key is None else str(r.key)): int(r.n) for r in rows}


def summary(session: Session, workshop_id: int) -> dict[str, Any]:
    """Counts of the visible annotations by type, group and category, and a few totals."""
    by_type = _counts(session, workshop_id, func.ST_GeometryType(A.geom))
    hidden = session.execute(
        select(func.count()).where(
            A.workshop_id == workshop_id, A.deleted.is_(False), A.hidden.is_(True)
        )
    ).scalar_one()
    people = session.execute(
        select(func.count()).where(
            WorkshopParticipant.workshop_id == workshop_id,
            WorkshopParticipant.on_behalf.is_(False),
        )
    ).scalar_one()
    promoted = session.execute(
        select(func.count()).where(Idea.workshop_id == workshop_id)
    ).scalar_one()
    return {
        "annotations": sum(by_type.values()),
        "by_type": {k.removeprefix("ST_"): v for k, v in by_type.items()},
        "by_group": _counts(session, workshop_id, WorkshopGroup.name),
        "by_category": _counts(session, workshop_id, A.category),
        "on_behalf": _counts(session, workshop_id, A.on_behalf).get("True", 0),
        "hidden": int(hidden),
        "participants": int(people),
        "promoted": int(promoted),
    }
