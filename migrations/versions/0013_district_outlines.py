"""district outlines: each district's lighter outline for drawing, computed once when stored

Revision ID: 0013_district_outlines
Revises: 0012_map_log_by_place
Create Date: 2026-12-01 13:10:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_district_outlines"
down_revision: str | Sequence[str] | None = "0012_map_log_by_place"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# About 3-5 m at Umeå's latitude, as app.models.District.outline: a migration keeps its own.
OUTLINE = "ST_SimplifyPreserveTopology(geom, 0.00005)"


def upgrade() -> None:
    """A stored generated column: PostgreSQL computes it for every row, now and on write."""
    op.execute(
        "ALTER TABLE districts ADD COLUMN outline geometry(GEOMETRY, 4326)"
        f" GENERATED ALWAYS AS ({OUTLINE}) STORED"
    )


def downgrade() -> None:
    op.drop_column("districts", "outline")
