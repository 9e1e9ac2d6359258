"""Validating and storing a new pin. Nothing is written until every field has passed."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from shapely.geometry import Point
from sqlalchemy import (
    BigInteger,
    Connection,
    Select,
    Table,
    Text,
    bindparam,
    case,
    cast,
    column,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, DOUBLE_PRECISION
from sqlalchemy.orm import Session

from app.categories import CATEGORY_BY_SLUG, KINDS
from app.common import limits
from app.common.errors import InvalidField
from app.common.text import clean_text
from app.db import BUILT_ONCE, all_rows
from app.ideas.queries import public_idea_rows_from
from app.models import District, Idea
from app.planning.history import word_holds
from app.planning.wordlist import first_listed_word, padded_words
from geo.crs import AreaOfInterest
from geo.geojson import feature_select
from geo.i18n import N_
from geo.lookup import containing_polygon_id, lonlat_point
from geo.validate import parse_point


@dataclass(frozen=True)
class NewIdea:
    """A validated pin, ready to store."""

    point: Point
    kind: str
    category: str
    title: str
    body: str
    author_name: str | None


def parse_kind_and_category(
    props: dict[str, Any], *, naming_values: bool = False
) -> tuple[str, str]:
    """A known kind and a category that applies to it.

    `naming_values`: a refusal lists the values taken (an imported file is written by hand or
    in a GIS, not chosen from the form's lists, so "choose from the list" would not help).
    """
    kind = props.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        if naming_values:
            raise _not_one_of(N_("kind must be one of: %(choices)s."), "kind", KINDS)
        raise InvalidField(N_("Choose idea or concern."), field="kind", code="invalid_choice")
    category = props.get("category")
    if not isinstance(category, str) or category not in CATEGORY_BY_SLUG:
        if naming_values:
            message = N_("category must be one of: %(choices)s.")
            raise _not_one_of(message, "category", CATEGORY_BY_SLUG)
        raise InvalidField(
            N_("Choose a category from the list."), field="category", code="invalid_choice"
        )
    if kind not in CATEGORY_BY_SLUG[category].kinds:
        raise InvalidField(
            N_("This category does not apply to that kind."),
            field="category",
            code="invalid_choice",
        )
    return kind, category


def _not_one_of(message: str, field: str, choices: Iterable[str]) -> InvalidField:
    """The refusal of a value that is none of `choices`, which it lists."""
    return InvalidField(message, field=field, code="invalid_choice", choices=", ".join(choices))


def validate_new_idea(payload: Any, area: AreaOfInterest, *, from_file: bool = False) -> NewIdea:
    """Check a GeoJSON Feature from a client; unknown properties are ignored, never stored.

    `from_file`: a feature of an imported file, as a GIS writes it (a point may carry an
    altitude, geo.validate.parse_point), refused with the accepted values named.
    """
    if not isinstance(payload, dict) or payload.get("type") != "Feature":
        raise InvalidField(
            N_("The body must be a GeoJSON Feature."), field="type", code="invalid_feature"
        )
    point = parse_point(payload.get("geometry"), area, from_gis=from_file)
    props = payload.get("properties")
    if not isinstance(props, dict):
        raise InvalidField(N_("properties must be an object."), field="properties")
    kind, category = parse_kind_and_category(props, naming_values=from_file)
    title = clean_text(props.get("title"), "title", limits.TITLE, required=True)
    body = clean_text(props.get("body"), "body", limits.BODY, multiline=True)
    author = clean_text(props.get("author_name"), "author_name", limits.AUTHOR_NAME)
    assert title is not None
    return NewIdea(point, kind, category, title, body or "", author)


@dataclass(frozen=True)
class Provenance:
    """Where a pin came from: the web form, or a workshop's annotation (or paper, an import)."""

    source: str = "web"
    workshop_id: int | None = None
    annotation_id: int | None = None


FROM_THE_WEB = Provenance()


def store_idea(session: Session, idea: NewIdea, *, provenance: Provenance = FROM_THE_WEB) -> int:
    """Insert one pin (see `store_ideas`); returns its id."""
    return store_ideas(session, [(idea, provenance)]).ids[0]


@dataclass(frozen=True)
class StoredIdeas:
    """The ids of stored pins in the order they were given, and how many were held.

    `features`: each published pin's public Feature text by id, when they were asked for.
    """

    ids: list[int]
    held: int
    features: dict[int, str] = field(default_factory=dict)


def store_ideas(session: Session, ideas: Sequence[tuple[NewIdea, Provenance]]) -> StoredIdeas:
    """Insert the pins in one statement, each with its district looked up by a spatial join.

    Their visibility is decided in the same statement, once: a pin whose title or body
    contains a word of the moderators' list is stored `held` (not public), with the word in its
    history. The caller commits.
    """
    return _stored(session.execute(_insert_ideas(), _column_arrays(ideas)).all())


def store_ideas_committed(
    connection: Connection, ideas: Sequence[tuple[NewIdea, Provenance]]
) -> StoredIdeas:
    """Insert the pins as `store_ideas` does, on a connection in autocommit, with Features.

    The one statement stores and commits them all, or none (app.db.autocommit_connection),
    and answers each published pin's public Feature (`public_idea_rows_from` the rows it
    stored). A second statement to read them back cost a third of a batch: one pin stored
    and read took 1.52-1.55 ms, 0.49-0.55 ms of the app's CPU and 1.00 of PostgreSQL's,
    stored alone 1.00-1.01, 0.29-0.31 and 0.63-0.67 ms (300 batches, in process, 1.7M pins).
    """
    rows = all_rows(connection, _insert_ideas(with_features=True), _column_arrays(ideas))
    features = {int(row.id): str(row.feature) for row in rows if row.feature is not None}
    return replace(_stored(rows), features=features)


def _stored(rows: Sequence[Any]) -> StoredIdeas:
    """The ids and holds that `_insert_ideas` returned."""
    return StoredIdeas([int(row.id) for row in rows], sum(bool(row.held) for row in rows))


def _column_arrays(ideas: Sequence[tuple[NewIdea, Provenance]]) -> dict[str, list[Any]]:
    """The pins' values as one list per column, the parameters of `_insert_ideas`."""
    return {
        "kind": [idea.kind for idea, _ in ideas],
        "category": [idea.category for idea, _ in ideas],
        "title": [idea.title for idea, _ in ideas],
        "body": [idea.body for idea, _ in ideas],
        "author_name": [idea.author_name for idea, _ in ideas],
        "lon": [idea.point.x for idea, _ in ideas],
        "lat": [idea.point.y for idea, _ in ideas],
        "source": [provenance.source for _, provenance in ideas],
        "workshop_id": [provenance.workshop_id for _, provenance in ideas],
        "annotation_id": [provenance.annotation_id for _, provenance in ideas],
        "title_words": [padded_words(idea.title) for idea, _ in ideas],
        "body_words": [padded_words(idea.body) for idea, _ in ideas],
    }


_TEXT_ARRAY = ARRAY(Text)
_ARRAY_COLUMNS = {
    "kind": _TEXT_ARRAY,
    "category": _TEXT_ARRAY,
    "title": _TEXT_ARRAY,
    "body": _TEXT_ARRAY,
    "author_name": _TEXT_ARRAY,
    "lon": ARRAY(DOUBLE_PRECISION),
    "lat": ARRAY(DOUBLE_PRECISION),
    "source": _TEXT_ARRAY,
    "workshop_id": ARRAY(BigInteger),
    "annotation_id": ARRAY(BigInteger),
    "title_words": _TEXT_ARRAY,  # app.planning.wordlist.padded_words, not stored
    "body_words": _TEXT_ARRAY,
}
_STORED_AS_GIVEN = [
    name for name in _ARRAY_COLUMNS if name not in ("lon", "lat", "title_words", "body_words")
]


@functools.cache
def _insert_ideas(*, with_features: bool = False) -> Select[Any]:
    """Store the pins given as one array per column (`unnest`); their ids and held, in order.

    `with_features`: each row also has `feature`, the pin's public Feature text, or NULL
    when it was held.

    One statement for one pin or a thousand, the same text every time: built once per process,
    with the values as array parameters named after the columns. Each pin is numbered from the
    ideas' sequence in the input's order (PostgreSQL evaluates nextval after ORDER BY), matched
    against the word list, then stored, its hold written to its history by the same statement.
    """
    arrays = [cast(bindparam(name), array) for name, array in _ARRAY_COLUMNS.items()]
    given = (
        func.unnest(*arrays)
        .table_valued(
            *(column(name, array.item_type) for name, array in _ARRAY_COLUMNS.items()),
            with_ordinality="position",
        )
        .render_derived(name="given")
    )
    table: Table = Idea.__table__  # type: ignore[assignment]
    numbered = (
        select(
            given.c.position,
            func.nextval(
                func.pg_get_serial_sequence(literal(table.name, Text), literal("id", Text))
            ).label("id"),
            *(given.c[name] for name in _STORED_AS_GIVEN),
            lonlat_point(given.c.lon, given.c.lat).label("geom"),
            first_listed_word(given.c.title_words, given.c.body_words).label("held_word"),
        )
        .order_by(given.c.position)
        .cte("numbered")
    )
    visibility = case((numbered.c.held_word.is_(None), "published"), else_="held")
    rows = select(
        numbered.c.id,
        *(numbered.c[name] for name in _STORED_AS_GIVEN),
        visibility,
        literal("new"),
        numbered.c.geom,
        containing_polygon_id(District.__table__, numbered.c.geom),
    )
    columns = ["id", *_STORED_AS_GIVEN, "visibility", "status", "geom", "district_id"]
    # The table, not the ORM entity: an ORM insert would read the parameters as rows.
    returned = table.c if with_features else [table.c.id]
    stored = insert(table).from_select(columns, rows).returning(*returned).cte("stored")
    holds = (
        select(numbered.c.id.label("idea_id"), numbered.c.held_word.label("word"))
        .where(numbered.c.held_word.is_not(None))
        .subquery("holds")
    )
    held = word_holds(holds).returning(literal(1)).cte("held")
    result = select(numbered.c.id, numbered.c.held_word.is_not(None).label("held"))
    if with_features:
        # The stored rows as RETURNING gives them: the table itself, read in the same
        # statement, would not show them yet.
        features = feature_select(public_idea_rows_from(stored)).subquery("features")
        result = result.add_columns(features.c.feature).outerjoin(
            features, features.c.key == numbered.c.id
        )
    return (
        result.order_by(numbered.c.position)
        .add_cte(stored, held)
        # app.db.all_rows runs its compiled SQL, prepared at once: the same text every time.
        .execution_options(prepare=True, **{BUILT_ONCE: True})
    )
