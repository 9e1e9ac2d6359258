"""Supports (+1): once per supporter, where a supporter is an opaque id, never an address."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.common.errors import Conflict, NotFound
from app.ideas.queries import published_ideas, support_count
from app.models import Idea, Support
from geo.i18n import N_


def new_supporter_token() -> str:
    """A random token, handed to the browser signed."""
    return secrets.token_urlsafe(32)


def supporter_id(secret_key: str, token: str) -> str:
    """The stored id: a keyed hash of the token, so the table holds no browser secret."""
    return hmac.new(secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def has_supported(session: Session, idea_id: int, supporter: str) -> bool:
    """Whether this supporter has supported the pin."""
    stmt = select(Support.idea_id).where(
        Support.idea_id == idea_id, Support.supporter_id == supporter
    )
    return session.execute(stmt).first() is not None


def published_support_count(session: Session, idea_id: int) -> int | None:
    """The support count of a published pin, or None when no such pin is public."""
    stmt = published_ideas().with_only_columns(support_count()).where(Idea.id == idea_id)
    return session.execute(stmt).scalar_one_or_none()


def add_support(session: Session, idea_id: int, supporter: str) -> int:
    """Record a support for a published pin and return its new count; the caller commits.

    NotFound when no such pin is public, Conflict when this supporter had supported it.
    """
    if published_support_count(session, idea_id) is None:
        raise NotFound(N_("No such pin."), field="id")
    stmt = (
        insert(Support)
        .values(idea_id=idea_id, supporter_id=supporter)
        .on_conflict_do_nothing(index_elements=["idea_id", "supporter_id"])
        .returning(Support.idea_id)
    )
    if session.execute(stmt).first() is None:
        raise Conflict(
            N_("You have already supported this pin."), code="already_supported", field="id"
        )
    count = published_support_count(session, idea_id)
    assert count is not None
    return count
