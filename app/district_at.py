"""Which district a place is in, by the rule a stored pin gets its district (geo.lookup)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import District
from geo.lookup import containing_polygon_id, lonlat_point


def district_at(session: Session, lon: float, lat: float) -> dict[str, Any] | None:
    """The district covering (lon, lat) as `{"code", "name"}`, or None outside every district."""
    found = session.execute(
        select(District.code, District.name).where(
            District.id == containing_polygon_id(District.__table__, lonlat_point(lon, lat))
        )
    ).first()
    return {"code": found.code, "name": found.name} if found else None
