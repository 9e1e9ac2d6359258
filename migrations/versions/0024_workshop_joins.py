"""a facilitator can stop new people joining a workshop (everyone in stays in)

Revision ID: 0024_workshop_joins
Revises: 0023_participant_removal
Create Date: 2026-12-05 23:40:00

A participant's only identity is the cookie their browser got when joining, so someone the
facilitator removed could come back from another browser under a new name while the code
worked. `joins_open` false refuses every new join; a new join code (no column: `join_code`
changes) makes the old code, link and QR code stop working. Every workshop stored before is
open to joins, as it was.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_workshop_joins"
down_revision: str | Sequence[str] | None = "0023_participant_removal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The column, true for every workshop."""
    op.add_column(
        "workshops",
        sa.Column("joins_open", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    """Without it."""
    op.drop_column("workshops", "joins_open")
