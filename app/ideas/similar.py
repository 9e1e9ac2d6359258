"""Pins like another: near its place, with a word of its title.

The new-pin form shows them to a citizen (`GET /api/ideas/similar`, asked by
static/js/citizen/similar-pins.js as the title is typed), and a planner's page of a pin shows
them as its possible duplicates. Read through the one public read path (`public_idea_rows`).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from app.common.limits import PIN_WORDS
from app.ideas.filters import IdeaFilters
from app.ideas.queries import newest_features, newest_first, public_idea_rows
from app.models import Idea
from geo.crs import bbox_around

# How near a pin must be to be "the same place": a block or two of the city.
NEAR_M = 400
# The title's words asked for, at most: enough for a title of 120 characters.
WORDS = 6
# The similar pins a citizen is shown by default, and at most: the form must still fit a phone.
SIMILAR_LIMIT = 3
SIMILAR_MAX = 10
_WORD = re.compile(r"[^\W_]{3,}")


def words_query(title: str) -> str | None:
    """A words filter (`q`) that any of the title's words of three letters or more match.

    Its distinct words, at most WORDS and no more than fit PIN_WORDS once joined by " or "
    (the search box's "or"); None for a title without such words.
    """
    words: list[str] = []
    for word in dict.fromkeys(_WORD.findall(title.lower())):
        joined = " or ".join([*words, word])
        if len(words) == WORDS or len(joined) > PIN_WORDS.max:
            break
        words.append(word)
    return " or ".join(words) or None


def _similar_filters(lon: float, lat: float, title: str) -> IdeaFilters | None:
    """The public pins' filters for "within NEAR_M, with a word of `title`"; None: no words."""
    words = words_query(title)
    if words is None:
        return None
    return IdeaFilters(bbox=bbox_around(lon, lat, NEAR_M), words=words)


def similar_features(lon: float, lat: float, title: str, *, limit: int) -> Select[Any] | None:
    """Published pins near (lon, lat) that share a word of `title`, newest first, as Features.

    None when the title has no word to look for (nothing can be similar).
    """
    filters = _similar_filters(lon, lat, title)
    if filters is None:
        return None
    return newest_features(public_idea_rows(filters), filters, limit=limit)


def possible_duplicates(
    session: Session, pin_id: int, lon: float, lat: float, title: str, *, limit: int = 5
) -> list[Any]:
    """Published pins within NEAR_M of a pin that share a word of its title, newest first.

    The pin itself and the pins already marked as its duplicates are left out.
    """
    filters = _similar_filters(lon, lat, title)
    if filters is None:
        return []
    stmt = (
        public_idea_rows(filters)
        .where(Idea.id != pin_id, Idea.duplicate_of.is_distinct_from(pin_id))
        .order_by(newest_first(filters))
        .limit(limit)
    )
    return list(session.execute(stmt).all())
