"""planners: users, reports, word list, history, notes, answer templates; answer_en, duplicate_of

Revision ID: 0005_planning
Revises: 0004_workshops
Create Date: 2026-11-29 18:04:18

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_planning"
down_revision: str | Sequence[str] | None = "0004_workshops"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def CREATED_AT(name: str = "created_at") -> sa.Column:
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


# The history is append-only: the database itself refuses to change or delete a row.
APPEND_ONLY = """
CREATE FUNCTION idea_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'idea_history is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER idea_history_append_only BEFORE UPDATE OR DELETE ON idea_history
    FOR EACH ROW EXECUTE FUNCTION idea_history_append_only();
"""


def upgrade() -> None:
    """Create the planners' tables and the two new pin columns."""
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("session_token", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('planner', 'moderator', 'admin')", name="role_known"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "answer_templates",
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answer_en", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('new', 'under_review', 'planned', 'in_progress', 'done', 'not_feasible')",
            name="status_known",
        ),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("status"),
    )
    op.create_table(
        "moderation_words",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("word", sa.String(length=60), nullable=False),
        sa.Column("folded", sa.String(length=240), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("folded"),
    )
    op.create_table(
        "flags",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("idea_id", sa.BigInteger(), nullable=False),
        sa.Column("supporter_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "reason IN ('offensive', 'personal_data', 'spam', 'other')", name="reason_known"
        ),
        sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idea_id", "supporter_id", name="flags_once_per_supporter"),
    )
    op.create_index(
        "ix_flags_open", "flags", ["idea_id"], unique=False, postgresql_where="resolved_at IS NULL"
    )
    op.create_table(
        "idea_history",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("idea_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_value", sa.Text(), nullable=True),
        sa.Column("to_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "action IN ('status', 'answer', 'answer_en', 'category', 'duplicate', 'publish', "
            "'restore', 'hide', 'hold', 'dismiss_reports', 'hold_words', 'hold_reports', "
            "'redact_title', 'redact_body')",
            name="action_known",
        ),
        sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_idea_history_idea_id"), "idea_history", ["idea_id"], unique=False)
    op.execute(APPEND_ONLY)
    op.create_table(
        "idea_notes",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("idea_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_idea_notes_idea_id"), "idea_notes", ["idea_id"], unique=False)
    op.add_column("ideas", sa.Column("answer_en", sa.Text(), nullable=True))
    op.add_column("ideas", sa.Column("duplicate_of", sa.BigInteger(), nullable=True))
    op.create_index(op.f("ix_ideas_duplicate_of"), "ideas", ["duplicate_of"], unique=False)
    op.create_foreign_key(
        "ideas_duplicate_of_fkey", "ideas", "ideas", ["duplicate_of"], ["id"], ondelete="SET NULL"
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_constraint("ideas_duplicate_of_fkey", "ideas", type_="foreignkey")
    op.drop_index(op.f("ix_ideas_duplicate_of"), table_name="ideas")
    op.drop_column("ideas", "duplicate_of")
    op.drop_column("ideas", "answer_en")
    op.drop_index(op.f("ix_idea_notes_idea_id"), table_name="idea_notes")
    op.drop_table("idea_notes")
    op.drop_index(op.f("ix_idea_history_idea_id"), table_name="idea_history")
    op.drop_table("idea_history")
    op.execute("DROP FUNCTION idea_history_append_only()")
    op.drop_index("ix_flags_open", table_name="flags", postgresql_where="resolved_at IS NULL")
    op.drop_table("flags")
    op.drop_table("moderation_words")
    op.drop_table("answer_templates")
    op.drop_table("users")
