"""Files a GIS or a spreadsheet opens: CSV and GeoPackage.

CSV is streamed as PostgreSQL renders it (pipelined rows); a GeoPackage is written by GDAL
(pyogrio) in batches. Both take any selectable with a WGS 84 `geom` column and write every
other column as an attribute; nothing holds more than one batch in memory.
"""

from __future__ import annotations

import itertools
import math
import shutil
import tempfile
from collections.abc import Generator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw
from sqlalchemy import (
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
from geo.rows import close_result, fetch_rows

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
# GDAL's zone flag for UTC (RFC 56: 100 is GMT, each step a quarter-hour from it).
_UTC_OFFSET = 100
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


# pyogrio field arrays by SQLAlchemy type: (numpy dtype, value for NULL in the array).
_FIELD_TYPES: Sequence[tuple[type, str, Any]] = (
    (Boolean, "bool", False),
    (Integer, "int64", 0),
    (Float, "float64", math.nan),
    (Numeric, "float64", math.nan),
    (DateTime, "datetime64[ms]", np.datetime64("NaT")),
    (Date, "datetime64[D]", np.datetime64("NaT")),
    (String, "object", None),
)


def _field_type(column: Any) -> tuple[str, Any]:
    """The numpy dtype for a column and what stands for NULL, or TypeError for an unknown type."""
    for sql_type, dtype, null in _FIELD_TYPES:
        if isinstance(column.type, sql_type):
            return dtype, null
    raise TypeError(f"column {column.name!r} needs a known SQL type (cast it), not {column.type}")


def _gpkg_value(value: Any) -> Any:
    """A value as numpy takes it: instants in UTC (zone flagged apart), numbers as floats."""
    if isinstance(value, datetime):
        return np.datetime64(value.astimezone(UTC).replace(tzinfo=None), "ms")
    if isinstance(value, date):
        return np.datetime64(value, "D")
    if isinstance(value, Decimal):
        return float(value)
    return value


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

    Every column but the geometry becomes a field, typed from its SQL type. GDAL appends each
    batch to the file, so memory holds one batch however many rows there are. An empty
    selection still makes the layer, with its fields.
    """
    sub = rows.subquery("gpkg_rows")
    attributes = [c for c in sub.c if c.name != geom_column]
    types = [_field_type(c) for c in attributes]
    geometry = func.ST_AsBinary(_in_crs(sub.c[geom_column], crs)).label("wkb")
    stmt = select(geometry, *attributes)
    if order_by is not None:
        stmt = stmt.order_by(sub.c[order_by])
    stmt = stmt.execution_options(yield_per=batch_rows)
    result = session.execute(stmt)
    cursor = getattr(result, "cursor", None)  # kept: SQLAlchemy lets go of it after a failure
    written = 0
    try:
        for partition in result.partitions():
            _append_batch(path, partition, attributes, types, layer, geometry_type, crs, written)
            written += len(partition)
    finally:
        close_result(result, cursor)
    if written == 0:
        _append_batch(path, [], attributes, types, layer, geometry_type, crs, written)
    return written


def _append_batch(
    path: str | Path,
    batch: Sequence[Any],
    attributes: Sequence[Any],
    types: Sequence[tuple[str, Any]],
    layer: str,
    geometry_type: str,
    crs: int,
    written: int,
) -> None:
    """Write one batch of (wkb, *attributes) rows; the first creates the file and layer."""
    geometries = np.array([bytes(row[0]) for row in batch], dtype=object)
    fields, masks = [], []
    for index, (dtype, null) in enumerate(types, start=1):
        values = [row[index] for row in batch]
        mask = np.array([v is None for v in values], dtype=bool)
        fields.append(
            np.array([null if v is None else _gpkg_value(v) for v in values], dtype=dtype)
        )
        masks.append(mask if mask.any() else None)
    # Instants are written as UTC with their zone ("…T11:43:10.434Z"), as the GeoPackage
    # standard asks: without it QGIS showed UTC as local time.
    zones = {
        c.name: np.full(len(batch), _UTC_OFFSET, dtype=np.int32)
        for c, (dtype, _null) in zip(attributes, types, strict=True)
        if dtype.startswith("datetime64[ms")
    }
    pyogrio.raw.write(
        str(path),
        geometries,
        fields,
        [c.name for c in attributes],
        field_mask=masks,
        layer=layer,
        driver="GPKG",
        geometry_type=geometry_type,
        crs=f"EPSG:{crs}",
        append=written > 0,
        gdal_tz_offsets=zones,
        # Version 1.2: GDAL writes 1.4 by default, which GDAL 3.6 (QGIS 3.28 LTR) warns about.
        dataset_options=None if written > 0 else {"VERSION": GPKG_VERSION},
    )


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
