"""`python -m bench --reuse` keeps what its database holds: a database of another size is named
and left alone, never dropped and seeded anew (a million pins spread by population took
minutes to seed, and were lost once to a --pins that no longer matched)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.dbutil import child_environment, database_url, drop_database, migrate, recreate_database

ROOT = Path(__file__).resolve().parent.parent


def _published(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            sql = "SELECT count(*) FROM ideas WHERE visibility = 'published'"
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def test_reuse_of_a_database_of_another_size_is_refused_and_the_pins_kept():
    base = make_url(database_url("_reuse"))
    bench = base.set(database=f"{base.database}_bench")  # the database bench makes of `base`
    bench_url = bench.render_as_string(hide_password=False)
    recreate_database(bench_url)
    migrate(bench_url)
    engine = create_engine(bench_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ideas (kind, category, title, body, visibility, status, source, geom)"
                " SELECT 'idea', 'other', 'Pin', '', 'published', 'new', 'web',"
                " ST_SetSRID(ST_MakePoint(20.26 + n * 0.001, 63.82), 4326)"
                " FROM generate_series(1, 3) AS n"
            )
        )
    engine.dispose()
    env = child_environment(base.render_as_string(hide_password=False))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench", "--pins", "1000", "--reuse", "--only", "none"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr == (
            f"{bench.database} has 3 published pins, not about 1,000: run with --pins 3,"
            " or without --reuse to seed it anew.\n"
        )
        assert _published(bench_url) == 3
    finally:
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            drop_database(conn, str(bench.database))
        admin.dispose()
