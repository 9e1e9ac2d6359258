"""workshops: groups, participants, annotations, numbered events, audit, presence

Revision ID: 0004_workshops
Revises: 0003_map_pyramid
Create Date: 2026-11-29 18:03:12.593520

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = "0004_workshops"
down_revision: str | Sequence[str] | None = "0003_map_pyramid"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The workshop tables, keyed by workshop_id; one pin per promoted annotation."""
    op.create_geospatial_table(
        "workshops",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column(
            "focus_area",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("join_code", sa.String(length=12), nullable=False),
        sa.Column("facilitator_key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("follow", sa.Boolean(), nullable=False),
        sa.Column("last_view", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('open', 'paused', 'closed')", name="state_known"),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("join_code"),
    )
    op.create_table(
        "workshop_audit",
        sa.Column("workshop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("annotation_id", sa.BigInteger(), nullable=True),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workshop_id", "id"),
    )
    op.create_table(
        "workshop_events",
        sa.Column("workshop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("actor_participant_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_facilitator", sa.Boolean(), nullable=False),
        sa.Column("annotation_id", sa.BigInteger(), nullable=True),
        sa.Column("undoes_event_id", sa.BigInteger(), nullable=True),
        sa.Column("undo_state", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workshop_id", "id"),
    )
    op.create_index(
        "ix_workshop_events_actor",
        "workshop_events",
        ["workshop_id", "actor_participant_id", "id"],
        unique=False,
        postgresql_where=sa.text("actor_participant_id IS NOT NULL"),
    )
    op.create_index(
        "ix_workshop_events_undoes",
        "workshop_events",
        ["workshop_id", "undoes_event_id"],
        unique=False,
        postgresql_where=sa.text("undoes_event_id IS NOT NULL"),
    )
    op.create_table(
        "workshop_groups",
        sa.Column("workshop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("color ~ '^#[0-9a-f]{6}$'", name="color_hex"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workshop_id", "id"),
    )
    op.create_table(
        "workshop_presence",
        sa.Column("workshop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.BigInteger(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("process_id", sa.String(length=32), nullable=False),
        sa.Column(
            "connected_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint("role IN ('participant', 'facilitator')", name="role_known"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workshop_id", "id"),
        prefixes=["UNLOGGED"],
    )
    op.create_index(
        "ix_workshop_presence_process", "workshop_presence", ["process_id"], unique=False
    )
    op.create_table(
        "workshop_participants",
        sa.Column("workshop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=True),
        sa.Column("on_behalf", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id", "group_id"],
            ["workshop_groups.workshop_id", "workshop_groups.id"],
            name="fk_workshop_participants_group",
        ),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workshop_id", "id"),
    )
    op.create_geospatial_table(
        "workshop_annotations",
        sa.Column("workshop_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("participant_id", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("on_behalf", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "GeometryType(geom) IN ('POINT', 'LINESTRING', 'POLYGON')", name="geom_type_known"
        ),
        sa.CheckConstraint("color ~ '^#[0-9a-f]{6}$'", name="color_hex"),
        sa.ForeignKeyConstraint(
            ["workshop_id", "group_id"],
            ["workshop_groups.workshop_id", "workshop_groups.id"],
            name="fk_workshop_annotations_group",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id", "participant_id"],
            ["workshop_participants.workshop_id", "workshop_participants.id"],
            name="fk_workshop_annotations_participant",
        ),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workshop_id", "id"),
    )
    op.create_index(
        "ix_workshop_annotations_client_id",
        "workshop_annotations",
        ["workshop_id", "client_id"],
        unique=True,
        postgresql_where=sa.text("client_id IS NOT NULL"),
    )
    op.create_index(
        "ix_ideas_workshop_annotation",
        "ideas",
        ["workshop_id", "annotation_id"],
        unique=True,
        postgresql_where=sa.text("workshop_id IS NOT NULL"),
    )


def downgrade() -> None:
    """Drop the workshop tables."""
    op.drop_index(
        "ix_ideas_workshop_annotation",
        table_name="ideas",
        postgresql_where=sa.text("workshop_id IS NOT NULL"),
    )
    op.drop_index(
        "ix_workshop_annotations_client_id",
        table_name="workshop_annotations",
        postgresql_where=sa.text("client_id IS NOT NULL"),
    )
    op.drop_geospatial_table("workshop_annotations")
    op.drop_table("workshop_participants")
    op.drop_index("ix_workshop_presence_process", table_name="workshop_presence")
    op.drop_table("workshop_presence")
    op.drop_table("workshop_groups")
    op.drop_index(
        "ix_workshop_events_undoes",
        table_name="workshop_events",
        postgresql_where=sa.text("undoes_event_id IS NOT NULL"),
    )
    op.drop_index(
        "ix_workshop_events_actor",
        table_name="workshop_events",
        postgresql_where=sa.text("actor_participant_id IS NOT NULL"),
    )
    op.drop_table("workshop_events")
    op.drop_table("workshop_audit")
    op.drop_geospatial_table("workshops")
