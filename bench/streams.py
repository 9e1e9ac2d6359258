"""Open workshop event streams against gunicorn as `make run` serves it, and time the map.

Usage: `python -m bench.streams` (or `make bench-streams`): 200 streams over 5 workshops
(40 participants each) on a database of demo pins; `GET /api/map/clusters` p95 before and
while the streams are open, 8 clients; then the latency from a POST of an annotation to its
arrival on every stream (the streams sit on both workers). `--worker-class gthread` runs the
same against the old serving set-up for comparison. Figures are reports, not assertions.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from app import create_app
from app.config import DATA_DIR
from app.db import get_session
from app.demo import add_demo_pins
from tests.dbutil import database_url, migrate, recreate_database
from tests.serving.test_gunicorn import start_gunicorn, stop_gunicorn
from tests.serving.test_workshop_streams import Browser, _listeners
from tests.workshops.helpers import EventReader, shape

VIEWS = [
    "/api/map/clusters?bbox=20.0,63.7,20.5,63.95&zoom=11",
    "/api/map/clusters?bbox=20.2,63.8,20.32,63.85&zoom=14",
    "/api/map/clusters?bbox=20.25,63.82,20.28,63.83&zoom=16",
]


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-1) of sorted samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def map_load(base: str, requests: int, clients: int, timeout: float) -> dict[str, float]:
    """Time `requests` map views from `clients` threads: p50, p95 (ms) and timeouts."""

    def one(n: int) -> float | None:
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(base + VIEWS[n % len(VIEWS)], timeout=timeout) as r:
                r.read()
        except (urllib.error.URLError, TimeoutError, OSError):
            return None
        return (time.perf_counter() - start) * 1000

    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one, range(requests)))
    ok = [r for r in results if r is not None]
    if not ok:
        return {"p50": float("nan"), "p95": float("nan"), "failed": len(results)}
    return {
        "p50": statistics.median(ok),
        "p95": percentile(ok, 0.95),
        "failed": len(results) - len(ok),
    }


def main() -> None:
    """Seed, serve, open the streams, measure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pins", type=int, default=50_000)
    parser.add_argument("--workshops", type=int, default=5)
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--worker-class", default="gevent")
    parser.add_argument("--open-seconds", type=float, default=120)
    args = parser.parse_args()

    url = database_url("_bench_streams")
    recreate_database(url)
    migrate(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    app.test_cli_runner().invoke(
        args=["districts", "load", str(DATA_DIR / "umea_stadsdelar.geojson")]
    )
    with app.app_context():
        session = get_session()
        add_demo_pins(session, args.pins)
        session.commit()

    with tempfile.TemporaryDirectory() as tmp:
        base, process = start_gunicorn(url, Path(tmp), WEB_WORKER_CLASS=args.worker_class)
        # Drain the server's log into a file: a full pipe would block its workers.
        log_path = Path(tmp).parent / f"bench-streams-{args.worker_class}.log"
        threading.Thread(
            target=lambda: log_path.write_bytes(process.stderr.read() if process.stderr else b""),
            daemon=True,
        ).start()
        streams: list[EventReader] = []
        try:
            before = map_load(base, args.requests, args.clients, timeout=10)
            print(
                f"{args.worker_class}: pins {args.pins}, map p50/p95 before: "
                f"{before['p50']:.1f} / {before['p95']:.1f} ms ({before['failed']:.0f} failed)"
            )

            rooms = []
            for w in range(args.workshops):
                facilitator = Browser(base)
                workshop = facilitator.post("/api/workshops", {"title": f"Bench {w}"})
                people = []
                for p in range(args.participants):
                    person = Browser(base)
                    person.post(
                        f"/api/workshops/{workshop['id']}/join",
                        {"code": workshop["join_code"], "name": f"P{p}"},
                    )
                    people.append(person)
                rooms.append((workshop, people))

            arrivals: dict[int, list[float]] = defaultdict(list)
            lock = threading.Lock()

            streams_lock = threading.Lock()

            def listen(person: Browser, workshop_id: int) -> None:
                """Open one stream (it may wait for a free thread) and read it to the end."""
                try:
                    stream = person.stream(workshop_id, timeout=120)
                except Exception:  # noqa: BLE001 - never answered
                    return
                with streams_lock:
                    streams.append(stream)
                try:
                    while (event := stream.next_event()) is not None:
                        data = event["data"]
                        if data["type"] == "annotation.created":
                            with lock:
                                arrivals[int(data["feature"]["id"])].append(time.perf_counter())
                except Exception:  # noqa: BLE001 - the stream was hung up at the end
                    return

            opened = time.perf_counter()
            for workshop, people in rooms:
                for person in people:
                    threading.Thread(
                        target=listen, args=(person, workshop["id"]), daemon=True
                    ).start()
            wanted = len(rooms) * args.participants
            while len(streams) < wanted and time.perf_counter() - opened < args.open_seconds:
                time.sleep(0.1)
            print(
                f"streams answered: {len(streams)} of {wanted} in "
                f"{time.perf_counter() - opened:.1f} s; listen connections: {_listeners(url)}"
            )
            time.sleep(2)

            during = map_load(base, args.requests, args.clients, timeout=10)
            print(
                f"map p50/p95 with {len(streams)} streams open: "
                f"{during['p50']:.1f} / {during['p95']:.1f} ms ({during['failed']:.0f} failed)"
            )

            workshop, people = rooms[0]
            sent: dict[int, float] = {}
            for n in range(args.posts):
                start = time.perf_counter()
                try:
                    created = people[n % len(people)].post(
                        f"/api/workshops/{workshop['id']}/annotations", shape(note=f"bench {n}")
                    )
                except OSError as error:
                    print(f"POST of an annotation failed: {error}")
                    break
                sent[int(created["id"])] = start
                time.sleep(0.2)
            time.sleep(2)
            latencies = [
                (arrived - sent[aid]) * 1000 for aid, times in arrivals.items() for arrived in times
            ]
            expected = args.posts * len(people)
            if latencies:
                print(
                    f"event latency POST -> stream, {len(latencies)}/{expected} deliveries: "
                    f"p50 {statistics.median(latencies):.1f} ms, "
                    f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms"
                )
            else:
                print(f"event latency: no deliveries of {expected}")
        finally:
            for stream in streams:
                stream.close()
            stop_gunicorn(process)


if __name__ == "__main__":
    main()
