"""Demo pins for the tests of the kept counts (the map's pyramid and the layers' rollups)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import text

from app.db import get_engine, get_session
from app.ideas.counts import fold_map_log
from tests.conftest import CENTRE, HOLMSUND, Api, pin_feature


def run_sql(app: Flask, statement: str, **params: Any) -> Any:
    """Run one statement in its own committed transaction; its result."""
    with app.app_context(), get_engine().begin() as conn:
        return conn.execute(text(statement), params)


def end_map_pool_backends(app: Flask, pool: str = "map") -> int:
    """End the backends of the app's map pool (or `pool`: "write", the one-statement writes'),
    as a restart or pg_terminate_backend would."""
    ended = run_sql(
        app,
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = current_database() AND application_name = :name",
        name=f"umecom-web-{pool}",
    ).scalar_one()
    return int(ended)


def recorded_statements(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Each statement psycopg is asked to run from now on, and whether its connection was in
    autocommit. Every pool's cursors are psycopg.Cursor or its subclass RawCursor (the map's),
    and the statements run on psycopg itself (app.db.first_row, all_rows) pass no event of
    SQLAlchemy's."""
    statements: list[tuple[str, bool]] = []
    execute = psycopg.Cursor.execute

    def recording(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        statements.append((str(query), bool(cursor.connection.autocommit)))
        return execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recording)
    return statements


def fold(app: Flask) -> int:
    """Fold the map's log now, as the app's folder would; how many deltas moved."""
    with app.app_context():
        return fold_map_log(get_session())


@pytest.fixture
def seeded(app: Flask, runner: FlaskCliRunner) -> Flask:
    """1,500 demo pins, folded, then every seventh planned: counts in the cells and the log."""
    result = runner.invoke(args=["demo", "pins", "1500", "--seed", "21"])
    assert result.exit_code == 0, result.output
    run_sql(app, "UPDATE ideas SET status = 'planned' WHERE id % 7 = 0")
    return app


def churn(app: Flask, api: Api, agree: Callable[[Flask], None]) -> None:
    """Writes of every kind, folded now and then, with `agree(app)` checked after each step.

    New pins, hides, recategorised, renamed, deleted, re-published and moved pins, and pins
    whose district went (as when a district is deleted): the kept counts plus the log must
    equal the pins counted straight before a fold, after it and in between.
    """
    agree(app)  # demo pins folded, statuses changed since: counts plus the log
    for lon_lat in (CENTRE, HOLMSUND, CENTRE):
        api.post("/api/ideas", pin_feature(lon_lat, kind="concern", category="traffic"))
    run_sql(app, "UPDATE ideas SET visibility = 'hidden' WHERE id % 5 = 0")
    run_sql(app, "UPDATE ideas SET category = 'safety' WHERE id % 11 = 0")
    run_sql(app, "UPDATE ideas SET title = 'Renamed' WHERE id % 13 = 0")
    run_sql(app, "DELETE FROM ideas WHERE id % 17 = 0")
    run_sql(app, "UPDATE ideas SET district_id = NULL WHERE id % 19 = 0")
    agree(app)
    assert fold(app) > 0
    agree(app)  # all in the kept counts now
    run_sql(app, "UPDATE ideas SET visibility = 'published' WHERE id % 10 = 0")
    agree(app)
    fold(app)
    run_sql(app, "UPDATE ideas SET geom = ST_SetSRID(ST_MakePoint(20.3, 63.83), 4326) WHERE id<40")
    agree(app)
    fold(app)
    agree(app)
