"""a clusters snapshot notes the version of the pins it was found from

Revision ID: 0026_cluster_snapshot_versions
Revises: 0025_cluster_snapshots
Create Date: 2026-12-06 15:00:00

A GIS asks for a first page of the clusters at each pan (its bbox) and for each layer it
opens, and each first page found the clusters again: 5.6-6.0 s at a million pins. While no
pin the clusters count has changed (the map's data version, app.ideas.counts), a first page
now reads the snapshot found for the same filters at that version. NULL: kept before this
revision, never reused.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_cluster_snapshot_versions"
down_revision: str | Sequence[str] | None = "0025_cluster_snapshots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The column, empty for the snapshots already kept."""
    op.add_column("cluster_snapshots", sa.Column("version", sa.Text(), nullable=True))


def downgrade() -> None:
    """Without it."""
    op.drop_column("cluster_snapshots", "version")
