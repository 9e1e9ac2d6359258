"""the clusters a paged request found, kept for the pages its next links ask for

Revision ID: 0025_cluster_snapshots
Revises: 0024_workshop_joins
Create Date: 2026-12-06 12:00:00

Each page of the OGC clusters collection found the clusters again: 4.2 s a page at a million
pins, and a pin added between two pages renumbered them, so a page could repeat or skip one.
A first page now keeps what it found (every cluster's Feature and outline) and its next
links name it. UNLOGGED, as any cache: after a crash the clusters are found again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0025_cluster_snapshots"
down_revision: str | Sequence[str] | None = "0024_workshop_joins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The two tables, empty."""
    op.create_table(
        "cluster_snapshots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("asked", sa.Text(), nullable=False),
        sa.Column(
            "made_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
        prefixes=["UNLOGGED"],
    )
    op.create_table(
        "cluster_snapshot_features",
        sa.Column("snapshot_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "geom",
            Geometry("GEOMETRY", srid=4326, spatial_index=False),
            nullable=False,
        ),
        sa.Column("feature", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["cluster_snapshots.id"],
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "number"),
        prefixes=["UNLOGGED"],
    )


def downgrade() -> None:
    """Without them."""
    op.drop_table("cluster_snapshot_features")
    op.drop_table("cluster_snapshots")
