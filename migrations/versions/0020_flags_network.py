"""flags.network_id: a keyed hash of the reporter's address, so one network counts once

Revision ID: 0020_flags_network
Revises: 0019_history_duplicate_removed
Create Date: 2026-12-05 15:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_flags_network"
down_revision: str | Sequence[str] | None = "0019_history_duplicate_removed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The column; reports made before it count by their supporter, as they did."""
    op.add_column("flags", sa.Column("network_id", sa.String(64), nullable=True))


def downgrade() -> None:
    """Without it."""
    op.drop_column("flags", "network_id")
