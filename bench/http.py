"""The citizen map over HTTP at scale: gunicorn as `make run` serves it, many clients at once.

Usage: `make bench-http BENCH_HTTP_ARGS="--pins 1000000"` or
`python -m bench.http --pins 1000000 --clients 16 --seconds 20 --spread population --reuse`.

Seeds (or with `--reuse`, reuses) a database of demo pins, starts gunicorn with
`gunicorn.conf.py` (two gevent workers; rate limits off, or with `--rate-limits` on and counting
at limits no client reaches), then measures, each beside its goal
in issue 8: `GET /api/map/clusters` for 1280×800-pixel views at zooms 8-18, with and without
filters (goal 1); the first clustered view against Supercluster under Node (goal 2); warm views
answered 304 (goal 3), beside an endpoint that reads no database (the server's ceiling); pins
created by 16 clients while others read the map, with a freshness check after posts (goals 1
and 4), and with `--paced`, the same with the writers held to a rate (the map's latency beside
a given load of writes); with `--imports` (the default), pins imported in batches by 16
signed-in planners, with a freshness check after each batch (goal 4). Unless `--rate-limits`
had them on throughout, the writers then run again (4a and 4b) on a gunicorn with the rate limits
on, as `make run` counts every pin. Figures are reports, not assertions.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import os
import random
import re
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app import create_app
from app.common.errors import Conflict
from app.config import DATA_DIR, PROJECT_DIR
from app.db import get_engine, get_session, lift_statement_timeout
from app.demo import SPREADS, read_localities
from app.ideas.counts import fold_map_log
from app.planning.accounts import create_user
from bench import wire
from serving.connections import connections_per_worker
from tests.dbutil import database_url, migrate, published_pins, recreate_database
from tests.serving.test_gunicorn import start_gunicorn, stop_gunicorn

ZOOMS = (8, 10, 12, 14, 16, 18)
VIEW_PX = (1280, 800)
TILE_PX = 256
UMEA_CENTRE = (20.2630, 63.8258)  # where the citizen map opens (app/citizen/views.py)
MUNICIPALITY_CENTRE = (20.38, 63.89)  # the middle of the municipality's bounds
FIRST_VIEW_ZOOM = 12  # the zoom the citizen map opens at
FRESH_ZOOM = 14  # the freshness check's view: about 5.5 × 3.4 km around the writer's region
REGION_SPACING_M = 10_000  # writers' regions this far apart: no view of one holds another
P95_GOAL_MS = 50.0
WARM_GOAL_PER_S = 1000.0
WRITE_GOAL_PER_S = 1000.0
FIRST_VIEW_GOAL = 20.0
FILTERS = {
    "none": "",
    "kind": "kind=concern",
    "category": "category=safety",
    "status": "status=new",
    "source": "source=import",
    "all four": "kind=idea&category=traffic&status=new&source=import",
}
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
# `--rate-limits`: a new pin counts as `make run`'s defaults count it (its person's and its
# address's limits, each per hour and per minute: four counters), at limits no run reaches.
RATE_LIMITS = {
    "RATELIMIT_ENABLED": "1",
    "IDEA_CREATE_LIMIT": "1000000000 per hour;1000000000 per minute",
    "IDEA_CREATE_ADDRESS_LIMIT": "1000000000 per hour;1000000000 per minute",
}
NEW_PIN = {"kind": "idea", "category": "other", "title": "Bench pin over HTTP", "body": ""}


# --- Views -------------------------------------------------------------------------------


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


# --- A keep-alive client -----------------------------------------------------------------


class Client:
    """One keep-alive HTTP connection, as one browser tab holds, with its cookie."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn: wire.Connection | None = None
        self.cookie = ""
        self.token = ""

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, wire.Headers]:
        """Send one request; a connection the server closed while idle is opened again."""
        sent = dict(headers or {})
        if self.cookie:
            sent["Cookie"] = self.cookie
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = wire.Connection(self.host, self.port, timeout=60)
            try:
                status, data, received, closes = self.conn.exchange(method, path, body, sent)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt:
                    raise
                continue
            except (OSError, http.client.HTTPException):
                # A timeout left the connection waiting for its answer: every later request on
                # it would read the late answer as its own.
                self.close()
                raise
            if closes:
                self.close()
            return status, data, received
        raise AssertionError("unreachable")

    def open_page(self) -> None:
        """Load the map page: the session cookie and the CSRF token a POST needs."""
        status, data, headers = self.request("GET", "/")
        assert status == 200, status
        self.cookie = "; ".join(c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") or [])
        match = CSRF_META.search(data.decode())
        assert match, "no CSRF token on the page"
        self.token = match.group(1)

    def post_json(self, path: str, payload: object) -> tuple[int, bytes]:
        """POST JSON with the CSRF token."""
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.token}
        status, data, _ = self.request("POST", path, json.dumps(payload).encode(), headers)
        return status, data

    def timed_post_json(self, path: str, payload: object) -> tuple[int, bytes, float]:
        """`post_json`, with its milliseconds; a connection the server dropped is status 0."""
        start = time.perf_counter()
        try:
            status, data = self.post_json(path, payload)
        except (OSError, http.client.HTTPException):
            status, data = 0, b""
        return status, data, (time.perf_counter() - start) * 1000

    def close(self) -> None:
        """Close the connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Samples:
    """Latencies (ms) by a key, with errors and the number of requests."""

    by_key: dict[object, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: int = 0
    count: int = 0
    seconds: float = 0.0
    per_worker: list[int] = field(default_factory=list)  # clients' connections, most first
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, key: object, ms: float, ok: bool) -> None:
        """Record one request."""
        with self.lock:
            self.count += 1
            if ok:
                self.by_key[key].append(ms)
            else:
                self.errors += 1

    def all(self) -> list[float]:
        """Every latency."""
        return [ms for values in self.by_key.values() for ms in values]


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-1), nearest rank; NaN with no samples."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def run_clients(count: int, seconds: float, work: Callable[[int, float], None]) -> float:
    """Run `work(n, deadline)` in `count` threads; the wall-clock seconds they took."""
    deadline = time.perf_counter() + seconds
    threads = [threading.Thread(target=work, args=(n, deadline)) for n in range(count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def timed_get(client: Client, path: str, headers: dict[str, str] | None = None) -> tuple:
    """(status, ms, body) of one GET; status 0 when the connection failed."""
    start = time.perf_counter()
    try:
        status, data, _ = client.request("GET", path, headers=headers)
    except (OSError, http.client.HTTPException):
        return 0, (time.perf_counter() - start) * 1000, b""
    return status, (time.perf_counter() - start) * 1000, data


def view_total(data: bytes) -> tuple[int, bool]:
    """The pins a clusters response counts (the sum of its features' counts); clustered?"""
    body = json.loads(data)
    return sum(int(f["properties"]["count"]) for f in body["features"]), bool(body["clustered"])


def _clients_cpu() -> float:
    """CPU seconds of this process and of its child processes that have ended (the clients)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def load_and_cpu() -> str:
    """The machine's 1-minute load, for every figure (others share these two cores)."""
    return f"load {os.getloadavg()[0]:.2f}"


# --- The phases --------------------------------------------------------------------------


def cold_reads(
    base: str,
    views: dict[int, list[View]],
    clients: int,
    seconds: float,
    master: int | None = None,
) -> Samples:
    """Random views and filter sets, no validators: every response computed (goal 1).

    Each client is a process of its own, as each browser is. As threads of one process they
    shared one GIL: on the busy machine a thread descheduled while holding it held up the
    others' timings, p95 76.5 against 68.8 ms for the same server (6 rounds of 3 s each way,
    taking turns, 1.2M pins). Given gunicorn's `master` pid, the clients' connections are
    counted per worker halfway through (a worker holding more made its clients wait longer).
    """
    deadline = time.perf_counter() + seconds  # CLOCK_MONOTONIC: the same in every process
    start = time.perf_counter()
    per_worker: list[int] = []
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        running = pool.starmap_async(
            _cold_client, [(base, views, n, deadline) for n in range(clients)]
        )
        if master is not None:
            time.sleep(seconds / 2)
            per_worker = connections_per_worker(master, urlsplit(base).port or 80)
        timings = running.get()
        pool.close()
        pool.join()
    samples = Samples(seconds=time.perf_counter() - start, per_worker=per_worker)
    for key, ms, ok in (timing for client in timings for timing in client):
        samples.add(key, ms, ok)
    return samples


def _cold_client(
    base: str, views: dict[int, list[View]], n: int, deadline: float
) -> list[tuple[tuple[int, str], float, bool]]:
    """One client of `cold_reads`: (zoom and filter set, ms, ok) of each view it asked for."""
    rng, client, timings = random.Random(n), Client(base), []
    while time.perf_counter() < deadline:
        zoom = rng.choice(ZOOMS)
        name = rng.choice(list(FILTERS))
        status, ms, _ = timed_get(client, rng.choice(views[zoom]).path(FILTERS[name]))
        timings.append(((zoom, name), ms, status == 200))
    client.close()
    return timings


def report_cold(samples: Samples) -> dict[int, float]:
    """Print p50/p95 per zoom and filter set; return the p95 per zoom."""
    seconds = samples.seconds
    print(f"\n1. GET /api/map/clusters, cold (no validators), {load_and_cpu()} at the end")
    print("   p50 / p95 ms per zoom and filter set (n)")
    print(f"   {'zoom':<5}" + "".join(f"{name:>22}" for name in FILTERS) + f"{'all':>18}  goal")
    per_zoom: dict[int, float] = {}
    for zoom in ZOOMS:
        cells = []
        for name in FILTERS:
            values = samples.by_key.get((zoom, name), [])
            cells.append(
                f"{statistics.median(values):>7.1f} /{percentile(values, 0.95):>7.1f}"
                f" ({len(values):>3})"
                if values
                else f"{'-':>21}"
            )
        everything = [ms for name in FILTERS for ms in samples.by_key.get((zoom, name), [])]
        per_zoom[zoom] = percentile(everything, 0.95)
        verdict = "met" if per_zoom[zoom] <= P95_GOAL_MS else "missed"
        print(
            f"   {zoom:<5}" + "".join(f"{c:>22}" for c in cells)
            + f"{statistics.median(everything) if everything else float('nan'):>9.1f} /"
            f"{per_zoom[zoom]:>7.1f}  p95 ≤ {P95_GOAL_MS:.0f} ms: {verdict}"
        )  # fmt: skip
    print(
        f"   {samples.count} requests in {seconds:.1f} s = {samples.count / seconds:.0f} req/s; "
        f"errors {samples.errors}"
    )
    if samples.per_worker:
        held = " / ".join(str(count) for count in samples.per_worker)
        print(f"   the clients' connections per gunicorn worker, halfway: {held}")
    return per_zoom


def warm_reads(base: str, views: list[View], clients: int, seconds: float) -> dict[str, float]:
    """The same views again with If-None-Match: 304s per second (goal 3)."""
    probe = Client(base)
    tags: dict[str, str] = {}
    for view in views:
        for query in ("", FILTERS["kind"]):
            path = view.path(query)
            status, _data, headers = probe.request("GET", path)
            if status == 200 and headers.get("ETag"):
                tags[path] = headers["ETag"]
    probe.close()
    paths = list(tags)
    counts = {"304": 0, "other": 0}
    latencies: list[float] = []
    lock = threading.Lock()

    def work(n: int, deadline: float) -> None:
        client, mine, done, other = Client(base), [], 0, 0
        i = n
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            status, ms, _ = timed_get(client, path, {"If-None-Match": tags[path]})
            mine.append(ms)
            if status == 304:
                done += 1
            else:
                other += 1
        client.close()
        with lock:
            counts["304"] += done
            counts["other"] += other
            latencies.extend(mine)

    elapsed = run_clients(clients, seconds, work)
    return {
        "views": len(paths),
        "per_s": counts["304"] / elapsed,
        "not_304": counts["other"],
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": percentile(latencies, 0.95),
    }


def ceiling(base: str, clients: int, seconds: float) -> tuple[float, int]:
    """Requests a second of `GET /api/categories`, which reads no database.

    It pays for little more than the server, the framework and its extensions, which every
    map view and new pin pays for too: a measure of how far goals 3 and 4 are from what the
    machine can serve at all. Returns the 200s a second and the other answers' number.
    """
    answered = Counter[bool]()
    lock = threading.Lock()

    def work(n: int, deadline: float) -> None:
        client, mine = Client(base), Counter[bool]()
        while time.perf_counter() < deadline:
            status, _ms, _ = timed_get(client, "/api/categories")
            mine[status == 200] += 1
        client.close()
        with lock:
            answered.update(mine)

    elapsed = run_clients(clients, seconds, work)
    return answered[True] / elapsed, answered[False]


@dataclass
class Region:
    """Where one writer posts: places near a centre no other writer's view reaches."""

    centre: tuple[float, float]
    places: list[tuple[float, float]]

    def view(self) -> View:
        """The freshness check's view: 1280×800 pixels at FRESH_ZOOM around the centre."""
        return View(FRESH_ZOOM, view_bbox(*self.centre, FRESH_ZOOM))


def writer_regions(url: str, count: int, seed: int) -> list[Region]:
    """`count` regions at least REGION_SPACING_M apart, each with places of existing pins.

    Existing pins' places are inside the municipality, with a district: a new pin there is
    valid. Places lie within 500 m of the centre, well inside the centre's view.
    """
    engine = create_engine(url)
    with engine.connect() as conn:
        conn.execute(text("SELECT setseed(:s)"), {"s": (seed % 1000) / 1000})
        # A sample of 5 % of the pages is quick at a million pins. 5,000 pins fill 106 pages
        # (either spread), and a sample holds none of them one time in 230 (0.95¹⁰⁶): then
        # every pin is a candidate.
        for sample in ("TABLESAMPLE SYSTEM (5)", ""):
            candidates = conn.execute(
                text(
                    f"SELECT ST_X(geom), ST_Y(geom) FROM ideas {sample}"
                    " WHERE visibility = 'published' ORDER BY random() LIMIT 5000"
                )
            ).all()
            centres = _spaced(candidates, count)
            if len(centres) == count:
                break
        regions = []
        for lon, lat in centres:
            places = conn.execute(
                text(
                    "SELECT ST_X(geom), ST_Y(geom) FROM ideas WHERE visibility = 'published'"
                    " AND ST_DWithin(geom::geography,"
                    " ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, 500) LIMIT 200"
                ),
                {"lon": lon, "lat": lat},
            ).all()
            regions.append(Region((lon, lat), [(x, y) for x, y in places]))
    engine.dispose()
    return regions


def _spaced(candidates: Sequence[Any], count: int) -> list[tuple[float, float]]:
    """Up to `count` of the (lon, lat) `candidates`, in order, REGION_SPACING_M apart."""
    centres: list[tuple[float, float]] = []
    for lon, lat in candidates:
        if all(_metres((lon, lat), c) >= REGION_SPACING_M for c in centres):
            centres.append((lon, lat))
        if len(centres) == count:
            break
    return centres


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two lon/lat points (equirectangular: good to a few metres here)."""
    dx = math.radians(a[0] - b[0]) * math.cos(math.radians((a[1] + b[1]) / 2))
    return 6_371_000 * math.hypot(dx, math.radians(a[1] - b[1]))


@dataclass
class Freshness:
    """One writer's check that its region's view counts exactly the pins it has added.

    Only that writer adds pins there. When the view turns from pins to cells between two
    checks (past MAP_PIN_LIMIT a view counts whole cells whose mean lies in it, not the pins
    in the bbox), the count starts again from there and the check is not counted (`rebased`).
    """

    region: Region
    expected: int | None = None
    clustered: bool = False
    checks: int = 0
    passed: int = 0
    rebased: int = 0

    @classmethod
    def start(cls, client: Client, region: Region) -> Freshness:
        """The region's view as it is now (no check when it cannot be read)."""
        status, _, data = timed_get(client, region.view().path())
        expected, clustered = view_total(data) if status == 200 else (None, False)
        return cls(region, expected, clustered)

    def added(self, pins: int) -> None:
        """The writer has had `pins` more accepted on the map."""
        if self.expected is not None:
            self.expected += pins

    def check(self, client: Client, misses: list[str]) -> None:
        """Read the view again: its total must be the one expected (up to 5 misses kept)."""
        if self.expected is None:
            return
        status, _, data = timed_get(client, self.region.view().path())
        total, clustered = view_total(data) if status == 200 else (-1, self.clustered)
        if clustered != self.clustered:
            self.expected, self.clustered = total, clustered
            self.rebased += 1
            return
        self.checks += 1
        if total == self.expected:
            self.passed += 1
        elif len(misses) < 5:
            misses.append(f"{self.region.view().path()}: {total}, expected {self.expected}")


@dataclass
class Writes:
    """What a phase's writers did, added up as each finishes: counts, POST times, freshness."""

    counts: Counter[str] = field(default_factory=Counter)
    post_ms: list[float] = field(default_factory=list)
    checks: int = 0
    passed: int = 0
    rebased: int = 0
    misses: list[str] = field(default_factory=list)  # kept by Freshness.check, up to 5
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, counts: Mapping[str, int], post_ms: list[float], fresh: Freshness) -> None:
        """One writer's counts, POST times and freshness checks."""
        with self.lock:
            self.counts.update(counts)
            self.post_ms.extend(post_ms)
            self.checks += fresh.checks
            self.passed += fresh.passed
            self.rebased += fresh.rebased

    def figures(self, seconds: float) -> dict[str, Any]:
        """Pins created, held and refused, pins per second, POST p50 / p95, freshness."""
        return {
            **{name: self.counts[name] for name in ("created", "held", "refused")},
            "pins_per_s": self.counts["created"] / seconds,
            "post_p50": statistics.median(self.post_ms) if self.post_ms else float("nan"),
            "post_p95": percentile(self.post_ms, 0.95),
            "checks": self.checks,
            "passed": self.passed,
            "rebased": self.rebased,
            "misses": self.misses,
        }


def writes_with_reads(
    base: str,
    regions: list[Region],
    views: dict[int, list[View]],
    readers: int,
    seconds: float,
    fresh_every: int,
    paced_per_s: float | None = None,
) -> dict[str, Any]:
    """Writers POST pins in their regions while readers read the map (goals 4 and 1).

    Every `fresh_every`-th pin, its writer asks for its region's view: the total must be
    the one before plus every pin it has had accepted since, which only that writer adds to.
    With `fresh_every` 0 each writer asks once, after its last pin.

    With `paced_per_s`, the writers together send that many pins a second, each on a schedule
    of its own (staggered); a writer behind its schedule sends at once until it has caught up.
    Without it each sends its next pin as soon as the last is answered, so the machine is
    always full and the readers' latency is that of a saturated server, whatever its speed.
    """
    writes = Writes()
    reads = Samples()
    writers_done = threading.Event()

    def write(n: int, deadline: float) -> None:
        region, client, rng = regions[n], Client(base), random.Random(1000 + n)
        client.open_page()
        fresh = Freshness.start(client, region)
        mine: list[float] = []
        counts = {"created": 0, "held": 0, "refused": 0}
        interval = len(regions) / paced_per_s if paced_per_s else 0.0
        due = time.perf_counter() + interval * n / len(regions)
        while time.perf_counter() < deadline:
            if interval:  # paced: this writer's next pin is due then, however late the last
                if due >= deadline:
                    break
                time.sleep(max(0.0, due - time.perf_counter()))
                due += interval
            lon, lat = rng.choice(region.places)
            feature = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": NEW_PIN,
            }
            status, _, ms = client.timed_post_json("/api/ideas", feature)
            mine.append(ms)
            if status == 201:
                counts["created"] += 1
                fresh.added(1)
                if fresh_every and counts["created"] % fresh_every == 0:
                    fresh.check(client, writes.misses)
            elif status == 202:
                counts["held"] += 1
            else:
                counts["refused"] += 1
        if not fresh_every:
            fresh.check(client, writes.misses)
        client.close()
        writes.add(counts, mine, fresh)

    def read(n: int, deadline: float) -> None:
        rng, client = random.Random(500 + n), Client(base)
        while time.perf_counter() < deadline and not writers_done.is_set():
            zoom = rng.choice(ZOOMS)
            name = rng.choice(list(FILTERS))
            status, ms, _ = timed_get(client, rng.choice(views[zoom]).path(FILTERS[name]))
            reads.add(zoom, ms, status == 200)
        client.close()

    def work(n: int, deadline: float) -> None:
        if n < len(regions):
            write(n, deadline)
        else:
            read(n - len(regions), deadline)

    start = time.perf_counter()
    deadline = start + seconds
    threads = [
        threading.Thread(target=work, args=(n, deadline)) for n in range(len(regions) + readers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads[: len(regions)]:
        thread.join()
    elapsed = time.perf_counter() - start
    writers_done.set()
    for thread in threads[len(regions) :]:
        thread.join()
    return {
        **writes.figures(elapsed),
        "read_p50": statistics.median(reads.all()) if reads.all() else float("nan"),
        "read_p95": percentile(reads.all(), 0.95),
        "reads": reads.count,
        "read_errors": reads.errors,
        "read_p95_by_zoom": {z: percentile(reads.by_key.get(z, []), 0.95) for z in ZOOMS},
    }


def pins_created(writes: dict[str, Any], paced_per_s: float | None = None) -> str:
    """The writers' figures beside goal 4 (or the pace asked): pins a second, POST times."""
    if paced_per_s:
        beside = f"of the {paced_per_s:g} paced"
    else:
        verdict = "met" if writes["pins_per_s"] >= WRITE_GOAL_PER_S else "missed"
        beside = f"(goal ≥ {WRITE_GOAL_PER_S:.0f}/s: {verdict})"
    return (
        f"{writes['created']:.0f} pins created = {writes['pins_per_s']:.0f} pins/s "
        f"{beside}; POST p50 / p95 "
        f"{writes['post_p50']:.1f} / {writes['post_p95']:.1f} ms; "
        f"{writes['held']:.0f} held, {writes['refused']:.0f} refused or failed"
    )


def report_writes_with_reads(
    label: str,
    mixed: dict[str, Any],
    writers: int,
    readers: int,
    paced_per_s: float | None = None,
) -> None:
    """Print phase 4b (writers as fast as they are answered) or 4c (writers paced)."""
    read_verdict = "met" if mixed["read_p95"] <= P95_GOAL_MS else "missed"
    by_zoom = ", ".join(f"z{z} {ms:.0f}" for z, ms in mixed["read_p95_by_zoom"].items())
    pace = f", paced to {paced_per_s:g} pins a second in all," if paced_per_s else ""
    print(
        f"\n{label} {writers} clients POST /api/ideas{pace} while {readers} read the map, "
        f"{load_and_cpu()}:\n"
        f"   {pins_created(mixed, paced_per_s)}\n"
        f"   map during writes: {mixed['reads']:.0f} reads, p50 / p95 "
        f"{mixed['read_p50']:.1f} / {mixed['read_p95']:.1f} ms (goal p95 ≤ "
        f"{P95_GOAL_MS:.0f} ms: {read_verdict}); p95 by zoom: {by_zoom}; "
        f"{mixed['read_errors']:.0f} errors\n"
        f"   freshness: {mixed['passed']:.0f} of {mixed['checks']:.0f} checks counted "
        f"the new pin in the very next response (view at zoom {FRESH_ZOOM}); "
        f"{mixed['rebased']} not counted: the view had just turned from pins to cells"
    )
    for miss in mixed["misses"]:
        print(f"   missed: {miss}")


def report_writers_alone(alone: dict[str, Any], writers: int, label: str = "4a.") -> None:
    """Print phase 4a: the pins a second that the writers alone had stored (goal 4)."""
    print(
        f"\n{label} {writers} clients POST /api/ideas, nothing else asked for, "
        f"{load_and_cpu()}:\n"
        f"   {pins_created(alone)}\n"
        f"   freshness, once per writer after its last pin: {alone['passed']:.0f} of "
        f"{alone['checks']:.0f} views counted every pin it had had accepted; "
        f"{alone['rebased']} not counted: the view had turned from pins to cells"
    )
    for miss in alone["misses"]:
        print(f"   missed: {miss}")


def first_view(base: str, view: View, runs: int = 5) -> dict[str, float]:
    """Our first clustered view of a cold page: one GET on a new connection, no validator."""
    times, size = [], 0
    for _ in range(runs):
        client = Client(base)
        status, ms, data = timed_get(client, view.path())
        client.close()
        assert status == 200, status
        times.append(ms)
        size = len(data)
    return {"ms": statistics.median(times), "bytes": size}


def supercluster(base: str, views: list[View]) -> dict[str, object] | None:
    """Run bench/supercluster.mjs on every published pin, downloaded from our server."""
    node = "/usr/bin/node"
    script = PROJECT_DIR / "bench" / "supercluster.mjs"
    if not Path(node).exists() or not (PROJECT_DIR / "node_modules" / "supercluster").exists():
        print("\n2. Supercluster: node or node_modules/supercluster missing (make tools)")
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([{"zoom": v.zoom, "bbox": list(v.bbox)} for v in views], handle)
    try:
        done = subprocess.run(
            [node, "--max-old-space-size=8192", str(script), base + "/api/export/ideas.geojson",
             handle.name],
            capture_output=True, text=True, timeout=900, check=False,
        )  # fmt: skip
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        print(f"\n2. Supercluster failed: {done.stderr.strip()[-1200:]}")
        return None
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def one_at_a_time(base: str, views: list[View]) -> Samples:
    """Each view once from one client, as Supercluster is timed: latency without queueing."""
    samples, client = Samples(), Client(base)
    for view in views:
        status, ms, _ = timed_get(client, view.path())
        samples.add(view.zoom, ms, status == 200)
    client.close()
    return samples


def report_supercluster(
    ours: dict[str, float], loaded: Samples, alone: Samples, theirs: dict
) -> None:
    """Print the first view and per-view latency side by side (goal 2)."""
    theirs_first = theirs["download_ms"] + theirs["build_ms"] + theirs["first_view_ms"]
    ratio = theirs_first / ours["ms"]
    print(
        f"\n2. Against Supercluster {theirs['version']} (Node {theirs['node']}), {load_and_cpu()}"
    )
    print(f"   {'':<44}{'ours':>14}{'Supercluster':>16}")
    print(
        f"   {'first clustered view of a cold page (ms)':<44}{ours['ms']:>14.1f}"
        f"{theirs_first:>16.0f}"
    )
    print(
        f"   {'  download all pins / build index (ms)':<44}{'-':>14}"
        f"{theirs['download_ms']:>8.0f} /{theirs['build_ms']:>6.0f}"
    )
    print(
        f"   {'bytes to the browser before the first view':<44}{ours['bytes']:>14,}"
        f"{theirs['bytes']:>16,}"
    )
    print(
        f"   {'  (a compact GeoJSON of the same pins)':<44}{'':>14}{theirs['compact_bytes']:>16,}"
    )
    print("   per view p50 / p95 ms: ours one at a time | ours under 16 clients | Supercluster")
    for zoom in ZOOMS:
        mine = alone.by_key.get(zoom, [])
        busy = loaded.by_key.get((zoom, "none"), [])
        stats = theirs["per_zoom"].get(str(zoom), {})
        print(
            f"   zoom {zoom:<3}{_p50_p95(mine):>22}{_p50_p95(busy):>24}"
            f"{stats.get('p50', float('nan')):>10.2f} /{stats.get('p95', float('nan')):>6.2f}"
        )
    verdict = "met" if ratio >= FIRST_VIEW_GOAL else "missed"
    # Had our server a compact file of every pin, the download would shrink with the bytes.
    compact_ms = theirs["download_ms"] * theirs["compact_bytes"] / max(theirs["bytes"], 1)
    compact_ratio = (compact_ms + theirs["build_ms"] + theirs["first_view_ms"]) / ours["ms"]
    print(
        f"   first view {ratio:.0f}× sooner than Supercluster (goal ≥ {FIRST_VIEW_GOAL:.0f}×: "
        f"{verdict}); {compact_ratio:.0f}× against a compact download at the same MB/s "
        f"(estimated); Node heap {theirs['heap_mb']:.0f} MB"
    )


def _p50_p95(samples: list[float]) -> str:
    """'p50 / p95' of some latencies."""
    if not samples:
        return "-"
    return f"{statistics.median(samples):.1f} / {percentile(samples, 0.95):.1f}"


# --- Imports by planners (goal 4 through POST /api/ideas/import) ---------------------------

PLANNER = ("bench-import@umea.se", "sju långa ord om älven")  # the bench's planner account


def create_planner(url: str) -> None:
    """The planner account the import clients sign in as (kept when the database is reused)."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "MAP_FOLD_INTERVAL_S": 0})
    with app.app_context():
        session = get_session()
        try:
            create_user(session, *PLANNER, "planner", profile="CHEAPEST")
            session.commit()
        except Conflict:
            session.rollback()
        get_engine().dispose()


def signed_in_planner(base: str) -> Client:
    """A client signed in through /login, with the signed-in session's cookie and CSRF token."""
    client, jar = Client(base), dict[str, str]()

    def keep(headers: wire.Headers) -> None:
        for cookie in headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            jar[name] = value
        client.cookie = "; ".join(f"{name}={value}" for name, value in jar.items())

    def token(data: bytes) -> str:
        match = CSRF_META.search(data.decode())
        assert match, "no CSRF token on the page"
        return match.group(1)

    status, data, headers = client.request("GET", "/login")
    keep(headers)
    form = {"email": PLANNER[0], "password": PLANNER[1], "csrf_token": token(data)}
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, headers = client.request("POST", "/login", urlencode(form).encode(), form_type)
    assert status == 303, f"sign-in answered {status}"
    keep(headers)
    status, data, headers = client.request("GET", "/planner")  # the new session's token
    assert status == 200, status
    keep(headers)
    client.token = token(data)
    return client


def imports(base: str, regions: list[Region], seconds: float, batch: int) -> dict[str, Any]:
    """Each region's planner POSTs batches of `batch` pins at its places for `seconds`.

    After every batch its planner reads its region's view: the total must have grown by
    exactly the pins the batch created (only that planner adds pins there).
    """
    clients = [signed_in_planner(base) for _ in regions]  # before the clock starts
    writes = Writes()

    def work(n: int, deadline: float) -> None:
        region, client, rng = regions[n], clients[n], random.Random(2000 + n)
        fresh = Freshness.start(client, region)
        mine: list[float] = []
        counts = {"created": 0, "refused": 0}
        while time.perf_counter() < deadline:
            features = [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": list(rng.choice(region.places))},
                    "properties": NEW_PIN,
                }
                for _ in range(batch)
            ]
            body = {"type": "FeatureCollection", "source": "import", "features": features}
            status, data, ms = client.timed_post_json("/api/ideas/import", body)
            mine.append(ms)
            if status != 201:
                counts["refused"] += batch
                continue
            answer = json.loads(data)
            counts["created"] += answer["created"]
            fresh.added(answer["created"] - answer["held"])  # held pins are not on the map
            fresh.check(client, writes.misses)
        client.close()
        writes.add(counts, mine, fresh)

    elapsed = run_clients(len(regions), seconds, work)
    return {**writes.figures(elapsed), "batches": len(writes.post_ms)}


def report_imports(result: dict[str, Any], clients: int, batch: int) -> None:
    """Print the imported pins per second beside goal 4, and the freshness checks."""
    verdict = "met" if result["pins_per_s"] >= WRITE_GOAL_PER_S else "missed"
    print(
        f"\n5. {clients} planners POST /api/ideas/import, {batch} pins a batch, "
        f"{load_and_cpu()}:\n"
        f"   {result['created']:,} pins imported = {result['pins_per_s']:.0f} pins/s (goal ≥ "
        f"{WRITE_GOAL_PER_S:,.0f}/s: {verdict}); {result['batches']} batches, POST p50 / p95 "
        f"{result['post_p50']:.0f} / {result['post_p95']:.0f} ms; "
        f"{result['refused']} pins refused or failed\n"
        f"   freshness: {result['passed']} of {result['checks']} batches counted whole in the "
        f"very next view (zoom {FRESH_ZOOM}); {result['rebased']} not counted: the view had "
        "just turned from pins to cells"
    )
    for miss in result["misses"]:
        print(f"   missed: {miss}")


# --- Seeding -------------------------------------------------------------------------------


def fold_backlog(url: str) -> int:
    """Fold the map's log before measuring; how many changes moved.

    An earlier run's imports outpace the folder, whose gunicorn then stops: every view of the
    next run read that log (a z8 view took 132 ms instead of 2.3 with 210,000 changes in it).
    """
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "MAP_FOLD_INTERVAL_S": 0})
    with app.app_context():
        session = get_session()
        lift_statement_timeout(session)  # not measured: as `flask map fold` does
        moved = fold_map_log(session)
        get_engine().dispose()
    return moved


def unfolded(url: str) -> int:
    """Changes in the map's log not folded yet."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM map_deltas")).scalar_one())
    finally:
        engine.dispose()


def seed(url: str, pins: int, spread: str, seed_value: int) -> float:
    """A new database with the districts and `pins` demo pins, folded, vacuumed; seconds."""
    recreate_database(url)
    migrate(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "MAP_FOLD_INTERVAL_S": 0})
    runner = app.test_cli_runner()
    runner.invoke(args=["districts", "load", str(DATA_DIR / "umea_stadsdelar.geojson")])
    start = time.perf_counter()
    result = runner.invoke(
        args=["demo", "pins", str(pins), "--spread", spread, "--seed", str(seed_value)]
    )
    if result.exit_code != 0:
        raise SystemExit(f"seeding failed: {result.output}{result.exception}")
    with app.app_context():
        with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        get_engine().dispose()
    return time.perf_counter() - start


def paces(given: str) -> list[float]:
    """`--paced`'s rates: pins a second, each above 0."""
    try:
        rates = [float(part) for part in given.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {given!r}") from None
    if not all(0 < rate < math.inf for rate in rates):
        raise argparse.ArgumentTypeError(f"each rate must be a finite number above 0: {given!r}")
    return rates


def main() -> None:
    """Seed or reuse, serve, measure, print every figure beside its goal."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pins", type=int, default=100_000)
    parser.add_argument("--spread", choices=SPREADS, default="uniform")
    parser.add_argument("--seed", type=int, default=2480)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--readers", type=int, default=4, help="map readers while 16 write")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--views", type=int, default=40, help="random views per zoom")
    parser.add_argument("--fresh-every", type=int, default=5, help="check every n-th pin")
    parser.add_argument("--database-url", help="default: <DATABASE_URL's db>_bench_http_<spread>")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database's pins if it has any"
    )
    parser.add_argument("--no-supercluster", action="store_true")
    parser.add_argument(
        "--imports",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="phase 5: planners import pins in batches (POST /api/ideas/import)",
    )
    parser.add_argument("--import-batch", type=int, default=500, help="pins per import")
    parser.add_argument(
        "--paced",
        type=paces,
        default=[],
        metavar="RATE[,RATE…]",
        help="phase 4c, once per rate: the writers paced to RATE pins a second in all",
    )
    parser.add_argument(
        "--rate-limits",
        action="store_true",
        help="count every pin against its limits, as `make run` does, at limits never reached",
    )
    parser.add_argument(
        "--limited-writes",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="then 4a and 4b again with the rate limits on (without --rate-limits)",
    )
    args = parser.parse_args()

    url = args.database_url or database_url(f"_bench_http_{args.spread}")
    existing = published_pins(url) if args.reuse else None
    if existing:
        migrate(url)  # the schema of this checkout; the pins stay
        print(
            f"reusing {make_url(url).database}: {existing:,} published pins; "
            f"{fold_backlog(url):,} changes folded that an earlier run left in the map's log"
        )
    else:
        seconds = seed(url, args.pins, args.spread, args.seed)
        existing = published_pins(url) or 0
        print(f"seeded {existing:,} {args.spread} pins in {seconds:.0f} s")

    rng = random.Random(args.seed)
    views = random_views(rng, args.views)
    regions = writer_regions(url, args.clients, args.seed)
    if args.imports:
        create_planner(url)
    with tempfile.TemporaryDirectory() as tmp:
        with served(url, Path(tmp), RATE_LIMITS if args.rate_limits else {}) as (base, pid):
            print(
                f"gunicorn.conf.py at {base} (2 gevent workers, rate limits "
                f"{'on, never reached' if args.rate_limits else 'off'}); "
                f"{args.clients} clients, {args.seconds:.0f} s per phase, {load_and_cpu()}"
            )
            cpu = _clients_cpu()
            cold = cold_reads(base, views, args.clients, args.seconds, pid)
            client_cpu = (_clients_cpu() - cpu) / cold.seconds
            report_cold(cold)
            print(f"   the bench's own clients used {client_cpu:.2f} of a core")

            first = View(FIRST_VIEW_ZOOM, view_bbox(*UMEA_CENTRE, FIRST_VIEW_ZOOM))
            if not args.no_supercluster:
                ours = first_view(base, first)
                everything = [first] + [v for zoom in ZOOMS for v in views[zoom]]
                alone = one_at_a_time(base, everything[1:])
                theirs = supercluster(base, everything)
                if theirs:
                    report_supercluster(ours, cold, alone, theirs)

            warm_views = [v for zoom in ZOOMS for v in views[zoom][:8]]
            warm = warm_reads(base, warm_views, args.clients, args.seconds / 2)
            verdict = "met" if warm["per_s"] >= WARM_GOAL_PER_S else "missed"
            print(
                f"\n3. warm views ({warm['views']} views, If-None-Match), {args.clients} clients: "
                f"{warm['per_s']:.0f} 304s per second (goal ≥ {WARM_GOAL_PER_S:.0f}/s: "
                f"{verdict}); p50 / p95 {warm['p50']:.1f} / {warm['p95']:.1f} ms; "
                f"{warm['not_304']:.0f} not 304; {load_and_cpu()}"
            )
            most, failed = ceiling(base, args.clients, args.seconds / 4)
            print(
                f"   for scale: GET /api/categories, which reads no database, "
                f"{most:.0f} a second at {args.clients} clients, the server's ceiling; "
                f"{failed} not 200"
            )

            by_themselves = writes_with_reads(base, regions, views, 0, args.seconds, 0)
            report_writers_alone(by_themselves, len(regions))

            mixed = writes_with_reads(
                base, regions, views, args.readers, args.seconds, args.fresh_every
            )
            report_writes_with_reads("4b.", mixed, len(regions), args.readers)
            for rate in args.paced:
                paced = writes_with_reads(
                    base, regions, views, args.readers, args.seconds, args.fresh_every, rate
                )
                report_writes_with_reads("4c.", paced, len(regions), args.readers, rate)

            if args.imports:
                imported = imports(base, regions, args.seconds, args.import_batch)
                report_imports(imported, len(regions), args.import_batch)
                print(f"   the map's log held {unfolded(url):,} changes not folded yet")
        if args.limited_writes and not args.rate_limits:
            # Phase 5's imports leave the folder far behind (132,000 changes in one run), and
            # the writers would share the cores with it: as at the start of a reused run.
            print(f"\n{fold_backlog(url):,} changes of the map's log folded before the writers")
            with served(url, Path(tmp), RATE_LIMITS) as (base, _pid):
                limited_writes(base, regions, views, args)


def limited_writes(
    base: str, regions: list[Region], views: dict[int, list[View]], args: argparse.Namespace
) -> None:
    """Phases 4a and 4b again, every pin counted against its rate limits as `make run` does."""
    print(
        f"\nThe writers again, on gunicorn with the rate limits on (as `make run` serves it), "
        f"every pin counted against its person's and its address's limits, set where no client "
        f"reaches them; {load_and_cpu()}"
    )
    alone = writes_with_reads(base, regions, views, 0, args.seconds, 0)
    report_writers_alone(alone, len(regions), "4a, rate limits on.")
    mixed = writes_with_reads(base, regions, views, args.readers, args.seconds, args.fresh_every)
    report_writes_with_reads("4b, rate limits on.", mixed, len(regions), args.readers)


@contextmanager
def served(url: str, tmp: Path, settings: Mapping[str, str]) -> Iterator[tuple[str, int]]:
    """gunicorn as `make run` starts it, with `settings`: its URL and pid.

    Its log is kept beside `tmp` to read after a failure; its error lines, if any, are printed
    once it has stopped.
    """
    base, process = start_gunicorn(url, tmp, **settings)
    log = tmp.parent / "bench-http-gunicorn.log"
    drain = threading.Thread(
        target=lambda: log.write_bytes(process.stderr.read() if process.stderr else b""),
        daemon=True,
    )
    drain.start()  # a full pipe would block the workers
    try:
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        drain.join(timeout=10)
        stop_gunicorn(process)
        errors = [
            line
            for line in log.read_text(errors="replace").splitlines()
            if "Traceback" in line or "ERROR" in line
        ] if log.exists() else []  # fmt: skip
        if errors:
            print(f"server log {log}: {len(errors)} error lines, first: {errors[0][:200]}")


if __name__ == "__main__":
    try:
        main()
    except OperationalError as error:
        raise SystemExit(f"database: {error}") from None
