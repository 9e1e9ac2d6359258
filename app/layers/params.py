"""The layer parameters, read from query strings and bounded.

A value out of range is a 422 that names the limit. The defaults suit Umeå (README, "Layers").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.common.errors import InvalidField
from app.ideas.filters import IdeaFilters, parse_int
from geo.aggregate import hexagon_cells_bound, metric_extent, smallest_hexagon_size
from geo.crs import SWEREF99TM, WGS84
from geo.i18n import N_
from geo.numbers import parse_decimal

# DBSCAN: at least 5 pins within 50 m of each other make a cluster: a street corner, a
# crossing, a playground that several people point at (and the whole municipality's million
# pins cluster within the 10 s goal at this distance).
DEFAULT_EPS = 50.0
MIN_EPS, MAX_EPS = 1, 5000
DEFAULT_MIN_POINTS = 5
MIN_MIN_POINTS, MAX_MIN_POINTS = 1, 1000
# Hexagons with 250 m edges (about 500 m across, 0.16 km²): a neighbourhood in the city; the
# whole municipality is at most ~60,000 cells at that size.
DEFAULT_HEX_SIZE = 250
MIN_HEX_SIZE, MAX_HEX_SIZE = 10, 20_000
MAX_HEX_CELLS = 100_000
CRS_CHOICES = (WGS84, SWEREF99TM)


@dataclass(frozen=True)
class ClusterParams:
    """DBSCAN's distance in metres and the smallest number of pins in a core's neighbourhood."""

    eps: float = DEFAULT_EPS
    min_points: int = DEFAULT_MIN_POINTS


def parse_cluster_params(args: Mapping[str, str]) -> ClusterParams:
    """`eps` (metres, decimals allowed) and `min_points`, within their bounds."""
    eps = DEFAULT_EPS
    if "eps" in args:
        value = parse_decimal(args["eps"])
        if value is None or not MIN_EPS <= value <= MAX_EPS:
            raise InvalidField(
                N_("eps must be a distance in metres from %(low)s to %(high)s."),
                field="eps",
                low=MIN_EPS,
                high=MAX_EPS,
            )
        eps = value
    min_points = parse_int(args, "min_points", DEFAULT_MIN_POINTS, MIN_MIN_POINTS, MAX_MIN_POINTS)
    return ClusterParams(eps=eps, min_points=min_points)


def parse_hex_size(
    args: Mapping[str, str],
    filters: IdeaFilters,
    area_bounds: tuple[float, float, float, float],
    *,
    bbox_narrows: bool = True,
) -> int:
    """`size`, the hexagon edge in whole metres, bounded so no request asks for too many cells.

    The cells that could meet the area asked for (the `bbox` filter inside `area_bounds`, or
    all of it; with `bbox_narrows` False, always all of it) must stay within MAX_HEX_CELLS.
    """
    size = parse_int(args, "size", DEFAULT_HEX_SIZE, MIN_HEX_SIZE, MAX_HEX_SIZE)
    extent = area_bounds
    if bbox_narrows and filters.bbox is not None:
        extent = _intersection(filters.bbox, area_bounds) or extent
    width, height = metric_extent(extent)
    if hexagon_cells_bound(width, height, size) > MAX_HEX_CELLS:
        least = smallest_hexagon_size(width, height, MAX_HEX_CELLS)
        raise InvalidField(
            N_(
                "size must be at least %(low)s metres for this area: at most %(cells)s "
                "hexagons. Choose a larger size or a smaller bbox."
            ),
            field="size",
            code="too_many_cells",
            extra={"suggested": {"size": least}},  # as a min_points too small (layers.queries)
            low=least,
            cells=MAX_HEX_CELLS,
        )
    return size


def _intersection(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> tuple[float, float, float, float] | None:
    """The overlap of two boxes, or None when they do not overlap."""
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] <= box[2] and box[1] <= box[3] else None


def parse_crs(args: Mapping[str, str]) -> int:
    """`crs=4326` (WGS 84, the default) or `crs=3006` (SWEREF 99 TM)."""
    raw = args.get("crs", str(WGS84))
    if raw not in {str(code) for code in CRS_CHOICES}:
        raise InvalidField(
            N_("crs must be %(wgs84)d (WGS 84) or %(sweref)d (SWEREF 99 TM)."),
            field="crs",
            wgs84=WGS84,
            sweref=SWEREF99TM,
        )
    return int(raw)


REPORT_LAYERS = ("districts", "hexgrid", "clusters")
DEFAULT_REPORT_LAYERS = ("districts", "clusters")
DISTRICT_METRICS = ("count", "per_1000")


def parse_report_layers(args: Mapping[str, str]) -> tuple[str, ...]:
    """`layers=districts,hexgrid,clusters`: which layers a report draws, in that order."""
    raw = args.get("layers")
    if raw is None:
        return DEFAULT_REPORT_LAYERS
    chosen = tuple(dict.fromkeys(raw.split(",")))
    if not raw or any(name not in REPORT_LAYERS for name in chosen):
        raise InvalidField(
            N_("layers must be one or more of %(choices)s, separated by commas."),
            field="layers",
            choices=", ".join(REPORT_LAYERS),
        )
    return tuple(name for name in REPORT_LAYERS if name in chosen)


def parse_district_metric(args: Mapping[str, str]) -> str:
    """`metric=count` (default) or `per_1000`: what the district colours show."""
    metric = args.get("metric", "count")
    if metric not in DISTRICT_METRICS:
        raise InvalidField(
            N_("metric must be count or per_1000."), field="metric", code="invalid_choice"
        )
    return metric
