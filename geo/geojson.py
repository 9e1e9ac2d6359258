"""GeoJSON FeatureCollections built by PostGIS and streamed in chunks.

Python never parses the features: PostgreSQL renders each row as Feature text and we join it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    Integer,
    Numeric,
    Select,
    Text,
    func,
    literal,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from geo.rows import Fetch, fetch_rows

COORDINATE_DECIMALS = 6  # about 0.1 m: more is noise, less moves pins
GEOJSON_MEDIA_TYPE = "application/geo+json"
DISPLAY_TOLERANCE_DEGREES = 0.00005  # a lighter outline for drawing: 3-5 m at Umeå's latitude
# As `stream_feature_collection` writes a collection it found nothing for.
EMPTY_FEATURE_COLLECTION = '{"type":"FeatureCollection","features":[],"numberReturned":0}'


def simplified_for_display(geom: Any) -> Any:
    """SQL: a lighter outline of `geom` for drawing, topology kept."""
    return func.ST_SimplifyPreserveTopology(geom, DISPLAY_TOLERANCE_DEGREES)


def unindexed(column: Any) -> ColumnElement[Any]:
    """SQL: `column` as a value no index holds (`id + 0`).

    Ordered by it, PostgreSQL sorts the rows it found instead of reading them in an index's
    order and testing each: the way to a bounded plan when a filter finds few rows that its
    statistics cannot foresee (app.ideas.queries.sorts_what_it_finds).
    """
    return column + 0


def feature_select(
    rows: Select[Any],
    *,
    id_column: str = "id",
    geom_column: str = "geom",
    order_by: str | None = None,
    descending: bool = False,
    sort_found: bool = False,
    limit: int | None = None,
    strip_nulls: bool = False,
    id_property: bool = False,
) -> Select[tuple[str, Any]]:
    """Select `(feature, key)`: one GeoJSON Feature text per row of `rows`, and its id.

    Every column of `rows` other than the id and the geometry becomes a property, so the caller
    decides what is public by what it selects; with `id_property` the id is one as well (a GIS
    reads the properties, not the Feature's id). With `strip_nulls`, NULL properties are left
    out (for rows of mixed kinds, such as clusters and single pins). A geometry column of
    type JSON is taken as GeoJSON already written (`point_json`). With `sort_found`, the rows
    found are sorted by `order_by`, never read in the order of an index on it.
    """
    sub = rows.subquery("feature_rows")
    left_out = (geom_column,) if id_property else (id_column, geom_column)
    members = [
        _member(column.name, column, strip_null=strip_nulls)
        for column in sub.c
        if column.name not in left_out
    ]
    # Joined as text: json_build_object, with the geometry parsed back into json, took 8.3 ms
    # for 2,180 map pins against 5.0 ms (bench/); each value as JSON text (`_json_text`).
    # Column by column, not ST_AsGeoJSON(record): a whole-row reference keeps the subquery
    # from being merged into the query, so PostgreSQL rendered the rows above its Gather, in
    # one process. A million pins: 8.6 s that way, 6.6-7.3 s this way in one process, and
    # 4.6-5.6 s in parallel (COPY of the export's statement, bench/README.md).
    feature = joined_text(
        sql_text('{"type":"Feature","id":'),
        _json_or_null(_json_text(sub.c[id_column])),
        sql_text(',"geometry":'),
        _json_or_null(_geometry_text(sub.c[geom_column])),
        sql_text(',"properties":{'),
        func.concat_ws(sql_text(","), *members),
        sql_text("}}"),
    )
    stmt = select(feature.label("feature"), sub.c[id_column].label("key"))
    if order_by is not None:
        key = unindexed(sub.c[order_by]) if sort_found else sub.c[order_by]
        stmt = stmt.order_by(key.desc() if descending else key.asc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return stmt


def _geometry_text(geometry: ColumnElement[Any]) -> ColumnElement[str]:
    """SQL: GeoJSON text of a geometry column, or the column itself when it is already GeoJSON."""
    if isinstance(geometry.type, JSON):
        return geometry.cast(Text)
    return func.ST_AsGeoJSON(geometry, COORDINATE_DECIMALS)


def micro_degrees(value: Any) -> Any:
    """SQL: a coordinate (a double) in whole millionths: the precision GeoJSON is written with."""
    scale = literal_column(str(10**COORDINATE_DECIMALS), Numeric)
    return func.round(value * scale).cast(BigInteger)


def millionths_text(whole: ColumnElement[Any]) -> ColumnElement[str]:
    """SQL: a whole number of millionths (an integer) as the text of a JSON number.

    Written as ST_AsGeoJSON writes coordinates, without trailing zeros (`20.10498`): the
    double nearest the value, in PostgreSQL's shortest text that reads back as that double,
    which for at most six decimals and fifteen digits is the decimal itself (below 0.0001 in
    exponent form, `5e-05`, the same number to JSON). A session's `extra_float_digits` of 0
    down to -6 writes 15 down to 9 significant digits instead: the same text. A mean as a
    numeric's text took 0.46 µs a coordinate, as a double's 0.12 (psql, the 51,231 cells of
    zoom 14, 1.24M pins).
    """
    scale = literal_column(str(10**COORDINATE_DECIMALS), Float)
    return (whole.cast(Float) / scale).cast(Text)


def point_json(lon: ColumnElement[str], lat: ColumnElement[str]) -> ColumnElement[Any]:
    """SQL: a GeoJSON Point of two coordinates' text, as JSON (feature_select writes it as is)."""
    text = joined_text(
        sql_text('{"type":"Point","coordinates":['), lon, sql_text(","), lat, sql_text("]}")
    )
    return type_coerce(text, JSON)


def bbox_json(corners: Sequence[ColumnElement[Any]]) -> ColumnElement[Any]:
    """SQL: a bbox's corners (doubles) as a JSON array, each to COORDINATE_DECIMALS places."""
    parts: list[ColumnElement[str]] = []
    for corner in corners:
        number = millionths_text(micro_degrees(corner))
        parts.extend((sql_text(","), number) if parts else (number,))
    return type_coerce(joined_text(sql_text("["), *parts, sql_text("]")), JSON)


def joined_text(*pieces: ColumnElement[str]) -> ColumnElement[str]:
    """SQL: pieces of text that are never NULL, joined with `||`.

    concat() takes any type and converts each argument through its output function: joining
    a map cluster's Feature took 1.9 µs that way, 1.6 µs this way (psql, 51,231 cells).
    """
    joined = pieces[0]
    for piece in pieces[1:]:
        joined = joined.concat(piece)
    return joined


def sql_text(value: str) -> ColumnElement[str]:
    """A constant string written into the statement, not a parameter.

    A Feature has five such pieces and one per property; as parameters they had brought the
    map's statement to 88, whose placeholders psycopg parses again on every run of a statement
    that long (it caches only statements under 4 KB with at most 50 parameters).
    """
    return literal_column("'" + value.replace("'", "''") + "'", Text)


def _json_or_null(rendered: ColumnElement[Any]) -> ColumnElement[str]:
    """JSON text, or `null` for SQL NULL."""
    return func.coalesce(rendered, sql_text("null"))


def _json_text(value: ColumnElement[Any]) -> ColumnElement[str]:
    """SQL: a value as JSON text (NULL for NULL).

    Integers, booleans and JSON are their own JSON text; to_json, which the rest need (it
    escapes strings), looks up the value's type on every call: 3,000 map pins rendered in
    8.0 ms with it for their id, count and cluster, 6.8 ms without.
    """
    if isinstance(value.type, Integer | Boolean | JSON):
        return value.cast(Text)
    if isinstance(value.type, DateTime):
        # To the millisecond, what GDAL keeps: pyogrio rounded 59.9996 s up to 1,000 ms and
        # failed on the whole layer, one pin in 2,000 (tests/ogc/test_oapif.py).
        value = func.date_trunc("milliseconds", value, type_=value.type)
    return func.to_json(value).cast(Text)


def _member(name: str, value: ColumnElement[Any], *, strip_null: bool) -> ColumnElement[str]:
    """`"name":value` as text; with `strip_null`, NULL (left out by concat_ws) for a NULL."""
    rendered = _json_text(value)
    key = sql_text(json.dumps(name) + ":")
    return key.concat(rendered if strip_null else _json_or_null(rendered))


def stream_feature_collection(
    session: Session,
    features: Select[Any],
    *,
    page_size: int | None = None,
    members: Mapping[str, Any] | None = None,
    next_page_members: Callable[[Any], Mapping[str, Any]] | None = None,
    chunk_rows: int = 500,
    fetch: Fetch = "cursor",
) -> Generator[str, None, None]:
    """Yield a FeatureCollection as text chunks.

    With `page_size`, `features` should be limited to `page_size + 1` rows: the extra row only
    tells that a next page exists, and `next_page_members(last_key)` then adds its links.
    `members` are extra top-level keys written after the features.

    Rows are fetched as `fetch` says (geo.rows.fetch_rows), `chunk_rows` at a time.
    """
    rows, close = fetch_rows(session, features, fetch, chunk_rows)
    count = 0
    last_key: Any = None
    has_more = False
    buffer: list[str] = []
    # The cursor is closed however the stream ends, a client hanging up included.
    try:
        yield '{"type":"FeatureCollection","features":['
        for feature, key in rows:
            if page_size is not None and count == page_size:
                has_more = True
                break
            buffer.append(feature if count == 0 else "," + feature)
            count += 1
            last_key = key
            if len(buffer) >= chunk_rows:
                yield "".join(buffer)
                buffer.clear()
    finally:
        close()
    if buffer:
        yield "".join(buffer)
    extra: dict[str, Any] = {"numberReturned": count, **(members or {})}
    if has_more and next_page_members is not None:
        extra.update(next_page_members(last_key))
    yield "]" + "".join(f",{json.dumps(k)}:{json.dumps(v)}" for k, v in extra.items()) + "}"


def feature_array(
    features: Select[Any], *, descending: bool | None = None
) -> Select[tuple[str, int]]:
    """SQL: one row `(features, count)` of the rows of a `feature_select`.

    `features` is their Feature texts joined by commas (the inside of a JSON array), in key
    order (`descending` True or False) or in no particular order (None); `count` how many.
    For bodies small enough to build whole: one round trip, no cursor.
    """
    page = features.subquery("page")
    separator: Any = literal(",", Text)
    if descending is not None:
        order = page.c.key.desc() if descending else page.c.key
        separator = aggregate_order_by(separator, order)
    joined = func.string_agg(page.c.feature, separator)
    return select(
        func.coalesce(joined, "").label("features"), func.count().label("count")
    ).select_from(page)


def collection_text(features: str, members: Mapping[str, Any]) -> str:
    """A FeatureCollection from the inside of its features array and its other members.

    The members are written as UTF-8 text ("å", not an escape), as PostGIS writes the features.
    """
    rest = "".join(
        f",{json.dumps(k, ensure_ascii=False)}:{json.dumps(v, ensure_ascii=False)}"
        for k, v in members.items()
    )
    return '{"type":"FeatureCollection","features":[' + features + "]" + rest + "}"
