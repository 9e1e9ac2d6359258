"""a facilitator can remove a participant from a workshop, and let them back in

Revision ID: 0023_participant_removal
Revises: 0022_workshop_actors
Create Date: 2026-12-07 10:00:00

One participant posting abuse in front of twenty people needed more than hiding each drawing
as it came: the facilitator removes the participant, whose token can then change nothing in
the workshop. `removed_at` says since when (null: not removed), `removed_by` which
facilitator (`planner:<id>`, `device:<cookie id>`, or `key`, as workshop_events names them).
Letting them back in sets both to null again; the audit keeps the history.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_participant_removal"
down_revision: str | Sequence[str] | None = "0022_workshop_actors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The columns; every participant stored before is not removed (nulls)."""
    op.add_column(
        "workshop_participants",
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column("workshop_participants", sa.Column("removed_by", sa.String(80), nullable=True))


def downgrade() -> None:
    """Without them."""
    op.drop_column("workshop_participants", "removed_by")
    op.drop_column("workshop_participants", "removed_at")
