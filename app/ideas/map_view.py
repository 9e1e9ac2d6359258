"""What the citizen map draws at a view: every pin, or cells of pins when there are many.

Two paths give the same rows: the pyramid (geo/pyramid.py), kept exact by a delta log in the
writers' own transactions, answers in milliseconds for filters on its dimensions (kind,
category, status, source); other filters (dates, ids, ...) count the published pins straight.
A test holds the two paths equal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, false, literal, text
from sqlalchemy.orm import Session

from app.ideas.filters import IdeaFilters
from app.ideas.queries import map_pin_rows
from app.layers.params import DEFAULT_HEX_SIZE
from app.models import MAP_DIMENSIONS, MapCell, MapDelta, MapHexagon, MapHexagonTotal, MapState
from geo.aggregate import hexagon_of_lon_lat
from geo.grid import CellRange, cluster_features, grid_cells, total_of
from geo.pyramid import MAX_ZOOM, Pyramid, Rollup, fold, version, view_cells

# The hexagon layer at its default size, counted as pins come and go: grouping a million pins
# into hexagons took 1.4-2.1 s a request (bench/). Split by every dimension the rollup has
# 385,000 rows at a million pins (about 60 ms to sum); the totals, for the unfiltered layer,
# 20,000.
HEXAGONS = Rollup(
    table=MapHexagon.__table__,  # type: ignore[arg-type]
    key_columns=("i", "j"),
    key=lambda lon, lat: hexagon_of_lon_lat(lon, lat, DEFAULT_HEX_SIZE),
    dimensions=MAP_DIMENSIONS,
)
HEXAGON_TOTALS = replace(
    HEXAGONS,
    table=MapHexagonTotal.__table__,  # type: ignore[arg-type]
    dimensions=(),
)
PYRAMID = Pyramid(
    cells=MapCell.__table__,  # type: ignore[arg-type]
    deltas=MapDelta.__table__,  # type: ignore[arg-type]
    state=MapState.__table__,  # type: ignore[arg-type]
    dimensions=MAP_DIMENSIONS,
    rollups=(HEXAGONS, HEXAGON_TOTALS),
)
ALWAYS_PINS_FROM_ZOOM = MAX_ZOOM + 1  # street level: cells would hold a few pins at most


@dataclass(frozen=True)
class MapView:
    """The rows to send as features: cells of pins (`clustered`) or the pins in view."""

    rows: Select[Any]
    clustered: bool


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


def view_cells_of(filters: IdeaFilters, view: CellRange, *, straight: bool = False) -> Select[Any]:
    """The cells of a view: from the pyramid when it can answer, else counted straight."""
    dimensions = None if straight else pyramid_filters(filters)
    if dimensions is not None:
        return view_cells(PYRAMID, view, dimensions)
    return grid_cells(map_pin_rows(replace(filters, bbox=view.envelope())), view)


def map_view(
    session: Session, filters: IdeaFilters, zoom: int, limit: int, *, straight: bool = False
) -> MapView:
    """The features of the view `filters.bbox` at `zoom`.

    Below street level, when the cells whose pins' mean lies in view hold more than `limit`
    pins together, the cells are sent (a lone pin as itself); otherwise every pin in view, up
    to `limit`. `straight` forces the reference path (for tests and benchmarks).
    """
    assert filters.bbox is not None
    if zoom < ALWAYS_PINS_FROM_ZOOM:
        view = CellRange.of(filters.bbox, zoom)
        cells = view_cells_of(filters, view, straight=straight)
        if int(session.execute(total_of(cells)).scalar_one()) > limit:
            members = map_pin_rows(replace(filters, bbox=None))
            return MapView(cluster_features(cells, members, zoom=zoom), clustered=True)
    pins = map_pin_rows(filters).add_columns(literal(1).label("count"), false().label("cluster"))
    return MapView(pins, clustered=False)


def map_version(session: Session) -> str:
    """A value that changes whenever any pin the map could show changes."""
    return str(session.execute(version(PYRAMID)).scalar_one())


# Deltas folded per transaction. A backlog folded in one statement can outlast the statement
# timeout: a million deltas (a bulk load by SQL, a folder stopped for a while) never folded
# within 30 s, so the folder failed every second and every view read the whole log (bench/).
# Measured at 1M pins: 20,000 deltas took 2.3-2.5 s warm and 24 s with the cells cold on disk;
# half that leaves a wide margin under the 30 s default.
FOLD_BATCH = 10_000


def fold_map_log(session: Session) -> int:
    """Fold the map's delta log into its cells a batch at a time; returns how many moved.

    Each batch is committed on its own. Then vacuum both tables: every reader scans the log,
    whose deleted rows would otherwise stay on its pages until autovacuum came by (after
    folding a million, a view took 55 ms instead of 5 ms, most of it reading dead rows); and
    readers of the cells use index-only scans, which need the pages a fold changed marked
    visible again.
    """
    moved = 0
    while True:
        batch = fold(session, PYRAMID, limit=FOLD_BATCH)
        session.commit()
        moved += batch
        if batch < FOLD_BATCH:
            break
    if moved:
        engine = session.get_bind().engine
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in (PYRAMID.deltas, PYRAMID.cells, *(r.table for r in PYRAMID.rollups)):
                conn.execute(text(f"VACUUM {table.name}"))
    return moved
