"""map hexagons split by one dimension each, for hexagon layers filtered by that one alone

Revision ID: 0017_map_hexagons_by_dimension
Revises: 0016_hexagon_outlines
Create Date: 2026-12-03 13:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_map_hexagons_by_dimension"
down_revision: str | Sequence[str] | None = "0016_hexagon_outlines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each dimension and the length of its column in map_hexagons.
DIMENSIONS = {"kind": 20, "category": 40, "status": 20, "source": 20}
# geo.pyramid.FOLD_LOCK: a migration keeps its own copy, as it keeps its own schema.
FOLD_LOCK = 0x6D6170
# As migration 0012 set for every table of counts: autovacuum after a fixed number of dead rows.
AUTOVACUUM = "autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000"


def upgrade() -> None:
    """Each table, summed from today's map_hexagons; the log not folded yet stays for the fold.

    The folders' lock is held until the migration commits: a fold meanwhile would move deltas
    into map_hexagons after these sums were read, and the new tables would never count them.
    """
    op.execute(sa.text(f"SELECT pg_advisory_xact_lock({FOLD_LOCK})"))
    for name, length in DIMENSIONS.items():
        table = f"map_hexagons_by_{name}"
        op.create_table(
            table,
            sa.Column("i", sa.Integer(), nullable=False),
            sa.Column("j", sa.Integer(), nullable=False),
            sa.Column("n", sa.Integer(), nullable=False),
            sa.Column(name, sa.String(length), nullable=False),
            sa.PrimaryKeyConstraint(name, "i", "j", name=f"{table}_pkey", postgresql_include=["n"]),
        )
        op.execute(
            f"""
            INSERT INTO {table} ({name}, i, j, n)
            SELECT {name}, i, j, sum(n) FROM map_hexagons
            GROUP BY {name}, i, j HAVING sum(n) <> 0
            """
        )
        op.create_index(f"{table}_emptied", table, ["i"], postgresql_where=sa.text("n = 0"))
        op.execute(f"ALTER TABLE {table} SET ({AUTOVACUUM})")


def downgrade() -> None:
    """Drop the four tables."""
    for name in DIMENSIONS:
        op.drop_table(f"map_hexagons_by_{name}")
