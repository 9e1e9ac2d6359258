"""Citizens' new pins over HTTP, alone or beside map readers, each checking freshness (goal 4)."""

from __future__ import annotations

import math
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, text

from bench.clients import Client, Samples, load_and_cpu, percentile, timed_get, view_total
from bench.map_reads import P95_GOAL_MS
from bench.map_views import FILTERS, ZOOMS, View, view_bbox

FRESH_ZOOM = 14  # the freshness check's view: about 5.5 × 3.4 km around the writer's region
REGION_SPACING_M = 10_000  # writers' regions this far apart: no view of one holds another
WRITE_GOAL_PER_S = 1000.0
NEW_PIN = {"kind": "idea", "category": "other", "title": "Bench pin over HTTP", "body": ""}


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
