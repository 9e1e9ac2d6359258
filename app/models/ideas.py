"""Pins (ideas and concerns) and their supports.

Enumerated columns are text with CHECK constraints (not PostgreSQL enums), so adding a value
is a one-line migration. Personal data (author_name, supporter ids) sits in columns that public
serializers never select.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ColumnElement,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    and_,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.categories import SOURCES, STATUSES, VISIBILITIES
from app.models.base import Base, one_of
from app.models.map import MAP_DIMENSIONS


class Idea(Base):
    """A citizen's pin: an idea or a concern at a place."""

    __tablename__ = "ideas"
    __table_args__ = (
        CheckConstraint(one_of("kind", ["idea", "concern"]), name="kind_known"),
        CheckConstraint(one_of("visibility", VISIBILITIES), name="visibility_known"),
        CheckConstraint(one_of("status", tuple(STATUSES)), name="status_known"),
        CheckConstraint(one_of("source", SOURCES), name="source_known"),
        # The district layer counts published pins by district, kind and category from this
        # index alone (an index-only scan), not from the table.
        Index(
            "ix_ideas_published_district_kind_category",
            "district_id",
            "kind",
            "category",
            postgresql_where=text("visibility = 'published'"),
        ),
        # The map's pins in view with its filters, found in the index (btree_gist, migration
        # 0010) instead of read from the table and dropped: a view of concerns at zoom 14
        # read 9,293 pins to keep 1,832 (bench.http, 1.8M pins).
        Index(
            "ix_ideas_geom_dims",
            "geom",
            "kind",
            "category",
            "status",
            "source",
            "visibility",
            postgresql_using="gist",
        ),
        # One pin per workshop annotation: promoting it twice is refused by the database too.
        Index(
            "ix_ideas_workshop_annotation",
            "workshop_id",
            "annotation_id",
            unique=True,
            postgresql_where=text("workshop_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text, default="")
    author_name: Mapped[str | None] = mapped_column(String(80))  # personal data
    visibility: Mapped[str] = mapped_column(String(20), default="published", index=True)
    status: Mapped[str] = mapped_column(String(20), default="new")
    answer: Mapped[str | None] = mapped_column(Text)  # the municipality's answer, in Swedish
    answer_en: Mapped[str | None] = mapped_column(Text)  # optionally, the same in English
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(20), default="web")
    workshop_id: Mapped[int | None] = mapped_column(BigInteger)
    annotation_id: Mapped[int | None] = mapped_column(BigInteger)
    # Marked by a planner as saying the same as another pin; its supports stay its own.
    duplicate_of: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL"), index=True
    )
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("districts.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    geom: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326, spatial_index=True))


def map_filter_key(*values: Any) -> ColumnElement[str]:
    """The map's four filter values (MAP_DIMENSIONS, in order) as one text: `idea/traffic/new/web`.

    Of the columns, it is what the index below holds; of parameters, what a view with one value
    of each seeks in it. Both must build it here: PostgreSQL uses the index only for the very
    expression it was made of (the separator a constant, not a parameter). Each step is
    bracketed as PostgreSQL writes the index back, so that Alembic finds the two the same.
    """
    separator = literal_column("'/'", Text)
    key: ColumnElement[str] = values[0]
    for value in values[1:]:
        key = key.op("||", return_type=Text)(separator).op("||", return_type=Text)(value)
    return key


# The map's pins in view filtered on all four dimensions, each to one value, found in one
# probe of a spatial tree per combination (migration 0015). ix_ideas_geom_dims, led by the
# place, keeps the dimensions as ranges that narrow nothing in its inner pages: for 326 such
# pins among 31,164 in a view at zoom 14 it read 633 pages in 16.3 ms, this one 46 in 0.7 ms
# (EXPLAIN ANALYZE, bench.http's database, 2.3M pins).
# Only a query that writes the key may use it (the key's IS NOT NULL follows from `key = ...`):
# by place alone PostgreSQL chose it for unfiltered pins at zoom 18, 1.61 against 0.92 ms a
# view with the index of pins by place (bench.http's 40 views, EXPLAIN ANALYZE, best of 3).
# MAP_KEY: the pin's key, as the index holds it.
MAP_KEY = map_filter_key(*(Idea.__table__.c[name] for name in MAP_DIMENSIONS))
Index(
    "ix_ideas_published_map_key",
    MAP_KEY,
    Idea.__table__.c.geom,
    postgresql_using="gist",
    postgresql_where=and_(text("visibility = 'published'"), MAP_KEY.is_not(None)),
)


def search_document(title: ColumnElement[str], body: ColumnElement[str]) -> ColumnElement[Any]:
    """A pin's words for text search: its title and description, stemmed as Swedish.

    The filter `q` and the index below both build it here: PostgreSQL uses the index only for
    the very expression it was made of. Bracketed as PostgreSQL writes the index back, so that
    Alembic finds the two the same.
    """
    words = title.op("||", return_type=Text)(literal_column("' '", Text)).op(
        "||", return_type=Text
    )(body)
    return func.to_tsvector(SEARCH_CONFIG, words)


# The language the words are stemmed in ("cyklar" finds "cykel"): most pins are Swedish.
# Text, not a column: an index finds its table from the first column in its expression.
SEARCH_CONFIG = text("'swedish'::regconfig")
SEARCH_DOCUMENT = search_document(Idea.__table__.c.title, Idea.__table__.c.body)
Index(
    "ix_ideas_published_words",
    SEARCH_DOCUMENT,
    postgresql_using="gin",
    postgresql_where=text("visibility = 'published'"),
)


class Support(Base):
    """One person's +1 on a pin; the supporter is an opaque id, never an address."""

    __tablename__ = "supports"

    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    supporter_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # personal data
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
