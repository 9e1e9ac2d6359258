"""published pins indexed by the map's four filter values as one key, then by place

Revision ID: 0015_ideas_published_map_key
Revises: 0014_moderation_first_word
Create Date: 2026-12-03 08:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_ideas_published_map_key"
down_revision: str | Sequence[str] | None = "0014_moderation_first_word"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_ideas_published_map_key"
# As app.models.ideas.map_filter_key renders it for the columns: a migration keeps its own.
KEY = "((((((kind || '/') || category) || '/') || status) || '/') || source)"


def upgrade() -> None:
    """The index, built without blocking writes: 98 s on 2.3M pins (bench.http's database)."""
    with op.get_context().autocommit_block():
        # A concurrent build that failed leaves an invalid index of this name behind, and the
        # migration's version unchanged: drop it so running the migration again builds it.
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        op.create_index(
            INDEX,
            "ideas",
            [sa.text(KEY), "geom"],
            postgresql_using="gist",
            # Only for queries that write the key, which implies it is not null (app.models.ideas).
            postgresql_where=sa.text(f"visibility = 'published' AND {KEY} IS NOT NULL"),
            postgresql_concurrently=True,
        )


def downgrade() -> None:
    """Drop the index."""
    with op.get_context().autocommit_block():
        op.drop_index(INDEX, table_name="ideas", postgresql_concurrently=True)
