"""Staff accounts (planners, moderators, admins) for the planners' workspace."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, DateTime, String, false, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, one_of
from app.planning.enums import ROLES


class User(Base):
    """A member of staff who signs in. Passwords are stored only as Argon2 hashes.

    `session_token` is part of the id kept in the signed session cookie: changing it (at
    logout, when the user is disabled or gets a new password) ends every session at once.
    """

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(one_of("role", ROLES), name="role_known"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # as every id in a URL
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    disabled: Mapped[bool] = mapped_column(Boolean, server_default=false())
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
