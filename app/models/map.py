"""The citizen map's pyramid of grid cells and its delta log (see geo/pyramid.py)."""

from __future__ import annotations

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    BigInteger,
    Computed,
    Double,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.layers.params import DEFAULT_HEX_SIZE
from app.models.base import Base
from geo.aggregate import hexagon_outline

# The dimensions a map view can be filtered by without leaving the pyramid.
MAP_DIMENSIONS = ("kind", "category", "status", "source")


def emptied(table: str, column: str) -> Index:
    """A partial index of a table's rows whose count a fold brought to zero, for it to delete.

    Without it each fold read the whole table to find them: 300 of the 650 ms that folding
    10,000 changes took at 1.4M pins (211 ms for map_cells alone).
    """
    return Index(f"{table}_emptied", column, postgresql_where=text("n = 0"))


class SplitByDimensions:
    """The MAP_DIMENSIONS as key columns: counts kept apart per kind, category, status, source."""

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    source: Mapped[str] = mapped_column(String(20), primary_key=True)


def cell_table_args(table: str, dimensions: tuple[str, ...]) -> tuple[object, ...]:
    """The key of a table of CellCounts (split by `dimensions`) and its index of emptied rows.

    The counts ride in the key's index, so a view reads index pages only, in cell order.
    """
    key = PrimaryKeyConstraint(
        "zoom",
        "cx",
        "cy",
        *dimensions,
        name=f"{table}_pkey",
        postgresql_include=["n", "sum_lon", "sum_lat", "sum_id"],
    )
    return (key, emptied(table, "zoom"))


class CellCounts:
    """A grid cell at one zoom and its pins: how many, and the sums their mean is made of."""

    zoom: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)
    sum_lon: Mapped[int] = mapped_column(BigInteger)  # whole micro-degrees
    sum_lat: Mapped[int] = mapped_column(BigInteger)
    sum_id: Mapped[int] = mapped_column(BigInteger)


class MapCell(SplitByDimensions, CellCounts, Base):
    """Published pins of one kind, category, status and source in one grid cell at one zoom."""

    __tablename__ = "map_cells"
    __table_args__ = cell_table_args("map_cells", MAP_DIMENSIONS)


class MapCellTotal(CellCounts, Base):
    """All published pins in one grid cell at one zoom: what an unfiltered view reads.

    Split by the four dimensions a cell has 22 rows on average at a million pins, and
    reading, sorting and summing them was 7 of 9.6 ms of an unfiltered view at zoom 12.
    """

    __tablename__ = "map_cell_totals"
    __table_args__ = cell_table_args("map_cell_totals", ())


# Views filtered by one dimension read cells split by that one only. In map_cells they read
# every combination of the other three and summed them: bench.http's views filtered by one
# dimension at zooms 8-14 cost PostgreSQL 4.00 ms of CPU each, against 2.52 ms from a table
# per dimension (2.4M pins, in process, interleaved).


class MapCellByKind(CellCounts, Base):
    """Published pins of one kind in one grid cell at one zoom."""

    __tablename__ = "map_cells_by_kind"
    __table_args__ = cell_table_args("map_cells_by_kind", ("kind",))

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)


class MapCellByCategory(CellCounts, Base):
    """Published pins of one category in one grid cell at one zoom."""

    __tablename__ = "map_cells_by_category"
    __table_args__ = cell_table_args("map_cells_by_category", ("category",))

    category: Mapped[str] = mapped_column(String(40), primary_key=True)


class MapCellByStatus(CellCounts, Base):
    """Published pins of one status in one grid cell at one zoom."""

    __tablename__ = "map_cells_by_status"
    __table_args__ = cell_table_args("map_cells_by_status", ("status",))

    status: Mapped[str] = mapped_column(String(20), primary_key=True)


class MapCellBySource(CellCounts, Base):
    """Published pins of one source in one grid cell at one zoom."""

    __tablename__ = "map_cells_by_source"
    __table_args__ = cell_table_args("map_cells_by_source", ("source",))

    source: Mapped[str] = mapped_column(String(20), primary_key=True)


class MapDelta(Base):
    """+1 or -1 pin in the map, appended by a trigger on `ideas` in the writer's transaction.

    Appending (never updating shared rows) keeps writers from queueing on the few low-zoom
    cells every pin falls in; the folder moves these into `map_cells`.
    """

    __tablename__ = "map_deltas"
    # Each map view reads the log's rows in its bbox. Scanned whole, the log cost a view the
    # pages a burst of imports had left: a VACUUM empties them but cannot cut them off while
    # readers hold the table, as views always do. With 2,864 empty pages, bench.http's cold
    # views took 3.10 ms each in process; by this index 2.23-2.41 ms, as with none.
    __table_args__ = (Index("map_deltas_lon_lat", "lon", "lat"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    item_id: Mapped[int] = mapped_column(BigInteger)
    sign: Mapped[int] = mapped_column(SmallInteger)
    lon: Mapped[float] = mapped_column(Double)
    lat: Mapped[float] = mapped_column(Double)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    district_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: a log
    x: Mapped[float] = mapped_column(Double)  # SWEREF 99 TM: the hexagons are keyed by it
    y: Mapped[float] = mapped_column(Double)


class MapState(Base):
    """One row: the fold epoch, which versions the map's data together with the log."""

    __tablename__ = "map_state"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    epoch: Mapped[int] = mapped_column(BigInteger)


class HexagonCounts:
    """A hexagon of the layer's default size and how many pins it holds."""

    i: Mapped[int] = mapped_column(Integer, primary_key=True)
    j: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)  # an int sums as bigint; a bigint as numeric


def hexagon_table_args(table: str, dimension: str) -> tuple[object, ...]:
    """The key of a hexagon table split by one `dimension`, led by it, and its emptied rows.

    Led by the dimension, a layer filtered on it reads that value's rows only.
    """
    key = PrimaryKeyConstraint(dimension, "i", "j", name=f"{table}_pkey", postgresql_include=["n"])
    return (key, emptied(table, "i"))


class MapHexagon(SplitByDimensions, HexagonCounts, Base):
    """Published pins of one kind, category, status and source in one hexagon of the layer.

    Hexagons of the layer's default size (app.layers.params.DEFAULT_HEX_SIZE) only, folded
    from the map's delta log with the cells.
    """

    __tablename__ = "map_hexagons"
    __table_args__ = (
        PrimaryKeyConstraint(
            "i", "j", *MAP_DIMENSIONS, name="map_hexagons_pkey", postgresql_include=["n"]
        ),
        emptied("map_hexagons", "i"),
    )


class MapHexagonTotal(HexagonCounts, Base):
    """All published pins in one hexagon of the layer's default size: the unfiltered layer."""

    __tablename__ = "map_hexagon_totals"
    __table_args__ = (
        PrimaryKeyConstraint("i", "j", name="map_hexagon_totals_pkey", postgresql_include=["n"]),
        emptied("map_hexagon_totals", "i"),
    )
    # The hexagon's polygon, computed by PostgreSQL when the hexagon gets its first pin, for
    # the layer (filtered too) to read rather than draw. The unfiltered layer's statement took
    # 218-232 ms drawing 20,482 hexagons, 140-144 reading them (1M pins, EXPLAIN ANALYZE, 3
    # each way). Folding 10,000 spread pins took 2.7-3.0 s of PostgreSQL's CPU with or without.
    outline: Mapped[WKBElement] = mapped_column(
        Geometry("POLYGON", srid=4326, spatial_index=False),
        Computed(hexagon_outline(DEFAULT_HEX_SIZE, column("i"), column("j")), persisted=True),
    )


# Layers filtered by one dimension read hexagons split by that one only. In map_hexagons they
# summed every combination of the other three: `kind=concern` read 190,000 of its 385,000
# rows, and its statement took 356-510 ms; from a table split by kind alone (40,880 rows),
# 155-158 ms. `category=other`: 214-218 against 152-157 ms (1M uniform pins, EXPLAIN ANALYZE,
# 3 each, interleaved).


class MapHexagonByKind(HexagonCounts, Base):
    """Published pins of one kind in one hexagon of the layer's default size."""

    __tablename__ = "map_hexagons_by_kind"
    __table_args__ = hexagon_table_args("map_hexagons_by_kind", "kind")

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)


class MapHexagonByCategory(HexagonCounts, Base):
    """Published pins of one category in one hexagon of the layer's default size."""

    __tablename__ = "map_hexagons_by_category"
    __table_args__ = hexagon_table_args("map_hexagons_by_category", "category")

    category: Mapped[str] = mapped_column(String(40), primary_key=True)


class MapHexagonByStatus(HexagonCounts, Base):
    """Published pins of one status in one hexagon of the layer's default size."""

    __tablename__ = "map_hexagons_by_status"
    __table_args__ = hexagon_table_args("map_hexagons_by_status", "status")

    status: Mapped[str] = mapped_column(String(20), primary_key=True)


class MapHexagonBySource(HexagonCounts, Base):
    """Published pins of one source in one hexagon of the layer's default size."""

    __tablename__ = "map_hexagons_by_source"
    __table_args__ = hexagon_table_args("map_hexagons_by_source", "source")

    source: Mapped[str] = mapped_column(String(20), primary_key=True)


class MapDistrict(SplitByDimensions, Base):
    """Published pins of one kind, category, status and source in one district.

    `district_key` is the district's id, or 0 for pins in no district (a key cannot be NULL),
    which still count in the layer's shares.
    """

    __tablename__ = "map_districts"
    __table_args__ = (
        PrimaryKeyConstraint(
            "district_key", *MAP_DIMENSIONS, name="map_districts_pkey", postgresql_include=["n"]
        ),
        emptied("map_districts", "district_key"),
    )

    district_key: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
