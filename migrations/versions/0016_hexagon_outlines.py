"""hexagon outlines: each default-size hexagon's polygon, computed once when it gets a pin

Revision ID: 0016_hexagon_outlines
Revises: 0015_ideas_published_map_key
Create Date: 2026-12-03 10:45:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016_hexagon_outlines"
down_revision: str | Sequence[str] | None = "0015_ideas_published_map_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As geo.aggregate.hexagon_outline renders it at the layer's default size (250 m, as
# app.layers.params.DEFAULT_HEX_SIZE): a migration keeps its own.
OUTLINE = "ST_Transform(ST_Hexagon(250, i, j, ST_SetSRID(ST_MakePoint(0, 0), 3006)), 4326)"


def upgrade() -> None:
    """A stored generated column: PostgreSQL computes it for every row, now and on write."""
    op.execute(
        "ALTER TABLE map_hexagon_totals ADD COLUMN outline geometry(POLYGON, 4326) NOT NULL"
        f" GENERATED ALWAYS AS ({OUTLINE}) STORED"
    )


def downgrade() -> None:
    op.drop_column("map_hexagon_totals", "outline")
