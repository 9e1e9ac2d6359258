"""Benchmark the public read and write paths on a database with many pins.

Usage: `make bench` (or `python -m bench --pins 100000 --runs 20 --heavy-runs 3`). Figures
are wall-clock milliseconds through the Flask app and the real PostGIS, on this machine;
they are reports, not assertions. The planners' layers, exports, OGC API and report follow
the citizens' paths, each beside its goal in DESIGN.md (bench/planners.py).

Then, unless `--only` picks cases or `--no-http` is given, the citizen map over HTTP through
gunicorn (`python -m bench.http`, the same number of pins) once for each spread of pins: so
`python -m bench --pins 1000000` prints every figure of issue 8 beside its goal.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import re
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from app import create_app
from app.common.errors import Conflict
from app.config import DATA_DIR
from app.db import get_engine, get_session, lift_statement_timeout
from app.demo import SPREADS, add_demo_pins
from app.ideas.counts import fold_map_log
from app.planning.accounts import create_user
from bench.measure import Figures, measure
from bench.planners import (
    EXPORTS,
    LAYERS,
    OGC,
    Case,
    case_get,
    forgetting_snapshots,
    ogr2ogr_geojson,
)
from bench.seeding import settle
from tests.dbutil import database_url, migrate, published_pins, recreate_database

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
FEATURE = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [20.2630, 63.8258]},
    "properties": {"kind": "idea", "category": "other", "title": "Bench pin", "body": ""},
}


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


def seed(url: str, pins: int) -> float:
    """Districts and `pins` demo pins, then settled (VACUUM, CHECKPOINT); the seconds the pins took.

    Seeding a million pins takes longer than any request may (the statement timeout), so it
    runs on an app of its own without one.
    """
    app = create_app(
        {
            "DATABASE_URL": url,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "bench",
            "ARGON2_PROFILE": "CHEAPEST",
            "DB_STATEMENT_TIMEOUT_MS": 0,
        }
    )
    runner = app.test_cli_runner()
    runner.invoke(args=["districts", "load", str(DATA_DIR / "umea_stadsdelar.geojson")])
    with app.app_context():
        start = time.perf_counter()
        session = get_session()
        add_demo_pins(session, pins)
        session.commit()
        # Fold the map's log now, as `flask demo pins` does: left to the app's folder thread,
        # a million deltas outlast its statement timeout and every view reads them all.
        lift_statement_timeout(session)
        fold_map_log(session)
        seeded = time.perf_counter() - start
        session.close()
        settle(get_engine())
        get_engine().dispose()
    return seeded


def verdict(case: Case, figures: Figures) -> str:
    """Whether a timed goal was met at the median."""
    if figures.failure:
        return "failed"
    if case.limit_ms is None:
        return ""
    return "met" if figures.median <= case.limit_ms else "missed"


def run_planner_cases(
    client: FlaskClient, url: str, cases: list[Case], runs: int, heavy_runs: int
) -> dict[str, Figures]:
    """Time the planners' cases and print them beside their goals."""
    header = f"{'case':<46} {'median ms':>10} {'p95 ms':>9} {'MB':>8} {'MB/s':>7} {'+MB':>6}"
    print(f"\n{header}  goal")
    measured: dict[str, Figures] = {}
    for case in cases:
        forget = forgetting_snapshots(client) if case.forget_snapshots else None
        figures = measure(case_get(client, case), heavy_runs if case.heavy else runs, before=forget)
        measured[case.name] = figures
        if figures.failure:
            refused = figures.failure.startswith("refused")  # planners.Refused: by design
            print(f"{case.name:<46} {figures.failure if refused else 'failed: ' + figures.failure}")
            continue
        print(
            f"{case.name:<46} {figures.median:>10.1f} {figures.p95:>9.1f} "
            f"{figures.size_bytes / 1e6:>8.2f} {figures.mb_per_s:>7.1f} "
            f"{figures.growth_kb / 1024:>6.1f}  {case.goal} {verdict(case, figures)}".rstrip()
        )
    compare_with_ogr2ogr(url, measured.get("export ideas.geojson"), heavy_runs)
    return measured


def compare_with_ogr2ogr(url: str, ours: Figures | None, runs: int) -> None:
    """GeoJSON export against Debian's ogr2ogr on the same pins: the MB/s goal (≥ 2×)."""
    call = ogr2ogr_geojson(url)
    if call is None:
        print("\nogr2ogr: not installed (scripts/install-system.sh --bench); no comparison")
        return
    if ours is None or ours.failure:
        print("\nthe GeoJSON export did not run: no comparison with ogr2ogr")
        return
    theirs = measure(call, runs)
    if theirs.failure:
        print(f"\nogr2ogr failed: {theirs.failure}")
        return
    ratio = ours.mb_per_s / theirs.mb_per_s if theirs.mb_per_s else 0.0
    speed = "met" if ratio >= 2 else "missed"
    print(
        f"\nogr2ogr GeoJSON of the same pins: median {theirs.median:.0f} ms, "
        f"{theirs.size_bytes / 1e6:.1f} MB, {theirs.mb_per_s:.1f} MB/s; our export "
        f"{ours.mb_per_s:.1f} MB/s = {ratio:.2f}× (goal ≥ 2×: {speed}); "
        f"memory growth {ours.growth_kb / 1024:.1f} MB (goal ≤ 100 MB: "
        f"{'met' if ours.growth_kb <= 100 * 1024 else 'missed'})"
    )


def main() -> None:
    """Build the bench database, then time each endpoint."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pins", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--heavy-runs", type=int, default=3, help="runs of the slow cases")
    parser.add_argument(
        "--only",
        default="",
        help="run only cases whose name contains this (or any of several, separated by |)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the bench database's pins (it must have about --pins published pins)",
    )
    parser.add_argument(
        "--http",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="then python -m bench.http for each spread (default: unless --only is given)",
    )
    parser.add_argument(
        "--http-args", default="", help="more arguments for bench.http, e.g. '--seconds 10'"
    )
    args = parser.parse_args()
    wanted = args.only.split("|")

    def chosen(name: str) -> bool:
        return any(part in name for part in wanted)

    url = database_url("_bench")
    existing = published_pins(url) if args.reuse else None
    if existing and abs(existing - args.pins) > args.pins // 100:
        # Seeding a million pins anew takes minutes and drops what the database held (a
        # population spread, say): a mismatch is the caller's to settle.
        parser.exit(
            2,
            f"{make_url(url).database} has {existing:,} published pins, not about {args.pins:,}:"
            f" run with --pins {existing}, or without --reuse to seed it anew.\n",
        )
    if existing:
        migrate(url)  # the schema of this checkout; the pins stay
        seeded = None
    else:
        recreate_database(url)
        migrate(url)
        seeded = seed(url, args.pins)
    # Requests run as in production: with the statement timeout (30 s unless set).
    app = create_app({"DATABASE_URL": url, "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
    client = app.test_client()
    token = CSRF_META.search(client.get("/").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    feature = FEATURE

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
    staff = signed_in_client(app)
    cases.update(planner_cases(staff, args.pins))
    origin = (
        f"reusing {existing:,} pins"
        if seeded is None
        else f"{args.pins} demo pins seeded in {seeded:.1f} s"
    )
    print(f"{origin}; {args.runs} runs per case, {args.heavy_runs} for the heavy ones\n")
    print(f"{'case':<46} {'median ms':>10} {'p95 ms':>10}")
    for name, call in cases.items():
        if chosen(name):
            median, p95 = timed(call, args.runs)
            print(f"{name:<46} {median:>10.1f} {p95:>10.1f}")
    reads = [c for c in (*LAYERS, *EXPORTS, *OGC) if chosen(c.name)]
    run_planner_cases(staff, url, reads, args.runs, args.heavy_runs)  # the report is for staff
    over_http = args.http if args.http is not None else not args.only  # picked cases: those only
    if over_http:
        run_http_bench(args.pins, shlex.split(args.http_args))


def run_http_bench(pins: int, extra: list[str]) -> None:
    """`python -m bench.http` with `pins` pins, once for each spread, each in its own process.

    Its own process, because it serves the app from gunicorn and runs clients of its own;
    a failed run stops the bench with its exit status.
    """
    for spread in SPREADS:
        command = [sys.executable, "-m", "bench.http", "--pins", str(pins), "--spread", spread]
        command += extra
        print(f"\n== the citizen map over HTTP, {spread} pins: {shlex.join(command[1:])}")
        sys.stdout.flush()  # before the child's lines
        done = subprocess.run(command, check=False)
        if done.returncode:
            raise SystemExit(done.returncode)


def signed_in_client(app: Flask) -> FlaskClient:
    """A client signed in as the bench's admin (planner rights and more)."""
    with app.app_context(), contextlib.suppress(Conflict):  # a reused database has it
        session = get_session()
        create_user(session, "bench@umea.se", "sju långa ord om älven", "admin", profile="CHEAPEST")
        session.commit()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = CSRF_META.search(page).group(1)  # type: ignore[union-attr]
    form = {"email": "bench@umea.se", "password": "sju långa ord om älven", "csrf_token": token}
    assert client.post("/login", data=form).status_code == 303
    return client


def planner_cases(client: FlaskClient, pins: int) -> dict[str, Callable[[], object]]:
    """The planners' writes, as a signed-in planner: bulk answers, one PATCH, the queue; and a
    new pin checked against a word list of 500 entries."""
    token = CSRF_META.search(client.get("/planner/templates").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    headers = {"X-CSRFToken": token}
    statuses = itertools.cycle(["planned", "in_progress", "done"])

    def bulk(count: int) -> Callable[[], object]:
        ids = list(range(1, min(count, pins) + 1))

        def call() -> object:
            body = {"ids": ids, "status": next(statuses), "answer": "Vi tittar på det."}
            response = client.post("/api/ideas/answer", json=body, headers=headers)
            assert response.status_code == 200, response.get_data()[:200]
            return response

        return call

    def patch() -> object:
        body = {"status": next(statuses), "answer": "Svar.", "answer_en": "Answer."}
        response = client.patch("/api/ideas/2", json=body, headers=headers)
        assert response.status_code == 200
        return response

    def queue() -> object:
        response = client.get("/api/moderation/queue")
        assert response.status_code == 200
        return response

    def create_with_words() -> object:
        response = client.post("/api/ideas", json=FEATURE, headers=headers)
        assert response.status_code == 201
        return response

    def with_word_list(call: Callable[[], object]) -> Callable[[], object]:
        def fill() -> object:
            if not fill.done:  # type: ignore[attr-defined]
                for n in range(500):
                    client.post("/api/moderation/words", json={"word": f"ord{n}"}, headers=headers)
                fill.done = True  # type: ignore[attr-defined]
            return call()

        fill.done = False  # type: ignore[attr-defined]
        return fill

    return {
        "POST /api/ideas/answer (1,000 pins)": bulk(1000),
        "POST /api/ideas/answer (5,000 pins)": bulk(5000),
        "PATCH /api/ideas/<id> (status, answers)": patch,
        "GET /api/moderation/queue": queue,
        "POST /api/ideas (500-word list)": with_word_list(create_with_words),
    }


if __name__ == "__main__":
    main()
