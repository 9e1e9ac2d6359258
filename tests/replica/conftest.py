"""A simulated read replica: a second database with the same schema and districts.

The test cluster streams to no standby, so the replica is a copy made the honest way a
standby starts: the same migrations and reference data, then only what the test puts there.
A pin present in one database and not in the other tells which one answered. The app's
replica connections are read-only (`default_transaction_read_only`), as a hot standby is, so a
write routed there fails loudly.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine

from app import create_app
from app.db import dispose_engines
from tests.conftest import DISTRICTS_FILE, WRITTEN_TABLES, stop_background_work
from tests.dbutil import database_url, empty_tables, migrate, recreate_database


def settings(url: str, **extra: Any) -> dict[str, Any]:
    """An app's test configuration on the database `url` (limits too high to reach)."""
    config: dict[str, Any] = {
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret",
        "MAP_FOLD_INTERVAL_S": 0,
        "ARGON2_PROFILE": "CHEAPEST",
        "IDEA_CREATE_LIMIT": "100000 per minute",
        "SUPPORT_LIMIT": "100000 per minute",
    }
    config.update(extra)
    return config


def close_app(flask_app: Flask) -> None:
    """Stop an app's threads and close every pool it opened."""
    stop_background_work(flask_app)
    with flask_app.app_context():
        dispose_engines()


@pytest.fixture(scope="session")
def replica_database_url() -> Iterator[str]:
    """The replica: migrated like the test database, with the same districts."""
    url = database_url("_replica")
    recreate_database(url)
    migrate(url)
    loader = create_app(settings(url))
    result = loader.test_cli_runner().invoke(args=["districts", "load", DISTRICTS_FILE])
    assert result.exit_code == 0, result.output
    close_app(loader)
    yield url


@pytest.fixture
def build_app(
    test_database_url: str, replica_database_url: str, app: Flask
) -> Iterator[Callable[..., Flask]]:
    """Apps on the test database (the primary) with other settings; closed and the replica
    emptied after the test (the `app` fixture empties the primary)."""
    made: list[Flask] = []

    def build(**extra: Any) -> Flask:
        made.append(create_app(settings(test_database_url, **extra)))
        return made[-1]

    yield build
    for flask_app in made:
        close_app(flask_app)
    engine = create_engine(replica_database_url)
    with engine.begin() as conn:
        empty_tables(conn, WRITTEN_TABLES)
    engine.dispose()


@pytest.fixture
def replica_app(build_app: Callable[..., Flask], replica_database_url: str) -> Flask:
    """The app with the replica as DATABASE_READ_URL and a read-your-writes window of 1.5 s."""
    return build_app(DATABASE_READ_URL=replica_database_url, READ_YOUR_WRITES_S=1.5)


@pytest.fixture
def replica_writer(replica_database_url: str) -> Iterator[Flask]:
    """An app whose primary is the replica's database: it puts rows only in the replica."""
    writer = create_app(settings(replica_database_url))
    yield writer
    close_app(writer)


def closed_port_url(url: str) -> str:
    """`url` on a local port where nothing listens: a replica that is down."""
    from sqlalchemy.engine import make_url

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
