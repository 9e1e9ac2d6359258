"""Workshops: a shared map that a group draws on together, live.

Every table but `workshops` itself is keyed by `(workshop_id, id)`, and every foreign key
between them carries `workshop_id`: Citus can distribute them all by `workshop_id` and keep a
workshop's rows together on one node. Display names are personal data: exports and public
serializers never select them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, one_of

WORKSHOP_STATES = ("open", "paused", "closed")
ANNOTATION_TYPES = ("Point", "LineString", "Polygon")
PRESENCE_ROLES = ("participant", "facilitator")
AUDIT_ACTORS = ("planner", "facilitator_key")
COLOR_CHECK = "color ~ '^#[0-9a-f]{6}$'"


class Workshop(Base):
    """A workshop: its settings, its state, and the counter that numbers its events."""

    __tablename__ = "workshops"
    __table_args__ = (CheckConstraint(one_of("state", WORKSHOP_STATES), name="state_known"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    # Drawn, or copied from the district chosen: the map opens there.
    focus_area: Mapped[WKBElement | None] = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=False)
    )
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(20), default="open")
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    # False: nobody new may join (everyone in stays in); app/workshops/joining.py.
    joins_open: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    facilitator_key_hash: Mapped[str] = mapped_column(String(64))  # sha256 hex, never the key
    # The planner who started it, once planners have accounts (no link to users yet).
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    follow: Mapped[bool] = mapped_column(Boolean, default=False)
    last_view: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # Events are numbered by incrementing this in the writer's transaction: the row lock orders
    # the writers, so events become visible in id order (a sequence would not guarantee that).
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WorkshopGroup(Base):
    """A group of a workshop (e.g. "Grupp 1"), with its colour."""

    __tablename__ = "workshop_groups"
    __table_args__ = (CheckConstraint(COLOR_CHECK, name="color_hex"),)

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    color: Mapped[str] = mapped_column(String(7))
    position: Mapped[int] = mapped_column(Integer, default=0)


class WorkshopParticipant(Base):
    """Someone who joined (their signed token names this row), or one drawn for on paper."""

    __tablename__ = "workshop_participants"
    __table_args__ = (
        ForeignKeyConstraint(
            ["workshop_id", "group_id"],
            ["workshop_groups.workshop_id", "workshop_groups.id"],
            name="fk_workshop_participants_group",
        ),
    )

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))  # personal data
    group_id: Mapped[int | None] = mapped_column(BigInteger)
    # Entered by the facilitator from a paper map: no token was ever issued for this row.
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Removed by the facilitator (their token changes nothing any more); null: not removed.
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Which facilitator removed them, as events name one (app/workshops/actors.py).
    removed_by: Mapped[str | None] = mapped_column(String(80))


class WorkshopAnnotation(Base):
    """A point, line or area drawn in a workshop, with a note; `version` guards edits."""

    __tablename__ = "workshop_annotations"
    __table_args__ = (
        CheckConstraint(COLOR_CHECK, name="color_hex"),
        CheckConstraint(
            "GeometryType(geom) IN ('POINT', 'LINESTRING', 'POLYGON')", name="geom_type_known"
        ),
        ForeignKeyConstraint(
            ["workshop_id", "participant_id"],
            ["workshop_participants.workshop_id", "workshop_participants.id"],
            name="fk_workshop_annotations_participant",
        ),
        ForeignKeyConstraint(
            ["workshop_id", "group_id"],
            ["workshop_groups.workshop_id", "workshop_groups.id"],
            name="fk_workshop_annotations_group",
        ),
        # A client's retry finds the annotation its first try made.
        Index(
            "ix_workshop_annotations_client_id",
            "workshop_id",
            "client_id",
            unique=True,
            postgresql_where=text("client_id IS NOT NULL"),
        ),
    )

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    client_id: Mapped[str | None] = mapped_column(String(64))
    participant_id: Mapped[int] = mapped_column(BigInteger)
    group_id: Mapped[int | None] = mapped_column(BigInteger)
    geom: Mapped[WKBElement] = mapped_column(Geometry("GEOMETRY", srid=4326, spatial_index=False))
    note: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str] = mapped_column(String(7))
    category: Mapped[str | None] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class WorkshopEvent(Base):
    """One thing that happened, numbered per workshop: what streams send and resume from.

    `payload` is exactly what a stream sends (app/workshops/payloads.py). The actor and
    `undo_state` (the annotation as it was before) let a participant undo their own changes;
    an undo names the event it undoes in `undoes_event_id`. `actor_facilitator_id` says which
    facilitator (app/workshops/actors.py), so each undoes only their own; events stored
    before it existed have none and any facilitator may undo them.
    """

    __tablename__ = "workshop_events"
    __table_args__ = (
        Index(
            "ix_workshop_events_actor",
            "workshop_id",
            "actor_participant_id",
            "id",
            postgresql_where=text("actor_participant_id IS NOT NULL"),
        ),
        Index(
            "ix_workshop_events_undoes",
            "workshop_id",
            "undoes_event_id",
            postgresql_where=text("undoes_event_id IS NOT NULL"),
        ),
    )

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    actor_participant_id: Mapped[int | None] = mapped_column(BigInteger)
    actor_facilitator: Mapped[bool] = mapped_column(Boolean, default=False)
    actor_facilitator_id: Mapped[str | None] = mapped_column(String(80))
    annotation_id: Mapped[int | None] = mapped_column(BigInteger)
    undoes_event_id: Mapped[int | None] = mapped_column(BigInteger)
    undo_state: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class WorkshopAudit(Base):
    """A facilitator's action (state, hide, delete, view, promote...): appended, never changed.

    `actor` is who: "planner" (with `planner_id`, the signed-in account) or "facilitator_key"
    (whoever holds the secret link); null on actions stored before it was recorded.
    """

    __tablename__ = "workshop_audit"
    __table_args__ = (CheckConstraint(one_of("actor", AUDIT_ACTORS), name="actor_known"),)

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    annotation_id: Mapped[int | None] = mapped_column(BigInteger)
    actor: Mapped[str | None] = mapped_column(String(20))
    planner_id: Mapped[int | None] = mapped_column(BigInteger)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class WorkshopPresence(Base):
    """One open event stream. Rows of a process that died stop being refreshed and expire.

    UNLOGGED: presence is worth nothing after a crash, and skipping the WAL keeps it cheap.
    """

    __tablename__ = "workshop_presence"
    __table_args__ = (
        CheckConstraint(one_of("role", PRESENCE_ROLES), name="role_known"),
        Index("ix_workshop_presence_process", "process_id"),
        {"prefixes": ["UNLOGGED"]},
    )

    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    participant_id: Mapped[int | None] = mapped_column(BigInteger)
    role: Mapped[str] = mapped_column(String(20))
    process_id: Mapped[str] = mapped_column(String(32))
    connected_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
