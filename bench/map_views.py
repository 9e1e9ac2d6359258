"""The views the map bench asks for: 1280×800-pixel bounding boxes at zooms 8-18, and filters."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from app.config import DATA_DIR
from app.demo import read_localities

ZOOMS = (8, 10, 12, 14, 16, 18)
VIEW_PX = (1280, 800)
TILE_PX = 256
UMEA_CENTRE = (20.2630, 63.8258)  # where the citizen map opens (app/citizen/views.py)
MUNICIPALITY_CENTRE = (20.38, 63.89)  # the middle of the municipality's bounds
FIRST_VIEW_ZOOM = 12  # the zoom the citizen map opens at
FILTERS = {
    "none": "",
    "kind": "kind=concern",
    "category": "category=safety",
    "status": "status=new",
    "source": "source=import",
    "all four": "kind=idea&category=traffic&status=new&source=import",
}


def to_pixels(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """Web Mercator world pixels of lon/lat at `zoom` (256-pixel tiles, y down)."""
    world = TILE_PX * 2**zoom
    x = (lon + 180) / 360 * world
    y = 1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi
    return x, y / 2 * world


def to_lon_lat(x: float, y: float, zoom: int) -> tuple[float, float]:
    """Lon/lat of Web Mercator world pixels at `zoom`."""
    world = TILE_PX * 2**zoom
    lon = x / world * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / world))))
    return lon, lat


def view_bbox(lon: float, lat: float, zoom: int) -> tuple[float, float, float, float]:
    """The bbox (west, south, east, north) of a 1280×800-pixel map centred on lon/lat."""
    x, y = to_pixels(lon, lat, zoom)
    west, north = to_lon_lat(x - VIEW_PX[0] / 2, y - VIEW_PX[1] / 2, zoom)
    east, south = to_lon_lat(x + VIEW_PX[0] / 2, y + VIEW_PX[1] / 2, zoom)
    return west, south, east, north


@dataclass(frozen=True)
class View:
    """One map view: a bbox at a zoom."""

    zoom: int
    bbox: tuple[float, float, float, float]

    def path(self, query: str = "") -> str:
        """The clusters URL of this view, with optional filters."""
        bbox = ",".join(f"{c:.6f}" for c in self.bbox)
        return f"/api/map/clusters?bbox={bbox}&zoom={self.zoom}" + (f"&{query}" if query else "")


def random_views(rng: random.Random, per_zoom: int) -> dict[int, list[View]]:
    """Views per zoom: the whole municipality at 8 and 10, local views around Umeå above.

    Local views centre on Umeå (a normal spread of about 3 km) or, one in three, on another
    locality of the SCB list.
    """
    localities = read_localities(DATA_DIR / "umea_places.csv")
    views: dict[int, list[View]] = {}
    for zoom in ZOOMS:
        views[zoom] = []
        for _ in range(per_zoom):
            if zoom <= 10:
                lon = MUNICIPALITY_CENTRE[0] + rng.uniform(-0.15, 0.15)
                lat = MUNICIPALITY_CENTRE[1] + rng.uniform(-0.08, 0.08)
            elif rng.random() < 1 / 3:
                _code, lon, lat, _pop = rng.choice(localities)
                lon, lat = lon + rng.gauss(0, 0.01), lat + rng.gauss(0, 0.005)
            else:
                lon = UMEA_CENTRE[0] + rng.gauss(0, 0.06)
                lat = UMEA_CENTRE[1] + rng.gauss(0, 0.027)
            views[zoom].append(View(zoom, view_bbox(lon, lat, zoom)))
    return views
