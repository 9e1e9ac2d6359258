"""What planners add to a pin: its history (append-only), internal notes, answer templates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.categories import STATUSES
from app.models.base import Base, one_of
from app.planning.enums import HISTORY_ACTIONS


class IdeaHistory(Base):
    """One change to a pin: who (a user, or None for the system), when, what, from, to, why.

    Append-only: a trigger (migration 0003) refuses UPDATE and DELETE, so nothing is
    overwritten without a trace.
    """

    __tablename__ = "idea_history"
    __table_args__ = (CheckConstraint(one_of("action", HISTORY_ACTIONS), name="action_known"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))  # None: system
    action: Mapped[str] = mapped_column(String(30))
    from_value: Mapped[str | None] = mapped_column(Text)
    to_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class IdeaNote(Base):
    """An internal note on a pin, for staff only: never in a public path or export."""

    __tablename__ = "idea_notes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AnswerTemplate(Base):
    """The answer planners start from for a status, in Swedish and optionally English."""

    __tablename__ = "answer_templates"
    __table_args__ = (CheckConstraint(one_of("status", tuple(STATUSES)), name="status_known"),)

    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    answer: Mapped[str] = mapped_column(Text)
    answer_en: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
