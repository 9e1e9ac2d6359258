"""The word list moderators keep: a new pin whose title or body contains an entry is held.

As Umeå's Stadsdelsdialog does, entries match whole words, ignoring case and accents:
"idiot" holds "IDIOT!" and "ídiot", not "idiotisk". An entry of several words matches them in
that order ("dra åt" holds "Dra åt skogen").
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.common import limits
from app.common.errors import Conflict, InvalidField, NotFound
from app.common.text import clean_text, fold
from app.models import ModerationWord, User
from geo.i18n import N_

_WORD = re.compile(r"\w+")


def folded_words(text: str) -> str:
    """The words of `text` lower-cased without accents, one space between them."""
    return " ".join(_WORD.findall(fold(text)))


def first_match(entries: list[tuple[str, str]], *texts: str) -> str | None:
    """The first entry (word, folded) found as whole words in any of `texts`, else None."""
    padded = [f" {folded_words(text)} " for text in texts if text]
    for word, folded in entries:
        if any(f" {folded} " in text for text in padded):
            return word
    return None


def word_list(session: Session) -> list[tuple[str, str]]:
    """Every entry as (word, folded), oldest first (one small query), for `first_match`."""
    entries = session.execute(
        select(ModerationWord.word, ModerationWord.folded).order_by(ModerationWord.id)
    ).all()
    return [(row.word, row.folded) for row in entries]


def add_word(session: Session, raw: object, user_id: int) -> dict[str, Any]:
    """Add an entry; Conflict when the same word (ignoring case and accents) is listed."""
    word = clean_text(raw, "word", limits.WORD, required=True)
    assert word is not None
    folded = folded_words(word)
    if not folded:
        raise InvalidField(N_("Write a word of letters or digits."), field="word")
    stmt = (
        insert(ModerationWord)
        .values(word=word, folded=folded, created_by=user_id)
        .on_conflict_do_nothing(index_elements=["folded"])
        .returning(ModerationWord.id)
    )
    new_id = session.execute(stmt).scalar_one_or_none()
    if new_id is None:
        raise Conflict(
            N_("“%(word)s” is on the list already."),
            field="word",
            code="word_listed",
            word=word,
        )
    return {"id": new_id, "word": word}


def delete_word(session: Session, word_id: int) -> None:
    """Remove an entry; NotFound when there is none with that id."""
    deleted = session.execute(
        delete(ModerationWord).where(ModerationWord.id == word_id).returning(ModerationWord.id)
    ).first()
    if deleted is None:
        raise NotFound(N_("No such word on the list."), field="id")


def all_words(session: Session) -> list[dict[str, Any]]:
    """The list, alphabetically, with who added each entry and when."""
    rows = session.execute(
        select(ModerationWord.id, ModerationWord.word, ModerationWord.created_at, User.email)
        .outerjoin(User, User.id == ModerationWord.created_by)
        .order_by(ModerationWord.folded)
    )
    return [
        {
            "id": row.id,
            "word": row.word,
            "added_by": row.email,
            "added_at": row.created_at.isoformat(),
        }
        for row in rows
    ]
