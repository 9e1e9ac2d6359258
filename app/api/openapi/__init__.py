"""The OpenAPI 3.1 document of the API, built from the same constants the code validates with.

Limits, enums and converters come from `app.common.limits`, `app.categories` and
`app.converters`, so the document cannot drift from what the server accepts. A test keeps its
paths equal to the routes, and Schemathesis checks the server against it.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from app.api.openapi import exports, layers, ogc, pins, planning, reference, workshops
from app.api.openapi.parts import COMPONENTS

INFO = {
    "title": "Umecom Map API",
    "version": "1",
    "license": {"name": "MIT"},
    "description": (
        "Citizens' pins on the map of Umeå, and workshops drawing on it together. "
        "GeoJSON is RFC 7946 (lon/lat, WGS 84). "
        "State-changing requests need the CSRF token of any HTML page "
        '(`<meta name="csrf-token">`) in the `X-CSRFToken` header, with the session cookie '
        'that page set. Errors are `{"error": {"code", "message", "field"}}`: 400 for a '
        "request that cannot be read (not JSON, no CSRF token), 404 for what does not exist, "
        "409 for a conflict, 413 for a body over the limit, 422 for a value that is not "
        "acceptable (the field is named), 429 when a rate limit is reached. The planners' "
        "operations need the session cookie of a signed-in planner (POST /login): 401 "
        "without one, 403 for a role below the one an operation needs."
    ),
}


@lru_cache(maxsize=4)
def openapi_document(area_bounds: tuple[float, float, float, float]) -> dict[str, Any]:
    """The whole document; points are bounded by the box around the area pins may be in."""
    paths: dict[str, Any] = {}
    for module in (reference, pins, planning, layers, exports, ogc, workshops):
        for path, item in module.PATHS.items():
            paths.setdefault(path, {}).update(item)  # modules may share a path (GET, PATCH)
    components = copy.deepcopy(COMPONENTS)
    components["parameters"].update(copy.deepcopy(ogc.PARAMETERS))
    min_lon, min_lat, max_lon, max_lat = area_bounds
    components["schemas"]["Point"]["properties"]["coordinates"]["prefixItems"] = [
        {"type": "number", "minimum": min_lon, "maximum": max_lon, "description": "longitude"},
        {"type": "number", "minimum": min_lat, "maximum": max_lat, "description": "latitude"},
    ]
    return {"openapi": "3.1.0", "info": INFO, "paths": paths, "components": components}
