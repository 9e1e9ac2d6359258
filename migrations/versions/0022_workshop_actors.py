"""workshop events say which facilitator; the audit says who

Revision ID: 0022_workshop_actors
Revises: 0021_map_log_body
Create Date: 2026-12-06 10:00:00

Two facilitators (a planner signed in on a laptop, a colleague with the secret link on a
tablet) shared one undo stack, so one's "Ångra" took back the other's edit. Each facilitator
event now names its facilitator (`planner:<id>`, `device:<cookie id>`, or `key`); events stored
before have none and stay undoable by any facilitator, as before. The audit records who acted:
a planner's account, or the facilitator key.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_workshop_actors"
down_revision: str | Sequence[str] | None = "0021_map_log_body"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The columns; rows stored before keep nulls (an unknown facilitator)."""
    op.add_column(
        "workshop_events", sa.Column("actor_facilitator_id", sa.String(80), nullable=True)
    )
    op.add_column("workshop_audit", sa.Column("actor", sa.String(20), nullable=True))
    op.add_column("workshop_audit", sa.Column("planner_id", sa.BigInteger(), nullable=True))
    op.create_check_constraint(
        "actor_known", "workshop_audit", "actor IN ('planner', 'facilitator_key')"
    )


def downgrade() -> None:
    """Without them."""
    op.drop_constraint("actor_known", "workshop_audit", type_="check")
    op.drop_column("workshop_audit", "planner_id")
    op.drop_column("workshop_audit", "actor")
    op.drop_column("workshop_events", "actor_facilitator_id")
