"""map cell totals: all pins per cell and zoom, for unfiltered views; emptied rows indexed

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

# Each table of counts, and the column its index of emptied rows (n = 0) is on.
COUNTED = {
    "map_cells": "zoom",
    "map_cell_totals": "zoom",
    "map_hexagons": "i",
    "map_hexagon_totals": "i",
    "map_districts": "district_key",
}


def upgrade() -> None:
    """The totals, summed from today's cells (the log not folded yet stays for the next fold),
    and on every table of counts a partial index of the rows a fold brings to zero.
    """
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
    for table, column in COUNTED.items():
        op.create_index(f"{table}_emptied", table, [column], postgresql_where=sa.text("n = 0"))


def downgrade() -> None:
    """Drop the indexes and the totals."""
    for table in COUNTED:
        op.drop_index(f"{table}_emptied", table_name=table)
    op.drop_table("map_cell_totals")
