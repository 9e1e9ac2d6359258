"""Clusters found for a paged read, kept for the pages after the first (app/layers/snapshots.py).

UNLOGGED: a snapshot is a cache, worth nothing after a crash (its clusters are found again).
Keyed by `snapshot_id`, which Citus can distribute them by.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import DateTime, ForeignKey, Integer, Text, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ClusterSnapshot(Base):
    """One request's clusters: what it asked for, and when they were found."""

    __tablename__ = "cluster_snapshots"
    __table_args__ = ({"prefixes": ["UNLOGGED"]},)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # The request's filters and cluster parameters (`asked_of`): a link that names the
    # snapshot with others gets clusters found for those.
    asked: Mapped[str] = mapped_column(Text)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The map's data version (app.ideas.counts) read before the pins were: while it is the
    # same, a first page of the same `asked` reads this snapshot. NULL: never reused.
    version: Mapped[str | None] = mapped_column(Text)


class ClusterSnapshotFeature(Base):
    """One cluster of a snapshot: its GeoJSON Feature as served, and its outline for `bbox`."""

    __tablename__ = "cluster_snapshot_features"
    __table_args__ = ({"prefixes": ["UNLOGGED"]},)

    snapshot_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cluster_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    geom: Mapped[WKBElement] = mapped_column(Geometry("GEOMETRY", srid=4326, spatial_index=False))
    feature: Mapped[str] = mapped_column(Text)
