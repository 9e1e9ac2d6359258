"""Exports: the published pins and each layer as files a GIS or a spreadsheet opens.

One route, `/api/export/<name>.<format>` (ideas, clusters, districts, hexgrid; geojson, csv,
gpkg as each allows).

GeoJSON (RFC 7946, WGS 84) and CSV stream from the database; a GeoPackage is written by GDAL
into a private temporary folder, sent, then removed. Every file is named with the date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app, request
from sqlalchemy import Select
from sqlalchemy.orm import Session

from app.api import bp
from app.api.responses import streamed
from app.area import configured_area
from app.common.errors import InvalidField, NotFound
from app.db import close_session, get_session, set_for_this_transaction
from app.ideas.filters import parse_filters
from app.layers.exports import cluster_export, district_export, hexgrid_export, pin_export
from app.layers.params import parse_cluster_params, parse_crs, parse_hex_size
from app.replica import public_read
from geo.crs import SWEREF99TM, WGS84
from geo.export import (
    CSV_MEDIA_TYPE,
    GPKG_MEDIA_TYPE,
    remove_workspace,
    stream_csv,
    stream_file,
    workspace,
    write_gpkg,
)
from geo.geojson import GEOJSON_MEDIA_TYPE, feature_select, stream_feature_collection
from geo.i18n import N_

CRS_SUFFIX = {WGS84: "", SWEREF99TM: "-sweref99tm"}


def _crs(args: Mapping[str, str], fmt: str) -> int:
    """The CRS asked for; GeoJSON is WGS 84 by definition (RFC 7946)."""
    crs = parse_crs(args)
    if fmt == "geojson" and crs != WGS84:
        raise InvalidField(
            N_("GeoJSON is always WGS 84 (RFC 7946): crs=%(crs)d is for CSV and GeoPackage."),
            field="crs",
            crs=crs,
        )
    return crs


def _filename(name: str, fmt: str, crs: int) -> str:
    """`umecom-ideas-2026-05-03.gpkg`: the date of the export, in Umeå."""
    zone = ZoneInfo(str(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return f"umecom-{name}-{datetime.now(zone):%Y-%m-%d}{CRS_SUFFIX[crs]}.{fmt}"


def _attachment(filename: str) -> dict[str, str]:
    """The header that makes a browser save the body under `filename`."""
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def with_export_timeout(session: Session) -> Session:
    """The session, with EXPORT_STATEMENT_TIMEOUT_MS as its statement timeout for now.

    Set for this transaction only: a GeoJSON or CSV export is one statement (pipelined rows)
    for as long as its client reads, and a GeoPackage one while GDAL writes the file.
    """
    timeout = str(int(current_app.config["EXPORT_STATEMENT_TIMEOUT_MS"]))
    set_for_this_transaction(session, "statement_timeout", timeout)
    return session


def _export(
    name: str,
    fmt: str,
    rows: Select[Any],
    *,
    crs: int,
    geometry_type: str,
    order_by: str,
    point_on_surface: bool = False,
) -> Response:
    """The rows as a GeoJSON, CSV or GeoPackage download, in the order of `order_by`.

    In GeoJSON that column is also each Feature's id, and stays a property like the others
    (a GIS reads the properties, not the id).
    """
    headers = _attachment(_filename(name, fmt, crs))
    if fmt == "geojson":
        features = feature_select(rows, id_column=order_by, order_by=order_by, id_property=True)
        return streamed(
            lambda session: stream_feature_collection(
                with_export_timeout(session), features, chunk_rows=2000, fetch="pipelined"
            ),
            mimetype=GEOJSON_MEDIA_TYPE,
            headers=headers,
        )
    if fmt == "csv":
        return streamed(
            lambda session: stream_csv(
                with_export_timeout(session),
                rows,
                crs=crs,
                point_on_surface=point_on_surface,
                order_by=order_by,
            ),
            mimetype=CSV_MEDIA_TYPE,
            headers=headers,
        )
    return _geopackage(
        name, rows, crs=crs, geometry_type=geometry_type, order_by=order_by, headers=headers
    )


def _geopackage(
    name: str,
    rows: Select[Any],
    *,
    crs: int,
    geometry_type: str,
    order_by: str,
    headers: dict[str, str],
) -> Response:
    """Write the GeoPackage in a private folder, then send it; the folder goes either way."""
    folder = workspace()
    path = folder / f"{name}.gpkg"
    try:
        write_gpkg(
            with_export_timeout(get_session()),
            rows,
            path,
            layer=name,
            geometry_type=geometry_type,
            crs=crs,
            order_by=order_by,
        )
    except BaseException:
        remove_workspace(folder)
        raise
    finally:
        close_session()
    headers = {**headers, "Content-Length": str(path.stat().st_size)}
    response = Response(stream_file(path), mimetype=GPKG_MEDIA_TYPE, headers=headers)
    # A body nobody starts reading never runs the generator's cleanup.
    response.call_on_close(lambda: remove_workspace(folder))
    return response


def export_ideas(fmt: str) -> Response:
    """The published pins, filtered, with every public column and their district."""
    filters = parse_filters(request.args)
    crs = _crs(request.args, fmt)
    return _export("ideas", fmt, pin_export(filters), crs=crs, geometry_type="Point", order_by="id")


def export_clusters(fmt: str) -> Response:
    """The DBSCAN clusters at `eps` and `min_points`."""
    filters = parse_filters(request.args)
    params = parse_cluster_params(request.args)
    crs = _crs(request.args, fmt)
    rows = cluster_export(get_session(), filters, params)
    return _export("clusters", fmt, rows, crs=crs, geometry_type="Polygon", order_by="cluster_id")


def export_districts(fmt: str) -> Response:
    """The districts with their counts, exact outlines."""
    filters = parse_filters(request.args)
    crs = _crs(request.args, fmt)
    return _export(
        "districts",
        fmt,
        district_export(filters),
        crs=crs,
        geometry_type="MultiPolygon",
        order_by="code",
        point_on_surface=True,
    )


def export_hexgrid(fmt: str) -> Response:
    """The non-empty hexagons of edge `size` metres."""
    filters = parse_filters(request.args)
    area = configured_area()
    size = parse_hex_size(request.args, filters, area.bounds)
    crs = _crs(request.args, fmt)
    rows = hexgrid_export(filters, size=size)
    return _export("hexgrid", fmt, rows, crs=crs, geometry_type="Polygon", order_by="id")


# Every export and the formats it comes in.
EXPORT_FORMATS: dict[str, tuple[str, ...]] = {
    "ideas": ("geojson", "csv", "gpkg"),
    "clusters": ("geojson", "gpkg"),
    "districts": ("geojson", "csv", "gpkg"),
    "hexgrid": ("geojson", "gpkg"),
}
_VIEWS: dict[str, Callable[[str], Response]] = {
    "ideas": export_ideas,
    "clusters": export_clusters,
    "districts": export_districts,
    "hexgrid": export_hexgrid,
}


@bp.get("/api/export/<name>.<fmt>")
@public_read
def export(name: str, fmt: str) -> Response:
    """`/api/export/<name>.<format>`: one of the exports above, or a 404."""
    if fmt not in EXPORT_FORMATS.get(name, ()):
        raise NotFound(N_("No such export."), field="path")
    # Every layer parameter given must be valid, whichever export uses it.
    parse_cluster_params(request.args)
    if "size" in request.args:
        area = configured_area()
        parse_hex_size(request.args, parse_filters(request.args), area.bounds)
    return _VIEWS[name](fmt)
