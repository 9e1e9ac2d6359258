"""Files a GIS or a spreadsheet opens: CSV and GeoPackage.

CSV is streamed as PostgreSQL renders it (pipelined rows); a GeoPackage is written by GDAL
(pyogrio) in one pass from Arrow batches kept in a scratch stream. Both take any selectable
with a WGS 84 `geom` column and write every other column as an attribute; Python never holds
more than one batch of rows.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import nanoarrow as na
import pyogrio.raw
from nanoarrow.ipc import InputStream, StreamWriter
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    Select,
    String,
    Text,
    case,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from geo.crs import WGS84
from geo.geojson import COORDINATE_DECIMALS
from geo.rows import fetch_rows

# Swedish Excel's list separator is ";" (the decimal separator is ","), so a comma-separated
# file opens as one column there; a semicolon-separated one splits, and GDAL reads it too.
CSV_DELIMITER = ";"
# Excel reads UTF-8 only when the file starts with a byte order mark; without it "Ålidhem"
# shows as "Ã…lidhem".
UTF8_BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_LINE_END = "\r\n"  # RFC 4180
METRIC_DECIMALS = 2  # centimetres in SWEREF 99 TM
GPKG_MEDIA_TYPE = "application/geopackage+sqlite3"
# The GeoPackage version written: 1.2 opens without a warning in every GDAL since 2.2.
GPKG_VERSION = "1.2"
# The geometry's column in the Arrow batches; GDAL names the GeoPackage's own "geom".
_GEOMETRY = "wkb"
CSV_MEDIA_TYPE = "text/csv"


def _csv_field(column: Any) -> ColumnElement[str]:
    """One CSV field rendered by PostgreSQL, NULL as nothing.

    Text quoted (RFC 4180) and formula-safe, instants in UTC (ISO 8601), numbers as they are.
    """
    text: ColumnElement[str]
    if isinstance(column.type, DateTime):
        text = func.to_char(func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    elif isinstance(column.type, String):
        # A cell a spreadsheet would run as a formula (CSV injection) gets a leading apostrophe.
        guarded = case(
            (func.left(column, 1).in_(FORMULA_STARTS), literal("'").concat(column)),
            else_=column,
        )
        text = literal('"').concat(func.replace(guarded, '"', '""')).concat('"')
    else:
        text = column.cast(Text)
    return func.coalesce(text, "")


def _in_crs(geom: Any, crs: int) -> Any:
    """The geometry in `crs` (stored geometry is WGS 84)."""
    return geom if crs == WGS84 else func.ST_Transform(geom, crs)


def _decimals(crs: int) -> int:
    """Decimals that keep about a decimetre: degrees in WGS 84, metres otherwise."""
    return COORDINATE_DECIMALS if crs == WGS84 else METRIC_DECIMALS


def coordinate_columns(geom: Any, crs: int, *, point_on_surface: bool) -> list[ColumnElement[Any]]:
    """lon/lat (WGS 84) or x/y (a metric CRS) of a point, and the geometry as WKT.

    With `point_on_surface`, the coordinates are a point inside the polygon (for a label).
    """
    shaped = _in_crs(geom, crs)
    point = func.ST_PointOnSurface(shaped) if point_on_surface else shaped
    decimals = _decimals(crs)
    x_name, y_name = ("lon", "lat") if crs == WGS84 else ("x", "y")
    return [
        func.round(func.ST_X(point).cast(Numeric), decimals).cast(Float).label(x_name),
        func.round(func.ST_Y(point).cast(Numeric), decimals).cast(Float).label(y_name),
        func.ST_AsText(shaped, decimals).label("wkt"),
    ]


def stream_csv(
    session: Session,
    rows: Select[Any],
    *,
    crs: int = WGS84,
    geom_column: str = "geom",
    point_on_surface: bool = False,
    order_by: str | None = None,
    chunk_rows: int = 2000,
) -> Generator[str, None, None]:
    """Yield a CSV of `rows`: its columns, then lon/lat (or x/y) and WKT in `crs`.

    UTF-8 with a BOM, ";"-separated, CRLF line ends (RFC 4180), for Excel and GDAL alike.
    """
    sub = rows.subquery("csv_rows")
    attributes = [c for c in sub.c if c.name != geom_column]
    geometry = coordinate_columns(sub.c[geom_column], crs, point_on_surface=point_on_surface)
    located = select(*attributes, *geometry).subquery("located")
    # PostgreSQL renders each line; Python only joins them.
    line = func.concat_ws(CSV_DELIMITER, *(_csv_field(c) for c in located.c))
    stmt = select(line)
    if order_by is not None:
        stmt = stmt.order_by(located.c[order_by])
    lines, close = fetch_rows(session, stmt, "pipelined", chunk_rows)
    try:
        yield UTF8_BOM + CSV_DELIMITER.join(c.name for c in located.c) + CSV_LINE_END
        while chunk := list(itertools.islice(lines, chunk_rows)):
            yield CSV_LINE_END.join(row[0] for row in chunk) + CSV_LINE_END
    finally:
        close()


@dataclass(frozen=True)
class _Field:
    """An attribute as GDAL takes it: the SQL that sends it and its Arrow type."""

    name: str
    sent: ColumnElement[Any]
    arrow: na.Schema


def _field(column: Any) -> _Field:
    """How a column is fetched and typed, by its SQL type; TypeError for a type not known.

    An instant is sent as whole milliseconds since 1970 and a date as days, which Arrow
    takes as they are: a Python datetime per row and column took a fifth of a GeoPackage's
    time (2.2 of 10.1 s for 200,000 pins under cProfile, the sixtieth stop). Instants are
    typed UTC, so GDAL writes them with their zone ("…T11:43:10.434Z"), as the GeoPackage
    standard asks: without it QGIS showed UTC as local time.
    """
    name, sql_type = column.name, column.type
    if isinstance(sql_type, Boolean):
        return _Field(name, column, na.bool_())
    if isinstance(sql_type, Integer):
        return _Field(name, column, na.int64())
    if isinstance(sql_type, Float | Numeric):
        return _Field(name, column.cast(Float), na.float64())
    if isinstance(sql_type, DateTime):  # a timestamp without zone is taken as UTC
        epoch_ms = func.floor(func.extract("epoch", column) * 1000).cast(BigInteger)
        return _Field(name, epoch_ms, na.timestamp("ms", "UTC"))
    if isinstance(sql_type, Date):
        return _Field(name, column - literal(date(1970, 1, 1), Date), na.date32())
    if isinstance(sql_type, String):
        return _Field(name, column, na.string())
    raise TypeError(f"column {name!r} needs a known SQL type (cast it), not {sql_type}")


@dataclass(frozen=True)
class _Layer:
    """The GeoPackage layer written: its name, geometry type and CRS (EPSG code)."""

    name: str
    geometry_type: str
    crs: int

    def gdal_options(self) -> dict[str, str]:
        """The layer as pyogrio's writers take it."""
        return {"layer": self.name, "geometry_type": self.geometry_type, "crs": f"EPSG:{self.crs}"}


def write_gpkg(
    session: Session,
    rows: Select[Any],
    path: str | Path,
    *,
    layer: str,
    geometry_type: str,
    crs: int = WGS84,
    geom_column: str = "geom",
    order_by: str | None = None,
    batch_rows: int = 10_000,
) -> int:
    """Write `rows` into a GeoPackage layer in `crs`, a batch at a time; returns the count.

    Every column but the geometry becomes a field, typed from its SQL type. The batches go
    to a scratch file as an Arrow IPC stream, which GDAL reads back a batch at a time and
    writes into `path` in one pass, building the R-tree in bulk as it does for a layer it
    creates. Appending each batch to an indexed layer put every row through the R-tree's
    triggers (72 s for a million pins, the sixtieth stop); appending them to a GeoPackage with
    no index and copying that once took 16.3-18.0 s, this 11.6-12.3 s (bench, 1,000,012 pins,
    taking turns, the sixty-first stop). Python holds one batch however many rows there are;
    GDAL's bulk R-tree holds about 40 bytes a row while it builds (the bench's +32-42 MB for
    a million pins). An empty selection still makes the layer, with its fields.
    """
    target = _Layer(layer, geometry_type, crs)
    with tempfile.TemporaryDirectory(dir=Path(path).parent, prefix="batches-") as scratch:
        batches = Path(scratch) / "rows.arrows"
        with batches.open("wb") as out, StreamWriter.from_writable(out) as writer:
            written = _write_batches(
                session, rows, writer, target, geom_column, order_by, batch_rows
            )
        with InputStream.from_path(batches) as stream:
            pyogrio.raw.write_arrow(
                stream,
                str(path),
                driver="GPKG",
                geometry_name=_GEOMETRY,
                **target.gdal_options(),
                # Version 1.2: GDAL writes 1.4 by default, which GDAL 3.6 (QGIS 3.28 LTR)
                # warns about.
                dataset_options={"VERSION": GPKG_VERSION},
            )
    return written


def _write_batches(
    session: Session,
    rows: Select[Any],
    writer: StreamWriter,
    layer: _Layer,
    geom_column: str,
    order_by: str | None,
    batch_rows: int,
) -> int:
    """Write `rows` to an Arrow stream, a batch at a time (one of no rows for none)."""
    sub = rows.subquery("gpkg_rows")
    fields = [_field(c) for c in sub.c if c.name != geom_column]
    geometry = func.ST_AsBinary(_in_crs(sub.c[geom_column], layer.crs)).label(_GEOMETRY)
    stmt = select(geometry, *(f.sent.label(f.name) for f in fields))
    if order_by is not None:
        stmt = stmt.order_by(sub.c[order_by])
    # Pipelined: PostgreSQL makes the next rows while these are written, and the rows come
    # as plain tuples (each column is sent as its Arrow type takes it).
    lines, close = fetch_rows(session, stmt, "pipelined", batch_rows)
    written = 0
    try:
        while batch := list(itertools.islice(lines, batch_rows)):
            writer.write_array(_arrow_batch(batch, fields), write_schema=written == 0)
            written += len(batch)
    finally:
        close()
    if written == 0:
        writer.write_array(_arrow_batch([], fields), write_schema=True)
    return written


def _arrow_batch(batch: Sequence[Any], fields: Sequence[_Field]) -> na.CArray:
    """One batch of (wkb, *fields) rows as an Arrow struct array, a column at a time.

    0.9 s against 3.1 s for pyogrio's rows and NULL masks (200,000 rows of 14 fields,
    written by a script, the sixtieth stop).
    """
    columns = list(zip(*batch, strict=True)) if batch else [()] * (len(fields) + 1)
    schema = na.struct({_GEOMETRY: na.binary(), **{f.name: f.arrow for f in fields}})
    arrays = [na.c_array(columns[0], na.binary())] + [
        na.c_array(values, f.arrow) for f, values in zip(fields, columns[1:], strict=True)
    ]
    return na.c_array_from_buffers(schema, len(batch), [None], children=arrays)


def stream_file(path: Path, *, chunk_bytes: int = 256 * 1024) -> Generator[bytes, None, None]:
    """Yield a file's bytes, then remove its folder (a private temporary one, see `workspace`)."""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(chunk_bytes):
                yield chunk
    finally:
        remove_workspace(path.parent)


def workspace() -> Path:
    """A new private temporary folder for one file being written (GDAL may add side files)."""
    return Path(tempfile.mkdtemp(prefix="umecom-export-"))


def remove_workspace(folder: Path) -> None:
    """Remove a folder made by `workspace`, whatever is in it."""
    shutil.rmtree(folder, ignore_errors=True)
