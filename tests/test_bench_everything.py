"""`python -m bench` goes on to the citizen map over HTTP (`bench.http`), uniform pins and then
pins by population, so that one command prints every figure of issue 8 beside its goal; with
`--only` it runs the cases picked and nothing else.

Both runs here are tiny (1,500 pins, phases of half a second, 2 clients): the test proves that
the whole chain runs and prints each goal, not how fast (bench/README.md has the figures). The runs
include phase 4c (`--paced`), whose writers must keep to the rate they are held to, and then
phases 4a and 4b again with every pin counted against its rate limits, which must refuse none.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from app.demo import SPREADS
from bench.http import paces
from tests.dbutil import child_environment, database_url, drop_database

ROOT = Path(__file__).resolve().parent.parent
# Enough for bench.http's sample of pins to hold two writers' regions. At 5,000 the test took
# 40-47 s alone, at 1,500 35 s: seeding, settling and folding grow with the pins.
PINS = 1500
HTTP_ARGS = (
    "--seconds 0.5 --views 2 --clients 2 --readers 1 --no-supercluster --no-imports --paced 20"
)
# Each goal of issue 8 that bench.http measures, as its line prints it.
GOAL_LINES = (
    r"p95 ≤ 50 ms: (met|missed)",  # 1, cold views, one line per zoom
    r"If-None-Match\), 2 clients: \d+ 304s per second \(goal ≥ 1000/s: (met|missed)\)",  # 3
    r"pins/s \(goal ≥ 1000/s: (met|missed)\)",  # 4a and 4b
    r"map during writes: .* \(goal p95 ≤ 50 ms: (met|missed)\)",  # 1 beside the writers
    r"freshness: (\d+) of \1 checks counted the new pin in the very next response",  # 1, fresh
    # 4c, the writers held to 20 pins a second in all, the map beside them
    r"4c\. 2 clients POST /api/ideas, paced to 20 pins a second in all, while 1 read the map, "
    r".*\n   \d+ pins created = \d+ pins/s of the 20 paced; .*\n"
    r"   map during writes: \d+ reads, .* \(goal p95 ≤ 50 ms: (met|missed)\)",
)


def _bench(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench", "--pins", str(PINS), "--runs", "1", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_bench_goes_on_to_the_map_over_http_for_each_spread_unless_cases_are_picked():
    base = make_url(database_url("_everything"))
    made = [f"{base.database}_bench", *(f"{base.database}_bench_http_{s}" for s in SPREADS)]
    env = child_environment(base.render_as_string(hide_password=False))
    try:
        picked = _bench(env, "--only", "GET /api/districts")
        assert picked.returncode == 0, picked.stderr[-2000:]
        assert re.search(r"^GET /api/districts +\d", picked.stdout, re.M)
        assert "bench.http" not in picked.stdout

        everything = _bench(
            env, "--reuse", "--only", "GET /api/districts", "--http", "--http-args", HTTP_ARGS
        )
        assert everything.returncode == 0, everything.stderr[-2000:]
        parts = re.split(r"^== the citizen map over HTTP, ", everything.stdout, flags=re.M)
        assert [part.split(" ", 1)[0] for part in parts[1:]] == list(SPREADS)
        for spread, part in zip(SPREADS, parts[1:], strict=True):
            assert part.startswith(
                f"{spread} pins: -m bench.http --pins {PINS} --spread {spread} {HTTP_ARGS}\n"
                f"seeded {PINS:,} {spread} pins in "
            ), part[:300]
            for line in GOAL_LINES:
                assert re.search(line, part), (line, part)
            assert len(re.findall(r"p95 ≤ 50 ms: (met|missed)$", part, re.M)) == 6  # zooms
            # Held to 20 a second for half a second, the 2 writers sent no more than 20 pins.
            paced = re.search(r"(\d+) pins created = \d+ pins/s of the 20 paced", part)
            assert paced and 0 < int(paced.group(1)) <= 20, part
            # The limits were off, then on for the writers again, set where no writer reaches
            # them: no pin was refused.
            assert "(2 gevent workers, rate limits off)" in part, part[:600]
            assert "on gunicorn with the rate limits on (as `make run` serves it)" in part, part
            for label in ("4a, rate limits on.", "4b, rate limits on."):
                limited = part.split(f"\n{label} 2 clients POST /api/ideas", 1)[1]
                assert re.match(r".*\n   \d+ pins created = \d+ pins/s \(goal ≥ 1000/s: ", limited)
            refused = re.findall(r"(\d+) refused or failed", part)
            assert refused == ["0"] * 5, part  # 4a, 4b and 4c; 4a and 4b with the limits on
            assert "server log" not in part  # no traceback in gunicorn's log
    finally:
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in made:
                drop_database(conn, name)
        admin.dispose()


@pytest.mark.parametrize("given", ["0", "-5", "nan", "inf", "250,x", "", "250,,500"])
def test_paced_rates_must_each_be_a_number_above_zero(given: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        paces(given)


def test_paced_rates_are_read_in_order() -> None:
    assert paces("250,62.5,1000") == [250.0, 62.5, 1000.0]
