"""Paths of the exports: the published pins and each layer as GeoJSON, CSV and GeoPackage."""

from __future__ import annotations

from typing import Any

from app.api.export import EXPORT_FORMATS
from app.api.openapi.layers import EPS, HEX_SIZE, MIN_POINTS, PIN_FILTERS
from app.api.openapi.parts import GEOJSON, operation, query

CRS = query(
    "crs",
    "4326 (WGS 84, the default) or 3006 (SWEREF 99 TM); GeoJSON is always 4326",
    {"type": "string", "enum": ["4326", "3006"]},
)
GEOJSON_CRS = query(
    "crs", "GeoJSON is WGS 84 (RFC 7946): only 4326", {"type": "string", "enum": ["4326"]}
)
MEDIA = {
    "geojson": (GEOJSON, {"type": "object"}),
    "csv": ("text/csv", {"type": "string"}),
    "gpkg": ("application/geopackage+sqlite3", {"type": "string", "format": "binary"}),
}
WHAT = {
    "ideas": "the published pins with their public columns and district (no personal data)",
    "clusters": "the DBSCAN clusters (hull, members, counts by kind and category)",
    "districts": "every district with counts, share and per 1,000 residents, exact outlines",
    "hexgrid": "the non-empty hexagons with their pin counts",
}
LAYER_PARAMETERS: dict[str, list[dict[str, Any]]] = {
    "clusters": [EPS, MIN_POINTS],
    "hexgrid": [HEX_SIZE],
}
FORMAT_NOTES = {
    "geojson": "GeoJSON (RFC 7946, WGS 84)",
    "csv": "CSV for Excel and GIS: UTF-8 with BOM, `;`-separated, lon/lat (or x/y) and WKT",
    "gpkg": "GeoPackage written by GDAL",
}


def export_operation(name: str, fmt: str) -> dict[str, Any]:
    """One export: a file download named with the date."""
    media, schema = MEDIA[fmt]
    ok = {
        "200": {
            "description": f"{FORMAT_NOTES[fmt]}: {WHAT[name]}; a dated attachment",
            "headers": {
                "Content-Disposition": {
                    "schema": {"type": "string"},
                    "description": f'attachment; filename="umecom-{name}-YYYY-MM-DD.{fmt}"',
                }
            },
            "content": {media: {"schema": schema}},
        }
    }
    return operation(
        f"export{name.title()}{fmt.title()}",
        f"{WHAT[name][0].upper()}{WHAT[name][1:]} as {fmt}",
        ok,
        parameters=[
            GEOJSON_CRS if fmt == "geojson" else CRS,
            *LAYER_PARAMETERS.get(name, []),
            *PIN_FILTERS,
        ],
        errors=(422,),
    )


PATHS = {
    f"/api/export/{name}.{fmt}": {"get": export_operation(name, fmt)}
    for name, formats in EXPORT_FORMATS.items()
    for fmt in formats
}
