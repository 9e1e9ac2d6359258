"""The public read path.

Every public query starts from `published_ideas()`, so a pin that is not published can never
leak through a forgotten filter.
"""

from __future__ import annotations

import functools
from typing import Any, cast

from sqlalchemy import BigInteger, ColumnElement, Select, and_, bindparam, case, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.util import ClauseAdapter

from app.ideas.filters import IdeaFilters
from app.models import District, Idea, Support
from app.models.ideas import SEARCH_CONFIG, SEARCH_DOCUMENT
from geo.filters import within_bbox
from geo.geojson import feature_select, unindexed


def is_published(pin: Any = Idea) -> ColumnElement[bool]:
    """The condition for a pin (the model or an alias of it) that the public may see."""
    return pin.visibility == "published"  # type: ignore[no-any-return]


def published_ideas() -> Select[tuple[Idea]]:
    """All pins a member of the public may see."""
    return select(Idea).where(is_published())


def public_pin_id(idea_id: int) -> Select[tuple[int]]:
    """SQL: the pin's id when the public may see it, no row when not."""
    return published_ideas().with_only_columns(Idea.id).where(Idea.id == idea_id)


def is_public_pin(session: Session, idea_id: int) -> bool:
    """Whether the public may see the pin `idea_id`."""
    return session.execute(public_pin_id(idea_id)).first() is not None


@functools.cache
def published_original(column: str) -> Any:
    """`id` or `title` of the original the pin duplicates, when that one is published; else NULL.

    Built once per column, and reused by every statement that selects it: SQLAlchemy adapts
    each new alias of the model afresh. In process, a pin's page took 9.2-10.4 ms of CPU
    against 13.2-15.0 ms with the alias made anew, and 50 pins of the API's list 14.1-16.0
    against 17.5-18.5 ms (100 requests each, 3 runs each way, in turn).

    A scalar subquery behind a CASE: no probe for the many pins that duplicate nothing, and
    the outer query keeps its plan (as a LATERAL join, a 7 ms read of a map view became a
    38 ms parallel plan at a million pins).
    """
    original = aliased(Idea, name="original")
    value = (
        select(getattr(original, column))
        .where(original.id == Idea.duplicate_of, is_published(original))
        .scalar_subquery()
    )
    return case((Idea.duplicate_of.is_not(None), value), else_=None)


def support_count() -> Any:
    """Correlated count of supports for the pin of the enclosing query."""
    return (
        select(func.count())
        .select_from(Support)
        .where(Support.idea_id == Idea.id)
        .scalar_subquery()
    )


def apply_filters(stmt: Select[Any], filters: IdeaFilters) -> Select[Any]:
    """Narrow a select over `Idea` by the public filters; no filter means no narrowing."""
    if filters.bbox is not None:
        stmt = stmt.where(within_bbox(Idea.geom, filters.bbox))
    if filters.kinds:
        stmt = stmt.where(Idea.kind.in_(filters.kinds))
    if filters.categories:
        stmt = stmt.where(Idea.category.in_(filters.categories))
    if filters.statuses:
        stmt = stmt.where(Idea.status.in_(filters.statuses))
    if filters.since is not None:
        stmt = stmt.where(Idea.created_at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(Idea.created_at <= filters.until)
    if filters.sources:
        stmt = stmt.where(Idea.source.in_(filters.sources))
    if filters.districts:
        codes = select(District.id).where(District.code.in_(filters.districts))
        stmt = stmt.where(Idea.district_id.in_(codes))
    if filters.ids:
        stmt = stmt.where(Idea.id.in_(filters.ids))
    if filters.workshop_id is not None:
        stmt = stmt.where(Idea.workshop_id == filters.workshop_id)
    if filters.words is not None:
        # websearch_to_tsquery takes what people type ("cykel bana", "-parkering", "a or b")
        # and never fails on it; words it drops (Swedish stop words) match nothing.
        words = func.websearch_to_tsquery(SEARCH_CONFIG, filters.words)
        stmt = stmt.where(SEARCH_DOCUMENT.op("@@")(words))
    if filters.before_id is not None:
        stmt = stmt.where(Idea.id < filters.before_id)
    return stmt


def sorts_what_it_finds(filters: IdeaFilters) -> bool:
    """Whether a page of pins, newest first, sorts the pins found instead of reading ids back.

    For the words filter: PostgreSQL guessed a word's pins by its statistics, and for a word
    not in them read the pins backwards, working out each one's words, until it had a page:
    2.2 s for a word no pin has at 1.8M pins. Found in the words' index and sorted, the page
    took 5 ms, 66 ms for a word in 125,000 pins and 263 ms for one in 1.4M (EXPLAIN ANALYZE,
    bench.http's database).
    """
    return filters.words is not None


def newest_first(filters: IdeaFilters) -> ColumnElement[Any]:
    """The ORDER BY of a page of pins, newest first (see `sorts_what_it_finds`)."""
    return (unindexed(Idea.id) if sorts_what_it_finds(filters) else Idea.id).desc()


def newest_features(
    rows: Select[Any], filters: IdeaFilters, *, limit: int | None = None
) -> Select[Any]:
    """Pins' Feature texts (`feature_select`) of `rows`, found with `filters`, newest first."""
    return feature_select(
        rows,
        order_by="id",
        descending=True,
        sort_found=sorts_what_it_finds(filters),
        limit=limit,
    )


def public_idea_rows(filters: IdeaFilters, *, every_pin: bool = False) -> Select[Any]:
    """Published pins with the columns anyone may see: no author names, no supporter ids.

    A duplicate links to its original only while the original is published itself.

    `every_pin` is for reading (nearly) all of them, as an export does: the support counts
    and the originals are then joined (`_with_joined_counts`), which PostgreSQL runs in
    parallel workers, instead of looked up per pin by correlated subqueries, which keep every
    pin's work, its rendering included, in one process. The lookups stay the choice for a page
    or one pin: they read only the supports of the pins shown.
    """
    stmt = (
        published_ideas()
        .with_only_columns(
            Idea.id,
            Idea.geom,
            Idea.kind,
            Idea.category,
            Idea.title,
            Idea.body,
            Idea.status,
            Idea.answer,
            Idea.answer_en,
            Idea.answered_at,
            Idea.source,
            Idea.workshop_id,
            Idea.annotation_id,
            Idea.district_id,
            District.name.label("district"),
            Idea.created_at,
        )
        .outerjoin(District, District.id == Idea.district_id)
    )
    if every_pin:
        stmt = _with_joined_counts(stmt, filters)
    else:
        stmt = stmt.add_columns(
            support_count().label("support_count"),
            published_original("id").label("duplicate_of"),
            published_original("title").label("duplicate_of_title"),
        )
    return apply_filters(stmt, filters)


def public_idea_rows_from(rows: FromClause) -> Select[Any]:
    """`public_idea_rows`, read from `rows` instead of the table: rows with its columns.

    For pins an INSERT stores and RETURNs in the same statement (app.ideas.create), which
    the table does not show yet. The same columns and condition, published pins only; the
    lookups (supports, a duplicate's original) still read their tables.
    """
    return cast(Select[Any], ClauseAdapter(rows).traverse(public_idea_rows(IdeaFilters())))


@functools.cache
def public_feature_by_id() -> Select[Any]:
    """One published pin's `(feature, key)` (geo.geojson.feature_select), by `idea_id`.

    Built once per process: building it took 4 of the 15 ms a new pin cost (bench/), the
    same statement every time.
    """
    condition = Idea.id == bindparam("idea_id", type_=BigInteger)
    return feature_select(public_idea_rows(IdeaFilters()).where(condition))


def _with_joined_counts(stmt: Select[Any], filters: IdeaFilters) -> Select[Any]:
    """`stmt` with each pin's support count and published original joined, not looked up.

    Only the supports of the pins `filters` choose are counted: grouping every support first
    made a small filtered export take 0.41-0.52 s instead of 0.05 at 2.4M supports (bench/).
    """
    counted = select(Support.idea_id, func.count().label("n")).group_by(Support.idea_id)
    if filters != IdeaFilters():
        chosen = apply_filters(published_ideas().with_only_columns(Idea.id), filters)
        counted = counted.where(Support.idea_id.in_(chosen))
    counts = counted.subquery("supports_per_pin")
    original = aliased(Idea, name="original")
    return (
        stmt.add_columns(
            func.coalesce(counts.c.n, 0).label("support_count"),
            original.id.label("duplicate_of"),
            original.title.label("duplicate_of_title"),
        )
        .outerjoin(counts, counts.c.idea_id == Idea.id)
        .outerjoin(original, and_(original.id == Idea.duplicate_of, is_published(original)))
    )


def map_pin_rows(filters: IdeaFilters) -> Select[Any]:
    """The few columns the map needs to draw and label a pin; details load on demand."""
    stmt = published_ideas().with_only_columns(
        Idea.id,
        Idea.geom,
        Idea.kind,
        Idea.category,
        Idea.title,
        Idea.status,
    )
    return apply_filters(stmt, filters)
