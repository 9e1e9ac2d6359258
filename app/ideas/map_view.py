"""What the citizen map draws at a view: every pin, or cells of pins when there are many.

Two paths give the same rows: the pyramid's cells (app/ideas/counts.py), kept exact by a delta
log in the writers' own transactions, answer in milliseconds for filters on its dimensions
(kind, category, status, source); other filters (dates, ids, ...) count the published pins
straight. A test holds the two paths equal.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any, Protocol

from sqlalchemy import (
    Float,
    Integer,
    Select,
    String,
    bindparam,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import CTE, ColumnElement, Subquery

from app.db import BUILT_ONCE, first_row
from app.ideas.counts import PYRAMID, VERSION, pyramid_filters
from app.ideas.filters import IdeaFilters
from app.ideas.queries import map_pin_rows
from app.models import MAP_DIMENSIONS, Idea
from app.models.ideas import MAP_KEY, map_filter_key
from geo.filters import inside_bbox, within_bbox
from geo.geojson import feature_array, feature_select
from geo.grid import BoundView, CellRange, ViewCells, cluster_features, grid_cells
from geo.pyramid import MAX_ZOOM, matches, view_cells

ALWAYS_PINS_FROM_ZOOM = MAX_ZOOM + 1  # street level: cells would hold a few pins at most


def map_view(
    filters: IdeaFilters, zoom: int, limit: int, *, straight: bool = False
) -> tuple[Select[tuple[str, int, bool, bool, str]], dict[str, Any]]:
    """One statement and its parameters for the view `filters.bbox` at `zoom`.

    It answers one row, `(features, count, more, clustered, version)`: `version` is the map's
    data version (app.ideas.counts) in the same snapshot. Below street level, when the
    cells whose pins' mean lies in view, or the bbox, hold more than `limit` pins, the cells
    are sent (a lone pin as itself); otherwise every pin in view. At street level, every pin
    in view up to `limit` (`more` when there were others). `features` is the inside of the
    features array (geo.geojson.feature_array).

    Filters on the pyramid's dimensions read its cells, through a statement built once per
    shape (which dimensions, street level or not) with the view as parameters. Other filters,
    and `straight` (the reference path, for tests and benchmarks), count the cells from the
    pins with a statement built for this view, never prepared (see `_bound_statement`).
    """
    assert filters.bbox is not None
    pins_only = zoom >= ALWAYS_PINS_FROM_ZOOM
    dimensions = None if straight else pyramid_filters(filters)
    view = None if pins_only else CellRange.of(filters.bbox, zoom)
    if dimensions is None:
        cells = None
        if view is not None:
            cells = grid_cells(map_pin_rows(replace(filters, bbox=view.envelope())), view)
        members = map_pin_rows(replace(filters, bbox=None))
        statement = _view_statement(
            view, cells, map_pin_rows(filters), members, limit, filters.bbox
        )
        return statement.execution_options(prepare=False), {}  # planned for its values
    chosen = tuple(sorted(name for name, values in dimensions.items() if values))
    lone = all(len(dimensions[name]) == 1 for name in chosen)
    params: dict[str, Any] = {
        name: dimensions[name][0] if lone else list(dimensions[name]) for name in chosen
    }
    params.update({f"pins_bbox{i}": value for i, value in enumerate(filters.bbox)}, limit=limit)
    if view is not None:
        params.update(BoundView.values(view))
    singles = len(chosen) == 1 and PYRAMID.has_singles(zoom)
    return _bound_statement(chosen, lone=lone, pins_only=pins_only, singles=singles), params


def counted_straight(filters: IdeaFilters) -> bool:
    """Whether a view with these filters is counted from the pins, not read from the pyramid."""
    return pyramid_filters(filters) is None


class MapViewRow(Protocol):
    """A view's one row (`map_view`): its features array's inside, as text, and about it."""

    features: str
    count: int  # features in the array
    more: bool  # pins in view beyond the limit
    clustered: bool
    version: str  # the data's, as `map_version` reads it, in the view's snapshot


def read_map_view(
    connection: Connection, filters: IdeaFilters, zoom: int, limit: int
) -> MapViewRow:
    """The view's one row (`map_view`), on a connection of the map's pool (app.db).

    Through `first_row`: without a validator to check, it is the connection's first
    statement of the request, and a connection the server closed is replaced, not a 503.
    """
    statement, params = map_view(filters, zoom, limit)
    return first_row(connection, statement, params)


@functools.cache
def _bound_statement(
    dimensions: tuple[str, ...], *, lone: bool, pins_only: bool, singles: bool
) -> Select[Any]:
    """The map view's statement for filters on `dimensions`, every number a parameter.

    Building the statement for each request cost as much as running it (about 5 ms of
    Python at a million pins, bench/): there are only 70 shapes, each built once. `singles`:
    the zooms served keep cells split by the one dimension filtered on (`Pyramid.singles`).

    `lone`: every dimension filtered on has one value, bound as that value, not as an array.
    A generic plan takes an array parameter to hold ten values, each a scan of the index of
    pins by place and dimensions (ix_ideas_geom_dims), and for `kind` chose to read every pin
    in view and drop the others instead: 26.6 against 21.3 ms a view of concerns at zoom 14
    (bench.http's views on 1.8M pins, in process, interleaved).

    Prepared on the map's connections (app.db), so PostgreSQL parses it once and may plan it
    once, for every view (`plan_cache_mode` auto), except when several dimensions hold
    arrays: a generic plan cannot see how many values each holds, and for all four
    PostgreSQL planned to filter the cells instead of seeking them, 47 against 12 ms a view
    at zoom 14. With one value each they are prepared: bench.http's views with all four
    filters took 5.9 ms each planned every time, 3.5 ms prepared (240 views, 3 rounds each
    way, in process, taking turns, 1.2M pins).
    """
    value_type = String if lone else ARRAY(String)
    values = {name: bindparam(name, type_=value_type) for name in dimensions}
    by_key = lone and set(dimensions) == set(MAP_DIMENSIONS)
    bbox = tuple(bindparam(f"pins_bbox{i}", type_=Float) for i in range(4))
    pins, members = _bound_pins(values, bbox, by_key=by_key), _bound_pins(values)
    limit = bindparam("limit", type_=Integer)
    if pins_only:
        statement = _view_statement(None, None, pins, members, limit, bbox)
    else:
        view = BoundView()
        cells = view_cells(PYRAMID, view, values, singles=singles)
        statement = _view_statement(view, cells, pins, members, limit, bbox)
    return statement.execution_options(prepare=lone or len(dimensions) <= 1, **{BUILT_ONCE: True})


def _bound_pins(
    values: dict[str, Any], bbox: tuple[Any, ...] | None = None, *, by_key: bool = False
) -> Select[Any]:
    """`map_pin_rows` with its dimension filters (and `bbox`, if given) as parameters.

    The same conditions `apply_filters` writes (`= ANY` of an array, or `=` of a lone value,
    is `IN` its values); a test holds this path equal to the straight one. `by_key`: one value
    of each of the four, so pins in view are sought by their key too (ix_ideas_published_map_key).
    """
    stmt = map_pin_rows(IdeaFilters())
    for name, chosen in values.items():
        stmt = stmt.where(matches(Idea.__table__.c[name], chosen))
    if by_key:
        stmt = stmt.where(map_filter_key(*(values[name] for name in MAP_DIMENSIONS)) == MAP_KEY)
    if bbox is not None:
        stmt = stmt.where(within_bbox(Idea.geom, bbox))  # type: ignore[arg-type]
    return stmt


def _view_statement(
    view: ViewCells | None,
    cells: Select[Any] | None,
    pins: Select[Any],
    members: Select[Any],
    limit: Any,
    bbox: tuple[Any, ...],
) -> Select[tuple[str, int, bool, bool, str]]:
    """The view's one row from its cells (None at street level), its pins and all members.

    `bbox`: the view's, as `pins` test it (values, or the same parameters).
    """
    pin_rows = pins.add_columns(*PIN_MARKS)
    version = VERSION.scalar_subquery().label("version")
    if view is None or cells is None:
        walked = members.where(inside_bbox(Idea.geom, bbox)).add_columns(*PIN_MARKS)
        return _street_view(pin_rows, walked, limit, version)
    counted = cells.cte("view_cells")
    # Cells when those whose mean lies in view hold more than `limit` pins, or when the bbox
    # does: cells at its edges whose mean lies outside have pins inside it too, and a page of
    # the newest `limit` would have left the others out.
    # Each total is a CTE, summed once: the condition is written into several places, and as
    # a plain subquery PostgreSQL summed the cells again for each. 2.29-2.37 ms a view against
    # 2.55-2.65 (the mean time to run bench.http's views, as in geo.pyramid.view_cells).
    in_cells = select(func.coalesce(func.sum(counted.c.n), 0).label("n")).cte("cells_total")
    many_in_cells = select(in_cells.c.n).scalar_subquery() > limit
    found = _found(pin_rows.where(~many_in_cells))
    in_bbox = _counted_past(found, limit).cte("bbox_total")
    many_in_bbox = select(in_bbox.c.n).scalar_subquery() > limit
    clustered = or_(many_in_cells, many_in_bbox)
    shown = cluster_features(select(counted).where(clustered), members, view=view)
    by_cell = feature_array(feature_select(shown, strip_nulls=True)).subquery("by_cell")
    by_pin = _pin_page(found, limit, shown=~clustered).subquery("by_pin")
    return select(
        *(case((clustered, by_cell.c[name]), else_=by_pin.c[name]).label(name) for name in FIELDS),
        false().label("more"),  # pins are sent when the bbox holds at most `limit` of them
        clustered.label("clustered"),
        version,
    ).select_from(by_cell.join(by_pin, true()))


FIELDS = ("features", "count")  # of a feature array
PIN_MARKS = (literal(1).label("count"), false().label("cluster"))  # a pin is a feature of one
# A street-level view reads its pins and sorts them for the newest `limit` while it holds at
# most this many times `limit` (20,000 at MAP_PIN_LIMIT 500); beyond that it walks the newest
# pins by id instead (`_street_view`).
CROWDED_PER_LIMIT = 40


def _found(pins: Select[Any]) -> CTE:
    """`pins` found first, then ordered and counted (a CTE).

    With the ORDER BY and LIMIT on them, PostgreSQL may walk the primary key back from the
    newest pin and test every one, which is quick only when it meets `limit` of them soon.
    Below street level pins are sent only for views that hold fewer, so it read the whole
    table: 1.93M rows, 0.5-4.8 s for a z14 view of 1,407 pins (bench.http, population
    spread). A materialized CTE is not computed when unread.
    """
    return pins.cte("pins_in_view").prefix_with("MATERIALIZED")


def _street_view(
    pins: Select[Any], walked: Select[Any], limit: Any, version: Any
) -> Select[tuple[str, int, bool, bool, str]]:
    """A street-level view's row: its newest `limit` pins, and whether it holds more.

    `walked` holds the same pins as `pins`; a crowded view finds its newest by walking it back
    by id.

    Read whole, a view's pins cost time in step with how many there are, and the view holds a
    turn of the citizens' map (app.map_gates) all that time: the whole municipality at zoom 17
    (1,024,532 pins) took 1.01 s. Walked back by id, they cost in step with how sparse they are
    among all pins instead: the newest 501 of those in 0.8 ms, but 91,135 rows in 27.9 ms for
    a 1280×800 view in the centre at zoom 18 (1.2M pins by population), whose 5,498 pins read
    whole took 22 ms. So a view reads at most CROWDED_PER_LIMIT times `limit` pins, plus one
    to know it is crowded, and only a crowded one walks. EXPLAIN ANALYZE, five runs each: the
    whole municipality 962-1,072 → 22-25 ms, 8 km across the centre at zoom 17 (585,851 pins)
    547-572 → 60-82 ms; the view of 5,498 pins above, 21-32 → 24-35 ms (16 runs). Through
    the app, bench.map_views' 240 views at zoom 18 took 2.0-2.4 → 2.5-2.9 ms on average by
    population, 1.3-1.8 → 1.3-1.4 uniform (two runs each way, in process).
    `walked` tests the bbox on each row (geo.filters.inside_bbox): with `&&` a generic plan of
    the prepared view chose the spatial index and sorted every pin in view (626 ms).
    """
    most = limit * CROWDED_PER_LIMIT
    found = _found(pins.limit(most + 1))
    # Each total is a CTE, counted once (see the cells' totals in `_view_statement`).
    read = _counted_past(found, most).cte("street_total")
    crowded = select(read.c.n).scalar_subquery() > most
    newest = walked.where(crowded).order_by(Idea.id.desc()).limit(limit + 1)
    by_read = _pin_page(found, limit, shown=~crowded).subquery("pins")
    by_walk = _pin_page(newest.subquery("newest_pins"), limit).subquery("newest")
    # A crowded view holds more than `limit` pins: its first `most` + 1 are more already.
    more = _counted_past(found, limit).scalar_subquery() > limit
    return select(
        *(case((crowded, by_walk.c[name]), else_=by_read.c[name]).label(name) for name in FIELDS),
        more.label("more"),
        false().label("clustered"),
        version,
    ).select_from(by_read.join(by_walk, true()))


def _counted_past(found: CTE, limit: Any) -> Select[tuple[int]]:
    """SQL: `n`, how many pins `found` holds, counted no further than one past `limit`."""
    first = select(found.c.id).limit(limit + 1).subquery("first_pins")
    return select(func.count().label("n")).select_from(first)


def _pin_page(
    found: CTE | Subquery, limit: Any, *, shown: ColumnElement[bool] | None = None
) -> Select[tuple[str, int]]:
    """The newest `limit` pins `found` as a feature array; none unless `shown`.

    Whether there were more is counted apart (`_counted_past`): numbering the rows of a
    page of `limit + 1` to leave the last out, as a stream's pages do, cost a window and a
    second sort of the Features, 0.82 against 0.32-0.37 ms for 500 pins (EXPLAIN ANALYZE).
    """
    rows = select(found) if shown is None else select(found).where(shown)
    features = feature_select(rows, order_by="id", descending=True, limit=limit)
    return feature_array(features, descending=True)
