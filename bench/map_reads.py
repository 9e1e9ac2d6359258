"""Reading the citizen map: cold views (goal 1), warm views answered 304 (goal 3), the ceiling."""

from __future__ import annotations

import multiprocessing
import random
import statistics
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

from bench.clients import Client, Samples, load_and_cpu, percentile, run_clients, timed_get
from bench.map_views import FILTERS, ZOOMS, View
from serving.connections import connections_per_worker

P95_GOAL_MS = 50.0
WARM_GOAL_PER_S = 1000.0


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
