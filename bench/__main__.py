"""Benchmark the public read and write paths on a database with many pins.

Usage: `make bench` (or `python -m bench --pins 50000 --runs 20`). Figures are wall-clock
milliseconds through the Flask app and the real PostGIS, on this machine; they are reports,
not assertions.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable

from app import create_app
from app.config import DATA_DIR
from app.db import get_engine, get_session
from app.demo import add_demo_pins
from tests.dbutil import database_url, migrate, recreate_database

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds over `runs` calls (after one warm-up)."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def main() -> None:
    """Build the bench database, then time each endpoint."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pins", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    url = database_url("_bench")
    recreate_database(url)
    migrate(url)
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
    runner = app.test_cli_runner()
    runner.invoke(args=["districts", "load", str(DATA_DIR / "umea_stadsdelar.geojson")])
    with app.app_context():
        start = time.perf_counter()
        session = get_session()
        add_demo_pins(session, args.pins)
        session.commit()
        seeded = time.perf_counter() - start
        with get_engine().begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    client = app.test_client()
    token = CSRF_META.search(client.get("/").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [20.2630, 63.8258]},
        "properties": {"kind": "idea", "category": "other", "title": "Bench pin", "body": ""},
    }

    def get(path: str) -> Callable[[], object]:
        def call() -> object:
            response = client.get(path)
            body = response.get_data()
            assert response.status_code == 200, body[:200]
            return body

        return call

    def create() -> object:
        response = client.post("/api/ideas", json=feature, headers={"X-CSRFToken": token})
        assert response.status_code == 201
        return response

    cases = {
        "GET /api/ideas?limit=100": get("/api/ideas?limit=100"),
        "GET /api/ideas?limit=1000": get("/api/ideas?limit=1000"),
        "GET /api/ideas?bbox=centre&limit=1000": get(
            "/api/ideas?bbox=20.22,63.81,20.30,63.84&limit=1000"
        ),
        "GET /api/ideas?category=safety&kind=concern": get(
            "/api/ideas?category=safety&kind=concern"
        ),
        "GET /api/map/clusters (whole city, z10)": get(
            "/api/map/clusters?bbox=19.6,63.3,21.1,64.4&zoom=10"
        ),
        "GET /api/map/clusters (centre, z14)": get(
            "/api/map/clusters?bbox=20.22,63.81,20.30,63.84&zoom=14"
        ),
        "GET /api/ideas/<id>": get("/api/ideas/1"),
        "GET /api/districts": get("/api/districts"),
        "POST /api/ideas (validate, district join)": create,
    }
    print(f"{args.pins} demo pins seeded in {seeded:.1f} s; {args.runs} runs per case\n")
    print(f"{'case':<46} {'median ms':>10} {'p95 ms':>10}")
    for name, call in cases.items():
        median, p95 = timed(call, args.runs)
        print(f"{name:<46} {median:>10.1f} {p95:>10.1f}")


if __name__ == "__main__":
    main()
