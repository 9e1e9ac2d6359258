"""Benchmark cases of the planners' layers, exports, OGC API and report, with their goals.

Each layer at its defaults and at the extremes of its parameters, every export format (time,
MB/s, memory growth of the serving process), OGC pages and the report; and Debian's ogr2ogr
writing the same pins as GeoJSON, the yardstick for the export goal.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from sqlalchemy import delete
from sqlalchemy.engine import make_url
from werkzeug.test import TestResponse

from app.db import get_engine
from app.models import ClusterSnapshot

CITY_BBOX = "20.22,63.81,20.30,63.84"


@dataclass(frozen=True)
class Case:
    """A request to time, the goal it answers to (DESIGN.md) and whether it is heavy."""

    name: str
    path: str
    goal: str = ""
    limit_ms: float | None = None  # the goal as a median time, when it is one
    heavy: bool = False  # few runs: it takes seconds
    next_page: bool = False  # time the page the `next` link of `path` names, not `path`
    # Before each run, forget the clusters kept (app/layers/snapshots.py): a first page that
    # finds them, as after any pin has changed, not one that reads those found before it.
    forget_snapshots: bool = False
    # Time `path` asked again with the ETag its first answer gave: a 304 while no pin changed.
    revalidate: bool = False


LAYERS = [
    Case("districts layer", "/api/layers/districts", "≤ 100 ms", 100),
    Case("districts layer, kind=concern", "/api/layers/districts?kind=concern", "≤ 100 ms", 100),
    Case("hexgrid, default size 250 m", "/api/layers/hexgrid", "≤ 300 ms", 300),
    Case("hexgrid, default size, kind=concern", "/api/layers/hexgrid?kind=concern", "≤ 300 ms",
         300),
    Case("hexgrid, default size, category=traffic", "/api/layers/hexgrid?category=traffic",
         "≤ 300 ms", 300),
    Case("hexgrid, smallest size over Umeå (194 m)", "/api/layers/hexgrid?size=194"),
    Case("hexgrid, largest size (20 km)", "/api/layers/hexgrid?size=20000"),
    Case("hexgrid, 10 m in the centre bbox", f"/api/layers/hexgrid?size=10&bbox={CITY_BBOX}"),
    Case("clusters, default eps 50 m / 5", "/api/layers/clusters", "≤ 10 s", 10_000, True),
    Case("clusters, default, shown again (If-None-Match)", "/api/layers/clusters",
         revalidate=True),
    Case("clusters, eps 100 m / 5", "/api/layers/clusters?eps=100", "≤ 10 s", 10_000, True),
    Case("clusters, eps 1 m / 1000 (all noise)", "/api/layers/clusters?eps=1&min_points=1000",
         "≤ 10 s", 10_000, True),
    Case("clusters, eps 1 m / 1 (one per pin)", "/api/layers/clusters?eps=1&min_points=1",
         "≤ 10 s", 10_000, True),
    Case("clusters, eps 5000 m / 1000", "/api/layers/clusters?eps=5000&min_points=1000",
         "≤ 10 s", 10_000, True),
]  # fmt: skip

EXPORTS = [
    Case(f"export {name}.{fmt}{' crs=3006' if crs else ''}",
         f"/api/export/{name}.{fmt}{'?crs=3006' if crs else ''}",
         "≥ 2× ogr2ogr MB/s, ≤ 100 MB growth" if (name, fmt) == ("ideas", "geojson") else "",
         heavy=True)
    for name, fmt, crs in (
        ("ideas", "geojson", False), ("ideas", "csv", False), ("ideas", "csv", True),
        ("ideas", "gpkg", False), ("ideas", "gpkg", True),
        ("clusters", "geojson", False), ("clusters", "gpkg", False),
        ("districts", "geojson", False), ("districts", "csv", False), ("districts", "gpkg", True),
        ("hexgrid", "geojson", False), ("hexgrid", "gpkg", False),
    )
]  # fmt: skip

OGC = [
    Case("OGC pins, page of 1000", "/ogc/collections/ideas/items?limit=1000"),
    Case("OGC pins in the centre bbox", f"/ogc/collections/ideas/items?bbox={CITY_BBOX}"),
    Case("OGC districts, all", "/ogc/collections/districts/items?limit=200"),
    Case("OGC hexagons, page of 1000", "/ogc/collections/hexagons/items?limit=1000"),
    Case("OGC clusters, page of 1000", "/ogc/collections/clusters/items?limit=1000", heavy=True,
         forget_snapshots=True),
    # The pages after the first read the clusters it found (app/layers/snapshots.py), and so
    # does a first page while no pin has changed: a GIS's next pan.
    Case("OGC clusters, the next page of 1000", "/ogc/collections/clusters/items?limit=1000",
         next_page=True),
    Case("OGC clusters, first page again, no pin changed",
         f"/ogc/collections/clusters/items?limit=1000&bbox={CITY_BBOX}"),
    Case("OGC clusters, one cluster, no pin changed", "/ogc/collections/clusters/items/1"),
    # A report holds at most 10,000 features of a layer (app/layers/report.py): at a million
    # pins the municipality's clusters are more, and the report says so (422), as designed.
    Case("report (districts, clusters)", "/planner/report", heavy=True),
    Case("report, centre bbox (districts, clusters)", f"/planner/report?bbox={CITY_BBOX}",
         heavy=True),
]  # fmt: skip


class Refused(RuntimeError):
    """The app refused the request (a 4xx), as it does a layer too large for the pins."""


def streamed_get(client: FlaskClient, path: str) -> Callable[[], int]:
    """A GET whose body is read chunk by chunk, never held whole; returns its size.

    A refusal raises `Refused` naming its status and the API's error code, if it has one.
    """

    def call() -> int:
        response = client.get(path, buffered=False)
        try:
            if 400 <= response.status_code < 500:
                raise Refused(f"refused: HTTP {response.status_code}{_error_code(response)}")
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}")
            return sum(len(chunk) for chunk in response.iter_encoded())
        finally:
            response.close()

    return call


def revalidated_get(client: FlaskClient, path: str) -> Callable[[], int]:
    """A GET of `path` with the ETag of its first answer (asked by the first call, untimed)."""
    etags: list[str] = []

    def call() -> int:
        if not etags:
            first = client.get(path)
            first.get_data()
            etags.append(first.headers.get("ETag", ""))
        again = client.get(path, headers={"If-None-Match": etags[0]})
        if again.status_code != 304:
            raise RuntimeError(f"HTTP {again.status_code}, not 304")
        return len(again.get_data())

    return call


def case_get(client: FlaskClient, case: Case) -> Callable[[], int]:
    """The timed GET of a case: its path, or the page its path's `next` link names.

    That first page is asked for once, by the first call (`measure`'s warm-up, untimed); with
    no next link, the case fails.
    """
    if case.revalidate:
        return revalidated_get(client, case.path)
    if not case.next_page:
        return streamed_get(client, case.path)
    follow: list[str] = []

    def call() -> int:
        if not follow:
            first = client.get(case.path)
            links = (first.get_json(silent=True) or {}).get("links", [])
            hrefs = [link["href"] for link in links if link.get("rel") == "next"]
            if not hrefs:
                raise RuntimeError(f"HTTP {first.status_code}, no next page")
            parts = urlsplit(hrefs[0])
            follow.append(f"{parts.path}?{parts.query}")
        return streamed_get(client, follow[0])()

    return call


def forgetting_snapshots(client: FlaskClient) -> Callable[[], None]:
    """Delete every kept snapshot of the clusters, with their features, in `client`'s app."""

    def forget() -> None:
        with client.application.app_context(), get_engine().begin() as connection:
            connection.execute(delete(ClusterSnapshot))

    return forget


def _error_code(response: TestResponse) -> str:
    """' (its code)' of an API error's JSON body, else ''."""
    if not response.is_json:
        return ""
    error = (response.get_json(silent=True) or {}).get("error") or {}
    return f" ({error['code']})" if isinstance(error, dict) and "code" in error else ""


OGR2OGR_SQL = (
    "SELECT i.id, i.kind, i.category, i.title, i.body, i.status, i.answer, i.answered_at, "
    "i.source, i.district_id, d.name AS district, i.created_at, "
    "(SELECT count(*) FROM supports s WHERE s.idea_id = i.id) AS support_count, "
    "d.code AS district_code, i.geom FROM ideas i LEFT JOIN districts d ON d.id = i.district_id "
    "WHERE i.visibility = 'published' ORDER BY i.id"
)


def ogr2ogr_geojson(database_url: str) -> Callable[[], int] | None:
    """Debian's ogr2ogr writing the same published pins as GeoJSON to a pipe, or None."""
    ogr2ogr = shutil.which("ogr2ogr")
    if ogr2ogr is None:
        return None
    url = make_url(database_url)
    connection = (
        f"PG:host={url.host} port={url.port or 5432} dbname={url.database} user={url.username}"
        + (f" password={url.password}" if url.password else "")
    )

    def call() -> int:
        process = subprocess.Popen(
            [ogr2ogr, "-f", "GeoJSON", "/vsistdout/", connection, "-sql", OGR2OGR_SQL,
             "-lco", "RFC7946=YES", "-lco", "COORDINATE_PRECISION=6"],
            stdout=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None
        size = 0
        while chunk := process.stdout.read(1 << 20):
            size += len(chunk)
        if process.wait() != 0:
            raise RuntimeError(f"ogr2ogr exited with {process.returncode}")
        return size

    return call


def wait_for_quiet_database(seconds: float = 2.0) -> None:
    """A short pause between groups, so autovacuum or a previous stream does not skew the next."""
    time.sleep(seconds)
