"""The pins' counts, kept as pins come and go: the map's pyramid of cells and the layers' rollups.

Writers only append to one delta log (a trigger on `ideas`, in their own transaction); one fold
at a time moves it into the cells and every rollup in one statement; readers add the log not
folded yet (geo/pyramid.py). Views filtered on the pyramid's dimensions (kind, category, status,
source) read these counts; tests hold them equal to the pins counted straight.
"""

from __future__ import annotations

import time
from dataclasses import replace

import psycopg
from sqlalchemy import Connection, func, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.db import BUILT_ONCE, first_row, outside_transactions
from app.ideas.filters import IdeaFilters
from app.ideas.fold_pace import FOLD_BATCH, FoldPace
from app.layers.params import DEFAULT_HEX_SIZE
from app.models import (
    MAP_DIMENSIONS,
    MapCell,
    MapCellByCategory,
    MapCellByKind,
    MapCellBySource,
    MapCellByStatus,
    MapCellTotal,
    MapDelta,
    MapDistrict,
    MapHexagon,
    MapHexagonByCategory,
    MapHexagonByKind,
    MapHexagonBySource,
    MapHexagonByStatus,
    MapHexagonTotal,
    MapState,
)
from geo.aggregate import hexagon_of
from geo.pyramid import (
    Pyramid,
    Rollup,
    fold,
    log_is_empty,
    log_size,
    take_fold_turn,
    version,
)

# The hexagon layer at its default size, counted as pins come and go: grouping a million pins
# into hexagons took 1.4-2.1 s a request (bench/). Split by every dimension the rollup has
# 385,000 rows at a million pins (about 60 ms to sum); the totals, for the unfiltered layer,
# 20,000.
HEXAGONS = Rollup(
    table=MapHexagon.__table__,  # type: ignore[arg-type]
    key_columns=("i", "j"),
    key=lambda deltas: hexagon_of(deltas.c.x, deltas.c.y, DEFAULT_HEX_SIZE),
    dimensions=MAP_DIMENSIONS,
)
HEXAGON_TOTALS = replace(
    HEXAGONS,
    table=MapHexagonTotal.__table__,  # type: ignore[arg-type]
    dimensions=(),
)
# Split by one dimension each: a layer filtered by that one alone reads it (app.models.map).
# In process at 1M uniform pins, medians of 15: `kind=concern` 276-286 -> 190-192 ms,
# `category=other` 237-257 -> 183-195 ms. Folding 10,000 spread pins costs PostgreSQL
# 3.40-3.51 s of CPU with them, 2.82-3.28 s without (rolled back, 5 rounds each, in turn).
HEXAGONS_BY_DIMENSION = tuple(
    replace(HEXAGONS, table=model.__table__, dimensions=(name,))  # type: ignore[arg-type]
    for name, model in (
        ("kind", MapHexagonByKind),
        ("category", MapHexagonByCategory),
        ("status", MapHexagonByStatus),
        ("source", MapHexagonBySource),
    )
)
# The hexagon rollups smallest first, as a layer picks the one it reads (geo.pyramid.serving).
HEXAGON_ROLLUPS = (HEXAGON_TOTALS, *HEXAGONS_BY_DIMENSION, HEXAGONS)
# Pins per district, for the district layer: counting a million pins by district took
# 95-190 ms a request (bench/).
DISTRICTS = Rollup(
    table=MapDistrict.__table__,  # type: ignore[arg-type]
    key_columns=("district_key",),
    key=lambda deltas: (func.coalesce(deltas.c.district_id, 0),),
    dimensions=MAP_DIMENSIONS,
)
PYRAMID = Pyramid(
    cells=MapCell.__table__,  # type: ignore[arg-type]
    deltas=MapDelta.__table__,  # type: ignore[arg-type]
    state=MapState.__table__,  # type: ignore[arg-type]
    dimensions=MAP_DIMENSIONS,
    rollups=(HEXAGONS, HEXAGON_TOTALS, *HEXAGONS_BY_DIMENSION, DISTRICTS),
    totals=MapCellTotal.__table__,  # type: ignore[arg-type]
    singles=tuple(
        (name, model.__table__)  # type: ignore[misc]
        for name, model in (
            ("kind", MapCellByKind),
            ("category", MapCellByCategory),
            ("status", MapCellByStatus),
            ("source", MapCellBySource),
        )
    ),
    # Past zoom 14 a cell of map_cells holds 4.5 rows (z15) and 1.6 (z16) on average, against
    # 12.7 at z14 and 22 at z12 (2.45M pins): little to save by reading a single split there,
    # while z15 and z16 held 89% of the single splits' rows, and most of what a fold of spread
    # pins upserts into them.
    singles_max_zoom=14,
)


def pyramid_filters(filters: IdeaFilters) -> dict[str, tuple[str, ...]] | None:
    """The filters as pyramid dimensions, or None when some filter is not one of them."""
    dimensions = {
        "kind": filters.kinds,
        "category": filters.categories,
        "status": filters.statuses,
        "source": filters.sources,
    }
    rest = replace(filters, bbox=None, kinds=(), categories=(), statuses=(), sources=())
    return dimensions if rest == IdeaFilters() else None


# Built once: every map request asks it, most then answer 304.
VERSION = version(PYRAMID).execution_options(**{BUILT_ONCE: True})


def map_version(connection: Connection) -> str:
    """A value that changes whenever any pin the map could show changes.

    Read in autocommit (the map's pool, app.db), outside any transaction: most map requests
    end with this answer (a 304), and BEGIN and ROLLBACK around it were two of its four round
    trips. 304s per second rose from 1,005 to 1,370 (bench.http, 1M pins).
    """
    return str(first_row(connection, VERSION)[0])


def fold_map_log(session: Session, *, pace: FoldPace | None = None) -> int:
    """Fold the map's delta log into its cells a batch at a time; returns how many moved.

    Each batch is committed on its own: FOLD_BATCH deltas, or as many as `pace` says, told
    how long each took. Then vacuum the log: every reader reads it, and its deleted rows
    would otherwise stay on its pages until autovacuum came by (after folding a million, a
    view took 55 ms instead of 5 ms, most of it reading dead rows); or rewrite it, when a
    backlog has left its file large (`compact_log`). After a backlog (VACUUM_COUNTS_AFTER),
    vacuum the tables of counts too.
    """
    # Every process's folder calls this each second. An empty log's fold still built and
    # compiled its statement and planned it: 21.7 ms of the app's CPU a round, where asking
    # whether the log is empty costs 0.6 ms (in process, 20 rounds each, 1.2M pins).
    if session.execute(log_is_empty(PYRAMID)).scalar_one():
        return 0
    moved = 0
    while True:
        limit = FOLD_BATCH if pace is None else pace.size
        take_fold_turn(session)  # another process's fold is not this batch's time
        started = time.monotonic()
        folded = fold(session, PYRAMID, limit=limit)
        session.commit()
        if pace is not None:
            pace.took(folded, time.monotonic() - started)
        moved += folded
        if folded < limit:
            break
    if moved:
        tables = []
        if moved >= VACUUM_COUNTS_AFTER:
            tables += [cells.table for cells in PYRAMID.cell_tables()]
            tables += [rollup.table for rollup in PYRAMID.rollups]
        with outside_transactions(session) as conn:
            if not compact_log(conn):
                conn.execute(text(f"VACUUM (TRUNCATE false) {PYRAMID.deltas.name}"))
            for table in tables:
                conn.execute(text(f"VACUUM {table.name}"))
    return moved


# The log's file keeps the pages of its largest backlog, and every map request counts the log
# (`version`) by reading each page. After an import of 45,000 pins, its 2,021 empty pages
# (16 MB) cost each version 1.8 ms of PostgreSQL: warm 304s 448 a second against 733 with the
# file cut back, and 1.99 against 0.53 ms of PostgreSQL's CPU each (16 clients, 1.1M pins,
# `/tmp` script). VACUUM gives pages back only from the file's end, past the last live delta,
# and only once it gets the table's lock without queueing for it, which it retries for up to
# 5 s: with 16 writers and 4 readers, the folder's VACUUM of the log took 3.9-5.1 s (server
# log), so a process folded every few seconds instead of every second. So the folder's VACUUM
# leaves the file's length alone (TRUNCATE false), and when the file has outgrown what it
# holds, VACUUM FULL rewrites the deltas left into a new file (keeping any that an older
# snapshot still sees) under an exclusive lock that it queues for, at most
# COMPACT_LOCK_TIMEOUT_MS: readers wait that long and the short rewrite at most. Queueing for
# the lock and cutting the file took 40-44 ms beside the 6 readers that held VACUUM for
# 3.0-4.8 s (a scratch copy of the log, `/tmp` script).
LOG_COMPACT_BYTES = 1 << 20  # 128 pages: a version's scan of them takes about 0.1 ms
LOG_COMPACT_MOST_ROWS = 1_000
COMPACT_LOCK_TIMEOUT_MS = 100


def compact_log(conn: Connection) -> bool:
    """Rewrite the log into a file of its own size when it has outgrown it; done or not.

    Not done when the log is small, or holds more than LOG_COMPACT_MOST_ROWS (a backlog is
    still being folded), or a transaction holds the table past the lock timeout (the next
    fold tries again). `conn` is in autocommit.
    """
    size = conn.execute(log_size(PYRAMID)).one()
    if size.bytes <= LOG_COMPACT_BYTES or size.rows > LOG_COMPACT_MOST_ROWS:
        return False
    conn.execute(text(f"SET lock_timeout = {COMPACT_LOCK_TIMEOUT_MS}"))
    try:
        conn.execute(text(f"VACUUM (FULL) {PYRAMID.deltas.name}"))
    except OperationalError as error:
        if not isinstance(error.orig, psycopg.errors.LockNotAvailable):
            raise
        return False
    finally:
        conn.execute(text("RESET lock_timeout"))
    return True


# Deltas a fold must move before it vacuums the tables of counts as well as the log. Readers of
# the cells use index-only scans, which read a row's page too until a VACUUM marks the page
# all-visible again; but a fold's upserts are never HOT (the counts are in the key's index), so
# each VACUUM passes over whole indexes. After every fold of single pins, the counts' VACUUMs
# took 410 ms of PostgreSQL's time a second against the fold's 89 ms (pg_stat_statements, 16
# writers, no readers), and 306 pins a second were created against 375 without them. Left
# unvacuumed through 10,700 new pins, cold views took 2.38-2.47 ms against 2.27-2.30 ms after
# a VACUUM (in process). Below this, autovacuum comes by (migration 0012's thresholds).
VACUUM_COUNTS_AFTER = 5_000
