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
import math
import random
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.demo import SPREADS
from bench.against_supercluster import first_view, one_at_a_time, report_supercluster, supercluster
from bench.clients import clients_cpu, load_and_cpu
from bench.map_reads import WARM_GOAL_PER_S, ceiling, cold_reads, report_cold, warm_reads
from bench.map_views import FIRST_VIEW_ZOOM, UMEA_CENTRE, ZOOMS, View, random_views, view_bbox
from bench.map_writes import (
    Region,
    report_writers_alone,
    report_writes_with_reads,
    writer_regions,
    writes_with_reads,
)
from bench.planner_imports import create_planner, imports, report_imports
from bench.seeding import fold_backlog, seed, unfolded
from tests.dbutil import database_url, migrate, published_pins
from tests.serving.test_gunicorn import start_gunicorn, stop_gunicorn_reading_log

# `--rate-limits`: a new pin counts as `make run`'s defaults count it (its person's and its
# address's limits, each per hour and per minute: four counters), at limits no run reaches.
RATE_LIMITS = {
    "RATELIMIT_ENABLED": "1",
    "IDEA_CREATE_LIMIT": "1000000000 per hour;1000000000 per minute",
    "IDEA_CREATE_ADDRESS_LIMIT": "1000000000 per hour;1000000000 per minute",
}


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
            cpu = clients_cpu()
            cold = cold_reads(base, views, args.clients, args.seconds, pid)
            client_cpu = (clients_cpu() - cpu) / cold.seconds
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

    Its log (a file, `start_gunicorn`) is copied beside `tmp` to read after the run; its error
    lines, if any, are printed once it has stopped.
    """
    base, process = start_gunicorn(url, tmp, **settings)
    try:
        yield base, process.pid
    finally:
        text = stop_gunicorn_reading_log(process)
        log = tmp.parent / "bench-http-gunicorn.log"
        log.write_text(text)
        errors = [line for line in text.splitlines() if "Traceback" in line or "ERROR" in line]
        if errors:
            print(f"server log {log}: {len(errors)} error lines, first: {errors[0][:200]}")


if __name__ == "__main__":
    try:
        main()
    except OperationalError as error:
        raise SystemExit(f"database: {error}") from None
