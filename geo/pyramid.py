"""A pyramid of map-grid cells, one layer per zoom, kept exact by a log of signed deltas.

Grouping a million points for every view is too slow (a median of 909 ms for the whole city at
zoom 10), so each point is counted once into its cell at every zoom, per combination of the
dimensions a view may filter on. Writers never touch the cells: a new, hidden or changed point
only appends a +1/-1 row to the delta log (a trigger, in the writer's own transaction), so no two
writers queue on the few low-zoom cells that every point falls in. Readers add the log's rows to
the cells they read; a single folder now and then moves the log into the cells in one
transaction. Every reader therefore sees exact counts, fresh after every commit.

Tables (made by the app's migrations), with `dimensions` text columns in all but state:
- cells: zoom, cx, cy, *dimensions, n, sum_lon, sum_lat, sum_id (whole micro-degrees, ids);
- totals (optional): the same without the dimensions, all points per cell, for unfiltered views;
- singles (optional): the same split by one dimension each, for views filtered by that one,
  up to a zoom (past it cells hold a few points, and the split cells are as few to read);
- deltas: id (serial), item_id, sign (+1/-1), lon, lat, *dimensions, and what rollups key by;
- state: one row, epoch: bumped by every fold, so (epoch, number of deltas) versions the data;
- rollups, each: *key, *dimensions, n: the same points counted by another key computed from
  their coordinates (a hexagon of a fixed size), folded from the same log in the same statement.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Dialect,
    Float,
    Integer,
    Select,
    Table,
    any_,
    bindparam,
    column,
    delete,
    func,
    literal,
    select,
    true,
    union_all,
    update,
    values,
)
from sqlalchemy.dialects.postgresql import ARRAY, REGCLASS, insert
from sqlalchemy.orm import Session

from geo.geojson import micro_degrees
from geo.grid import ViewCells, cell_index, cell_size_m, mean_in_view

# A dimension's chosen values, or a parameter carrying them: an array, or the one value.
Values = Sequence[str] | ColumnElement[Any]
MAX_ZOOM = 16  # from street level up, a view shows its points, not cells
FOLD_LOCK = 0x6D6170  # advisory lock key: one folder at a time, whichever process


@dataclass(frozen=True)
class Rollup:
    """A table counting the pyramid's points by `key`: SQL of a delta row -> one value a column.

    The key is computed from the columns the log keeps of a point: its coordinates (a hexagon)
    or another column logged with it (a district).

    The table has the `key_columns`, the `dimensions` it is split by (some of the pyramid's,
    or none: a rollup of totals, read by unfiltered views only) and `n`, with a unique key on
    the key columns and dimensions.
    """

    table: Table
    key_columns: tuple[str, ...]
    key: Callable[[Any], Sequence[Any]]
    dimensions: tuple[str, ...]

    def keyed(self, rows: Any) -> list[Any]:
        """The key of each delta of `rows`, labelled with the key columns' names."""
        key = self.key(rows)
        return [v.label(name) for name, v in zip(self.key_columns, key, strict=True)]

    def serves(self, filters: Mapping[str, Values]) -> bool:
        """Whether every dimension filtered on (with values) is one this rollup is split by."""
        return all(name in self.dimensions for name, values in filters.items() if values)


def serving(rollups: Sequence[Rollup], filters: Mapping[str, Values]) -> Rollup:
    """The first of `rollups` (list them smallest first) that serves `filters`."""
    for rollup in rollups:
        if rollup.serves(filters):
            return rollup
    raise ValueError(f"no rollup is split by every dimension of {dict(filters)}")


@dataclass(frozen=True)
class CellTable:
    """A table of the pyramid's cells, the dimensions it is split by, and its last zoom."""

    table: Table
    dimensions: tuple[str, ...]
    max_zoom: int = MAX_ZOOM


@dataclass(frozen=True)
class Pyramid:
    """The tables of one pyramid, the dimensions its cells are split by, and its rollups.

    With `totals`, the cells are also kept unsplit, and views without filters read those.
    With `singles` (dimension, table), they are also kept split by that dimension alone up to
    `singles_max_zoom`, and views at those zooms filtered by it alone read that table.
    """

    cells: Table
    deltas: Table
    state: Table
    dimensions: tuple[str, ...]
    rollups: tuple[Rollup, ...] = ()
    totals: Table | None = None
    singles: tuple[tuple[str, Table], ...] = ()
    singles_max_zoom: int = MAX_ZOOM

    def has_singles(self, zoom: int) -> bool:
        """Whether cells at `zoom` are kept split by one dimension each."""
        return bool(self.singles) and zoom <= self.singles_max_zoom

    def cells_for(
        self, filters: Mapping[str, Values], *, singles: bool
    ) -> tuple[Table, Mapping[str, Values]]:
        """The cell table a view with these filters reads, and the filters left to apply.

        `singles`: whether the view's zoom has them (`has_singles`).
        """
        chosen = [
            name for name, values in filters.items() if isinstance(values, ColumnElement) or values
        ]
        if not chosen and self.totals is not None:
            return self.totals, {}
        single = dict(self.singles).get(chosen[0]) if singles and len(chosen) == 1 else None
        return (self.cells if single is None else single), filters

    def cell_tables(self) -> tuple[CellTable, ...]:
        """Every cell table a fold adds to."""
        totals = () if self.totals is None else (CellTable(self.totals, ()),)
        singles = tuple(
            CellTable(table, (name,), self.singles_max_zoom) for name, table in self.singles
        )
        return (CellTable(self.cells, self.dimensions), *totals, *singles)

    def _where(self, table: Table, filters: Mapping[str, Values]) -> list[Any]:
        """Conditions for the chosen values of some dimensions (all values when absent)."""
        unknown = set(filters) - set(self.dimensions)
        if unknown:
            raise ValueError(f"not a dimension of the pyramid: {sorted(unknown)}")
        return [
            matches(table.c[name], values)
            for name, values in filters.items()
            if isinstance(values, ColumnElement) or values
        ]


def matches(target: Any, chosen: Values) -> ColumnElement[bool]:
    """SQL: `target` holds one of the `chosen` values.

    They are a sequence, an array parameter, or the parameter of a lone value, which a generic
    plan can seek an index by (a parameter array is taken to hold ten values).
    """
    if not isinstance(chosen, ColumnElement):
        return target.in_(chosen)
    return target == any_(chosen) if isinstance(chosen.type, ARRAY) else target == chosen


def view_cells(
    pyramid: Pyramid, view: ViewCells, filters: Mapping[str, Values], *, singles: bool
) -> Select[Any]:
    """The cells of a view from the pyramid (cx, cy, n, sum_lon, sum_lat, sum_id).

    The same columns and rows as `geo.grid.grid_cells` gives for the same points counted
    straight, in a few milliseconds however many points there are. A filter's values may be
    a parameter (an array) instead, for a statement built once (`geo.grid.BoundView`), whose
    zoom is a parameter too: `singles` says whether the zooms it serves have single splits
    (`Pyramid.has_singles`).
    """
    if isinstance(view.zoom, int) and view.zoom > MAX_ZOOM:
        raise ValueError(f"the pyramid stops at zoom {MAX_ZOOM}")
    if isinstance(view.zoom, int) and singles and not pyramid.has_singles(view.zoom):
        raise ValueError(f"no single splits at zoom {view.zoom}")
    cells, filters = pyramid.cells_for(filters, singles=singles)
    deltas = pyramid.deltas
    counted = select(
        cells.c.cx, cells.c.cy, cells.c.n, cells.c.sum_lon, cells.c.sum_lat, cells.c.sum_id
    ).where(
        cells.c.zoom == view.zoom,
        # Each column of cells as its own index range: a range on cx alone would read every
        # cell of those columns, from the north of the municipality to its south.
        cells.c.cx == any_(view.columns()),
        cells.c.cy.between(*view.cy),
        *pyramid._where(cells, filters),
    )
    if not _one_row_per_cell(pyramid, cells, filters):
        counted = _summed_by_cell(counted.subquery("split"))
    dcx, dcy = cell_index(deltas.c.lon, deltas.c.lat, view.size)
    min_lon, min_lat, max_lon, max_lat = view.envelope()
    logged = select(
        dcx.label("cx"),
        dcy.label("cy"),
        deltas.c.sign.label("n"),
        (deltas.c.sign * micro_degrees(deltas.c.lon)).label("sum_lon"),
        (deltas.c.sign * micro_degrees(deltas.c.lat)).label("sum_lat"),
        (deltas.c.sign * deltas.c.item_id).label("sum_id"),
    ).where(
        deltas.c.lon.between(min_lon, max_lon),
        deltas.c.lat.between(min_lat, max_lat),
        # Here, not on the join: PostgreSQL pushed a cx range on a union of both down into
        # the cells' scan, chose it over the columns' array and read whole columns again. At
        # 1M pins, 60 views at zoom 12 ran 6.1 ms each that way, 4.4 ms then (EXPLAIN ANALYZE).
        dcx.between(*view.cx),
        dcy.between(*view.cy),
        *pyramid._where(deltas, filters),
    )
    # The cells as read, and the log's few rows summed per cell, joined: the log's changes
    # are added to their cells. Summed together as a union, every cell went through a sort
    # and numeric sums for the few the log had changed. PostgreSQL's mean time to run a view
    # of bench.http's set (40 a zoom, 1.1M pins, EXPLAIN ANALYZE without timing, best of 4
    # rounds, two runs each way): 1.97-2.19 ms against 2.54-2.56 unfiltered, 1.78-1.95 against
    # 2.05-2.15 for one kind.
    kept = counted.subquery("kept")
    changed = _summed_by_cell(logged.subquery("logged")).subquery("changed")
    both = kept.join(changed, (kept.c.cx == changed.c.cx) & (kept.c.cy == changed.c.cy), full=True)
    summed = select(
        func.coalesce(kept.c.cx, changed.c.cx).label("cx"),
        func.coalesce(kept.c.cy, changed.c.cy).label("cy"),
        *(
            (func.coalesce(kept.c[name], 0) + func.coalesce(changed.c[name], 0)).label(name)
            for name in SUMS
        ),
    ).select_from(both)
    return mean_in_view(summed.subquery("summed"), view)


SUMS = ("n", "sum_lon", "sum_lat", "sum_id")  # a cell's columns that add up


def _summed_by_cell(rows: Any) -> Select[Any]:
    """`rows` (cx, cy and the SUMS) added up per cell, each sum a bigint."""
    return select(
        rows.c.cx,
        rows.c.cy,
        *(func.sum(rows.c[name]).cast(BigInteger).label(name) for name in SUMS),
    ).group_by(rows.c.cx, rows.c.cy)


def _one_row_per_cell(pyramid: Pyramid, table: Table, filters: Mapping[str, Values]) -> bool:
    """Whether `table`, read with `filters`, holds at most one row for a cell.

    So it is when each dimension the table is split by is filtered to one value.
    """
    return all(
        name in filters and _one_value(filters[name])
        for name in pyramid.dimensions
        if name in table.c
    )


def _one_value(chosen: Values) -> bool:
    """Whether `chosen` (as `matches` takes it) holds exactly one value."""
    if isinstance(chosen, ColumnElement):
        return not isinstance(chosen.type, ARRAY)
    return len(chosen) == 1


def take_fold_turn(session: Session) -> None:
    """Wait for any other process's fold to commit; held until this transaction ends.

    Advisory locks stack within a session, so a fold after this takes it again at once.
    """
    session.execute(select(func.pg_advisory_xact_lock(FOLD_LOCK)))


def fold(session: Session, pyramid: Pyramid, *, limit: int | None = None) -> int:
    """Move committed deltas into the cells, at every zoom; returns how many moved.

    The deltas are taken, counted into the cells and deleted in one statement, so one snapshot
    decides which: a delta not yet committed stays for the next fold. With `limit`, only the
    oldest `limit` deltas move (a backlog folds in batches, each within a statement timeout).
    Folds in several processes queue on an advisory lock, taken before that statement starts
    (`take_fold_turn`). The caller commits; readers see the log before or the cells after,
    never both or neither.
    """
    take_fold_turn(session)
    sql, constants = _compiled_fold(pyramid, limit is not None, session.get_bind().dialect)
    values = {**constants} if limit is None else {**constants, "limit": limit}
    taken = session.connection().exec_driver_sql(sql, values)
    count = int(taken.scalar_one())
    if count:
        for cells in pyramid.cell_tables():
            session.execute(delete(cells.table).where(cells.table.c.n == 0))
        for rollup in pyramid.rollups:
            session.execute(delete(rollup.table).where(rollup.table.c.n == 0))
        session.execute(update(pyramid.state).values(epoch=pyramid.state.c.epoch + 1))
    return count


@functools.cache
def _compiled_fold(pyramid: Pyramid, limited: bool, dialect: Dialect) -> tuple[str, dict[str, Any]]:
    """The fold's statement as SQL, compiled once per process, and its constant parameters.

    SQLAlchemy compiles a statement built on PostgreSQL's `insert ... on conflict` on every
    run (it cannot cache it): 23-35 ms of the app's CPU a fold of one delta, in process, and
    4-7 ms compiled once. The folder, a greenlet in each gevent worker, held that worker's
    requests as long, once a second while pins came in. With `limited`, the parameter `limit`
    bounds the deltas taken.
    """
    compiled = _fold_statement(pyramid, limited).compile(dialect=dialect)
    return str(compiled), dict(compiled.params)


def _fold_statement(pyramid: Pyramid, limited: bool) -> Select[Any]:
    """Take the deltas, add them to every table of counts, and count them.

    One statement, so one snapshot decides which deltas move; with `limited`, the oldest
    `limit` (a parameter) only.
    """
    deltas = pyramid.deltas
    taking = delete(deltas)
    if limited:
        oldest = select(deltas.c.id).order_by(deltas.c.id).limit(bindparam("limit", type_=Integer))
        taking = taking.where(deltas.c.id.in_(oldest.scalar_subquery()))
    moved = taking.returning(*deltas.c).cte("moved")
    split = _split_cells(pyramid, moved)
    counted = [
        _fold_cells(cells, split, pyramid.dimensions).cte(f"counted_{n}")
        for n, cells in enumerate(pyramid.cell_tables())
    ]
    rolled = [
        _fold_rollup(rollup, moved).cte(f"rolled_{n}") for n, rollup in enumerate(pyramid.rollups)
    ]
    return select(func.count()).select_from(moved).add_cte(*counted, *rolled)


def _split_cells(pyramid: Pyramid, moved: Any) -> Any:
    """The moved deltas summed per cell at every zoom, split by every dimension (a CTE).

    Computed once per fold, and every cell table sums these further. Each table's upsert
    placed the deltas itself before (a logarithm and a sort of 17 rows a delta): the same
    10,000 spread deltas folded into two cell tables in 1.74 s that way, 1.05 s this way
    (2.4M pins, rolled back, 6 rounds).
    """
    zoom = values(column("zoom", Integer), column("size", Float), name="z").data(
        [(z, cell_size_m(z)) for z in range(MAX_ZOOM + 1)]
    )
    cx, cy = cell_index(moved.c.lon, moved.c.lat, zoom.c.size)
    dims = [moved.c[d] for d in pyramid.dimensions]
    return (
        select(
            zoom.c.zoom,
            cx.label("cx"),
            cy.label("cy"),
            *dims,
            func.sum(moved.c.sign).label("n"),
            func.sum(moved.c.sign * micro_degrees(moved.c.lon)).label("sum_lon"),
            func.sum(moved.c.sign * micro_degrees(moved.c.lat)).label("sum_lat"),
            func.sum(moved.c.sign * moved.c.item_id).label("sum_id"),
        )
        .select_from(moved.join(zoom, true()))
        .group_by(zoom.c.zoom, cx, cy, *dims)
        .cte("split")
    )


def _fold_cells(cells: CellTable, split: Any, every: tuple[str, ...]) -> Any:
    """The upsert that adds the split sums to a cell table, up to its last zoom (a row each).

    `split` is `_split_cells`, split by `every` dimension: summed further unless the table is.
    """
    table, dims = cells.table, cells.dimensions
    sums = ("n", "sum_lon", "sum_lat", "sum_id")
    keys = [split.c[name] for name in ("zoom", "cx", "cy", *dims)]
    per_cell = select(*keys, *(split.c[name] for name in sums))
    if dims != every:
        per_cell = select(*keys, *(func.sum(split.c[name]).label(name) for name in sums))
        per_cell = per_cell.group_by(*keys)
    if cells.max_zoom < MAX_ZOOM:
        per_cell = per_cell.where(split.c.zoom <= cells.max_zoom)
    upsert = insert(table).from_select(["zoom", "cx", "cy", *dims, *sums], per_cell)
    upsert = upsert.on_conflict_do_update(
        index_elements=["zoom", "cx", "cy", *dims],
        set_={name: table.c[name] + upsert.excluded[name] for name in sums},
    )
    return upsert.returning(literal(1))


def _fold_rollup(rollup: Rollup, moved: Any) -> Any:
    """The upsert that adds the moved deltas to a rollup's counts (returning a row each)."""
    dims = rollup.dimensions
    keyed = select(*rollup.keyed(moved), *(moved.c[d] for d in dims), moved.c.sign).subquery(
        "keyed"
    )
    groups = [keyed.c[name] for name in (*rollup.key_columns, *dims)]
    per_key = select(*groups, func.sum(keyed.c.sign).label("n")).group_by(*groups)
    upsert = insert(rollup.table).from_select([*rollup.key_columns, *dims, "n"], per_key)
    upsert = upsert.on_conflict_do_update(
        index_elements=[*rollup.key_columns, *dims],
        set_={"n": rollup.table.c.n + upsert.excluded.n},
    )
    return upsert.returning(literal(1))


def rollup_counts(
    pyramid: Pyramid,
    rollup: Rollup,
    filters: Mapping[str, Sequence[str]],
    *,
    by: Sequence[str] = (),
) -> Select[Any]:
    """Exact counts per key of the points with the chosen dimension values.

    Columns: the key columns, the dimensions named in `by` (some of the rollup's), `n`. The
    rollup's folded counts plus the log not yet folded; groups whose points are all gone are
    left out. The rollup must serve the filters (`Rollup.serves`).
    """
    if not rollup.serves(filters) or not set(by) <= set(rollup.dimensions):
        raise ValueError(f"the rollup is split by {rollup.dimensions} only: {dict(filters)}")
    table, deltas = rollup.table, pyramid.deltas
    counted = select(*(table.c[k] for k in (*rollup.key_columns, *by)), table.c.n).where(
        *pyramid._where(table, filters)
    )
    # Integers throughout: PostgreSQL sums integers as a bigint but bigints as a numeric, whose
    # arithmetic made summing the default hexagon rollup (385,000 rows) twice as slow.
    logged = select(
        *rollup.keyed(deltas), *(deltas.c[d] for d in by), deltas.c.sign.cast(Integer).label("n")
    ).where(*pyramid._where(deltas, filters))
    both = union_all(counted, logged).subquery("both")
    groups = [both.c[k] for k in (*rollup.key_columns, *by)]
    total = func.sum(both.c.n)
    return select(*groups, total.cast(BigInteger).label("n")).group_by(*groups).having(total > 0)


def version(pyramid: Pyramid) -> Select[Any]:
    """SQL: a value that changes whenever what the pyramid counts changes, and only then.

    The log only grows between folds (a new commit adds rows, whatever its sequence number),
    and every fold bumps the epoch: (epoch, rows in the log) is a version of the data.
    """
    return select(func.concat(pyramid.state.c.epoch, "-", _logged(pyramid)))


def log_size(pyramid: Pyramid) -> Select[Any]:
    """SQL: the log's heap in bytes (`bytes`), and the deltas in it (`rows`)."""
    heap = func.pg_relation_size(literal(pyramid.deltas.name).cast(REGCLASS))
    return select(heap.label("bytes"), _logged(pyramid).label("rows"))


def _logged(pyramid: Pyramid) -> Any:
    """SQL: the number of deltas in the log (a scalar subquery)."""
    return select(func.count()).select_from(pyramid.deltas).scalar_subquery()


def log_is_empty(pyramid: Pyramid) -> Select[Any]:
    """SQL: true when there is nothing to fold."""
    return select(~select(literal(1)).select_from(pyramid.deltas).exists())
