"""Paths of the exports: the published pins and each layer as GeoJSON, CSV and GeoPackage."""

from __future__ import annotations

from app.api.export import EXPORT_FORMATS
from app.api.openapi.layers import EPS, HEX_SIZE, MIN_POINTS, PIN_FILTERS
from app.api.openapi.parts import GEOJSON, operation, query

WHAT = {
    "ideas": "the published pins with their public columns and district (no personal data)",
    "clusters": "the DBSCAN clusters (hull, members, counts by kind and category)",
    "districts": "every district with counts, share and per 1,000 residents, exact outlines",
    "hexgrid": "the non-empty hexagons with their pin counts",
}
FORMATS = sorted({fmt for formats in EXPORT_FORMATS.values() for fmt in formats})
NAME = {
    "name": "name",
    "in": "path",
    "required": True,
    "description": "; ".join(
        f"`{name}` ({', '.join(formats)}): {WHAT[name]}" for name, formats in EXPORT_FORMATS.items()
    ),
    "schema": {"type": "string", "enum": list(EXPORT_FORMATS)},
}
FORMAT = {
    "name": "fmt",
    "in": "path",
    "required": True,
    "description": (
        "geojson (RFC 7946, WGS 84), csv (for Excel and GIS: UTF-8 with BOM, `;`-separated, "
        "lon/lat or x/y and WKT) or gpkg (GeoPackage written by GDAL); an export not offered "
        "in a format is a 404"
    ),
    "schema": {"type": "string", "enum": FORMATS},
}
CRS = query(
    "crs",
    "4326 (WGS 84, the default) or 3006 (SWEREF 99 TM) for csv and gpkg; GeoJSON is 4326",
    {"type": "string", "enum": ["4326", "3006"]},
)
MEDIA = {
    GEOJSON: {"schema": {"type": "object"}},
    "text/csv": {"schema": {"type": "string"}},
    "application/geopackage+sqlite3": {"schema": {"type": "string", "format": "binary"}},
}

PATHS = {
    "/api/export/{name}.{fmt}": {
        "get": operation(
            "export",
            "A file a GIS or a spreadsheet opens: the pins or a layer, named with the date",
            {
                "200": {
                    "description": "the file, an attachment named umecom-<name>-YYYY-MM-DD",
                    "headers": {
                        "Content-Disposition": {
                            "schema": {"type": "string"},
                            "description": 'attachment; filename="umecom-ideas-2026-05-03.gpkg"',
                        }
                    },
                    "content": MEDIA,
                }
            },
            parameters=[NAME, FORMAT, CRS, EPS, MIN_POINTS, HEX_SIZE, *PIN_FILTERS],
            errors=(404, 422),
        )
    }
}
