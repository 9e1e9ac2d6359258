"""moderation words' first word: a new pin's words find the entries they may begin

Revision ID: 0014_moderation_first_word
Revises: 0013_district_outlines
Create Date: 2026-12-03 06:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_moderation_first_word"
down_revision: str | Sequence[str] | None = "0013_district_outlines"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app.models.moderation.FIRST_WORD: a migration keeps its own.
FIRST_WORD = "split_part(folded, ' ', 1)"


def upgrade() -> None:
    """A stored generated column, computed for every entry now and on write, and its index."""
    op.add_column(
        "moderation_words",
        sa.Column("first_word", sa.String(240), sa.Computed(FIRST_WORD, persisted=True)),
    )
    op.create_index("ix_moderation_words_first_word", "moderation_words", ["first_word"])


def downgrade() -> None:
    op.drop_index("ix_moderation_words_first_word", table_name="moderation_words")
    op.drop_column("moderation_words", "first_word")
