"""map cells split by one dimension each up to zoom 14, for views filtered by that one alone

Revision ID: 0011_map_cells_by_dimension
Revises: 0010_ideas_geom_dims
Create Date: 2026-11-30 16:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_map_cells_by_dimension"
down_revision: str | Sequence[str] | None = "0010_ideas_geom_dims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each dimension and the length of its column in map_cells.
DIMENSIONS = {"kind": 20, "category": 40, "status": 20, "source": 20}
# geo.pyramid.FOLD_LOCK: a migration keeps its own copy, as it keeps its own schema.
FOLD_LOCK = 0x6D6170
MAX_ZOOM = 14  # app.ideas.counts.PYRAMID.singles_max_zoom


def upgrade() -> None:
    """Each table, summed from today's cells; the log not folded yet stays for the next fold.

    The folders' lock is held until the migration commits: a fold meanwhile would move deltas
    into map_cells after these sums were read, and the new tables would never count them.
    Summing them from 2.9M cells (2.45M pins) into all four took 7.3 s.
    """
    op.execute(sa.text(f"SELECT pg_advisory_xact_lock({FOLD_LOCK})"))
    for name, length in DIMENSIONS.items():
        table = f"map_cells_by_{name}"
        op.create_table(
            table,
            sa.Column("zoom", sa.SmallInteger(), nullable=False),
            sa.Column("cx", sa.Integer(), nullable=False),
            sa.Column("cy", sa.Integer(), nullable=False),
            sa.Column("n", sa.BigInteger(), nullable=False),
            sa.Column("sum_lon", sa.BigInteger(), nullable=False),
            sa.Column("sum_lat", sa.BigInteger(), nullable=False),
            sa.Column("sum_id", sa.BigInteger(), nullable=False),
            sa.Column(name, sa.String(length), nullable=False),
            sa.PrimaryKeyConstraint(
                "zoom",
                "cx",
                "cy",
                name,
                name=f"{table}_pkey",
                postgresql_include=["n", "sum_lon", "sum_lat", "sum_id"],
            ),
        )
        op.execute(
            f"""
            INSERT INTO {table} (zoom, cx, cy, {name}, n, sum_lon, sum_lat, sum_id)
            SELECT zoom, cx, cy, {name}, sum(n), sum(sum_lon), sum(sum_lat), sum(sum_id)
            FROM map_cells WHERE zoom <= {MAX_ZOOM}
            GROUP BY zoom, cx, cy, {name} HAVING sum(n) <> 0
            """
        )
        op.create_index(f"{table}_emptied", table, ["zoom"], postgresql_where=sa.text("n = 0"))


def downgrade() -> None:
    """Drop the four tables."""
    for name in DIMENSIONS:
        op.drop_table(f"map_cells_by_{name}")
