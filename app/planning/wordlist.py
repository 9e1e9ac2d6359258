"""The word list moderators keep: a new pin whose title or body contains an entry is held.

As Umeå's Stadsdelsdialog does, entries match whole words, ignoring case and accents:
"idiot" holds "IDIOT!" and "ídiot", not "idiotisk". An entry of several words matches them in
that order ("dra åt" holds "Dra åt skogen").
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.common import limits
from app.common.errors import Conflict, InvalidField, NotFound
from app.common.text import clean_text, fold
from app.common.times import instant_text
from app.models import ModerationWord, User
from geo.i18n import N_

_WORD = re.compile(r"\w+")


def folded_words(text: str) -> str:
    """The words of `text` lower-cased without accents, one space between them."""
    return " ".join(_WORD.findall(fold(text)))


def padded_words(text: str) -> str:
    """`folded_words` with a space either side, for `first_listed_word` to find entries in."""
    return f" {folded_words(text)} "


def first_listed_word(*padded: ColumnElement[str]) -> ScalarSelect[str]:
    """SQL: the oldest entry found as whole words in any of the `padded_words` texts, or NULL.

    Asked inside the statement that stores the pins: read by a query of its own first, the
    list cost a new pin 0.32 of its 2.08 ms of the app's CPU (in process, 1,500 pins each way).
    Only the entries whose first word is one of the texts' words are looked for: PostgreSQL
    joins the texts' words to the entries' `first_word`. Each entry looked for in every pin was
    0.40 ms of PostgreSQL's time a pin with 500 entries (EXPLAIN ANALYZE of the insert).
    """
    text_words = (
        func.unnest(func.string_to_array(func.concat(*padded), " "))
        .table_valued("word")
        .render_derived(name="text_words")
    )
    candidates = (
        select(ModerationWord.id, ModerationWord.word, ModerationWord.folded)
        .join(text_words, ModerationWord.first_word == text_words.c.word)
        # A fence: PostgreSQL would otherwise walk the whole list in id order, testing each.
        .offset(0)
        .subquery("candidates")
    )
    entry = func.concat(" ", candidates.c.folded, " ")
    return (
        select(candidates.c.word)
        .where(or_(*(func.strpos(text, entry) > 0 for text in padded)))
        .order_by(candidates.c.id)
        .limit(1)
        .scalar_subquery()
    )


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
            "added_at": instant_text(row.created_at),
        }
        for row in rows
    ]
