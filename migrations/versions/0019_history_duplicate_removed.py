"""history action `duplicate_removed`: removing a duplicate link is no longer "marked as one"

Revision ID: 0019_history_duplicate_removed
Revises: 0018_ideas_published_words
Create Date: 2026-12-05 13:00:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019_history_duplicate_removed"
down_revision: str | Sequence[str] | None = "0018_ideas_published_words"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app.planning.enums.HISTORY_ACTIONS lists them: a migration keeps its own.
BEFORE = (
    "status", "answer", "answer_en", "category", "duplicate", "publish", "restore", "hide",
    "hold", "dismiss_reports", "hold_words", "hold_reports", "redact_title", "redact_body",
)  # fmt: skip
AFTER = (*BEFORE[:5], "duplicate_removed", *BEFORE[5:])


def _check(actions: tuple[str, ...]) -> None:
    """Replace the CHECK on idea_history.action with one that takes `actions`."""
    op.drop_constraint("action_known", "idea_history", type_="check")
    quoted = ", ".join(f"'{action}'" for action in actions)
    op.create_check_constraint("action_known", "idea_history", f"action IN ({quoted})")


def upgrade() -> None:
    """Take the new action."""
    _check(AFTER)


def downgrade() -> None:
    """Back to the old list; rows of the new action become what they were recorded as before
    (history is append-only, so its trigger is set aside for the rewrite)."""
    op.execute("ALTER TABLE idea_history DISABLE TRIGGER USER")
    op.execute("UPDATE idea_history SET action = 'duplicate' WHERE action = 'duplicate_removed'")
    op.execute("ALTER TABLE idea_history ENABLE TRIGGER USER")
    _check(BEFORE)
