"""map cell totals: all pins per cell and zoom, for unfiltered views

Revision ID: 0009_map_cell_totals
Revises: 0008_map_districts
Create Date: 2026-11-30 02:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_map_cell_totals"
down_revision: str | Sequence[str] | None = "0008_map_districts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The totals, summed from today's cells: the log not folded yet stays for the next fold."""
    op.create_table(
        "map_cell_totals",
        sa.Column("zoom", sa.SmallInteger(), nullable=False),
        sa.Column("cx", sa.Integer(), nullable=False),
        sa.Column("cy", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("sum_lon", sa.BigInteger(), nullable=False),
        sa.Column("sum_lat", sa.BigInteger(), nullable=False),
        sa.Column("sum_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "zoom",
            "cx",
            "cy",
            name="map_cell_totals_pkey",
            postgresql_include=["n", "sum_lon", "sum_lat", "sum_id"],
        ),
    )
    op.execute(
        """
        INSERT INTO map_cell_totals (zoom, cx, cy, n, sum_lon, sum_lat, sum_id)
        SELECT zoom, cx, cy, sum(n), sum(sum_lon), sum(sum_lat), sum(sum_id)
        FROM map_cells GROUP BY zoom, cx, cy HAVING sum(n) <> 0
        """
    )


def downgrade() -> None:
    """Drop the totals."""
    op.drop_table("map_cell_totals")
