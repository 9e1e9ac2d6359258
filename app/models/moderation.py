"""Citizens' reports of pins, and the word list that holds new pins for review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, one_of
from app.planning.enums import FLAG_REASONS


class Flag(Base):
    """One supporter's report of a pin. The reporter is an opaque id: personal data, never public.

    A report is open until a moderator acts on the pin (`resolved_at`); open reports from
    different networks count towards the automatic hold.
    """

    __tablename__ = "flags"
    __table_args__ = (
        CheckConstraint(one_of("reason", FLAG_REASONS), name="reason_known"),
        UniqueConstraint("idea_id", "supporter_id", name="flags_once_per_supporter"),
        Index("ix_flags_open", "idea_id", postgresql_where="resolved_at IS NULL"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    supporter_id: Mapped[str] = mapped_column(String(64))  # personal data
    # A keyed hash of the reporter's address (personal data): reports from one network count
    # once towards the automatic hold, since anyone can mint supporter ids. None before 0020.
    network_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)  # personal data
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


FIRST_WORD = "split_part(folded, ' ', 1)"


class ModerationWord(Base):
    """A word or phrase that holds a new pin for review when its title or body contains it.

    `folded` is the entry lower-cased without accents, as pins are compared; it is unique, so
    "Idiot" and "idiót" are one entry.
    """

    __tablename__ = "moderation_words"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # as every id in a URL
    word: Mapped[str] = mapped_column(String(60))
    folded: Mapped[str] = mapped_column(String(240), unique=True)
    # The entry's first word, which any text holding the entry has among its own words: a new
    # pin's words find the entries they may begin (app.planning.wordlist.first_listed_word).
    # Indexed for long lists: with 5,000 entries PostgreSQL looks each of a pin's words up,
    # 0.03 ms a pin; with 500 it hashes the pin's words and reads the list, 0.12 ms (EXPLAIN
    # ANALYZE of the insert of 4 pins).
    first_word: Mapped[str] = mapped_column(
        String(240), Computed(FIRST_WORD, persisted=True), index=True
    )
    created_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
