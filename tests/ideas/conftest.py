"""Demo pins for the tests of the kept counts (the map's pyramid and the layers' rollups)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import text

from app.db import get_engine, get_session
from app.ideas.counts import fold_map_log


def run_sql(app: Flask, statement: str, **params: Any) -> Any:
    """Run one statement in its own committed transaction; its result."""
    with app.app_context(), get_engine().begin() as conn:
        return conn.execute(text(statement), params)


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
