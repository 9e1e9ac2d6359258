"""OGC API – Features (Part 1: Core, GeoJSON) over the published pins and the layers.

QGIS ("Add WFS / OGC API – Features layer") and GDAL's OAPIF driver read the layers live
from `/ogc`, with no export step. Not under /api/: OGC's own rules apply here (400 for a bad
query parameter, CRS84 coordinates, `links` everywhere).
"""

from flask import Blueprint

bp = Blueprint("ogc", __name__, url_prefix="/ogc")

from app.ogc import views  # noqa: E402,F401  (routes register on import)
