"""an index the district layer counts from, without touching the table

Revision ID: 0006_layer_counts_index
Revises: 0005_planning
Create Date: 2026-11-29 20:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_layer_counts_index"
down_revision: str | Sequence[str] | None = "0005_planning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Published pins by district, kind and category: an index-only scan counts them."""
    op.create_index(
        "ix_ideas_published_district_kind_category",
        "ideas",
        ["district_id", "kind", "category"],
        postgresql_where=sa.text("visibility = 'published'"),
    )


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_ideas_published_district_kind_category", table_name="ideas")
