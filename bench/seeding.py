"""The bench's database: seeded with demo pins, and the map's log folded before measuring."""

from __future__ import annotations

import time

from flask import Flask
from sqlalchemy import Engine, create_engine, text

from app import create_app
from app.config import DATA_DIR
from app.db import get_engine, get_session, lift_statement_timeout
from app.ideas.counts import fold_map_log
from tests.dbutil import migrate, recreate_database


def bench_app(url: str) -> Flask:
    """The app on the bench's database in this process, its folder off: the bench folds itself."""
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "MAP_FOLD_INTERVAL_S": 0})


def fold_backlog(url: str) -> int:
    """Fold the map's log before measuring; how many changes moved.

    An earlier run's imports outpace the folder, whose gunicorn then stops: every view of the
    next run read that log (a z8 view took 132 ms instead of 2.3 with 210,000 changes in it).
    """
    app = bench_app(url)
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
    app = bench_app(url)
    runner = app.test_cli_runner()
    runner.invoke(args=["districts", "load", str(DATA_DIR / "umea_stadsdelar.geojson")])
    start = time.perf_counter()
    result = runner.invoke(
        args=["demo", "pins", str(pins), "--spread", spread, "--seed", str(seed_value)]
    )
    if result.exit_code != 0:
        raise SystemExit(f"seeding failed: {result.output}{result.exception}")
    with app.app_context():
        settle(get_engine())
        get_engine().dispose()
    return time.perf_counter() - start


def settle(engine: Engine) -> None:
    """VACUUM ANALYZE the new pins, then CHECKPOINT: the database as it is once its load is past.

    VACUUM, because index-only scans need the visibility map a loaded table lacks. CHECKPOINT,
    because PostgreSQL otherwise writes a load's pages out over the next minutes
    (`checkpoint_completion_target`), beside the views measured first: this stop's server log
    shows checkpoints of up to 93,110 buffers (727 MB) spread over 270 s during the bench. A
    citizen's map at a million pins meets a database that grew over months. It did not bring
    goal 1 back in the first minutes on its own (bench/README.md, the fifty-sixth stop).
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
        conn.exec_driver_sql("CHECKPOINT")
