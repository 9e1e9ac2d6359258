"""Fixtures: a real PostGIS test database, migrated, with Umeå's districts; the app and clients."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from psycopg.errors import DeadlockDetected
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError
from werkzeug.serving import make_server

from app import create_app
from app.config import DATA_DIR
from app.db import dispose_engines, get_engine
from app.models import Base
from tests.dbutil import database_url, empty_tables, migrate, recreate_database

DISTRICTS_FILE = str(DATA_DIR / "umea_stadsdelar.geojson")
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')

# A few real places in Umeå (lon, lat).
CENTRE = (20.2630, 63.8258)  # Rådhustorget, Centrala stan
CENTRAL = "Centrala stan"  # the district of CENTRE
HOLMSUND = (20.3717, 63.7009)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with a `long_running` test first, each file's tests in their own order.

    `make test` hands whole files to its processes in this order (`--dist loadfile
    --no-loadscope-reorder`). xdist's own order, by number of tests, left the two one-test
    files of about two minutes each (OpenAPI conformance, the hostile walk) for last, where
    one process ran them while the other had nothing left to do.
    """
    long_files = {item.path for item in items if item.get_closest_marker("long_running")}
    items.sort(key=lambda item: item.path not in long_files)


@pytest.fixture(scope="session")
def test_database_url() -> str:
    """A fresh, migrated test database with PostGIS."""
    url = database_url("_test")
    recreate_database(url)
    migrate(url)
    return url


@pytest.fixture(scope="session")
def app(test_database_url: str) -> Iterator[Flask]:
    """The app bound to the test database, with the districts loaded once."""
    app = create_app(
        {
            "TESTING": True,
            "MAP_FOLD_INTERVAL_S": 0,  # tests fold the map log themselves, when they mean to
            "DATABASE_URL": test_database_url,
            "SECRET_KEY": "test-secret",
            # Flask-Limiter keeps `enabled` on its one shared instance, so every app in the
            # test process keeps limiting on; this one's limits are just too high to reach.
            "RATELIMIT_ENABLED": True,
            "IDEA_CREATE_LIMIT": "100000 per minute",
            "SUPPORT_LIMIT": "100000 per minute",
            "WORKSHOP_CREATE_LIMIT": "100000 per minute",
            "WORKSHOP_CREATE_ADDRESS_LIMIT": "100000 per minute",
            "WORKSHOP_JOIN_LIMIT": "100000 per minute",
            "WORKSHOP_JOIN_ADDRESS_LIMIT": "100000 per minute",
            "FLAG_LIMIT": "100000 per minute",
            "WORKSHOP_DRAW_ADDRESS_LIMIT": "100000 per minute",
            # The cheapest Argon2 parameters: tests make and check many passwords.
            "ARGON2_PROFILE": "CHEAPEST",
        }
    )
    result = app.test_cli_runner().invoke(args=["districts", "load", DISTRICTS_FILE])
    assert result.exit_code == 0, result.output
    yield app
    stop_background_work(app)
    with app.app_context():
        dispose_engines()


def closing_responses(app: Flask) -> WSGIApplication:
    """Wrap `app` so every response body is closed even when the client hangs up.

    Werkzeug's dev server reads the dropped socket before it closes the body; that read raises,
    the close is skipped and a static file stays open (seen as a ResourceWarning in CI). A
    generator's `finally` runs however iteration ends, so the body is always closed here."""

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterator[bytes]:
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wsgi


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve `app` over real HTTP on a free local port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, closing_responses(app), threaded=True)
    # Wait for every request's thread at shutdown, so what a request leaves behind (a stream
    # whose client hung up) is cleaned up inside the test that caused it, not in a later one.
    server.daemon_threads = False
    server.block_on_close = True
    # Its loop looks for a shutdown this often: at the default 0.5 s, stopping a server took
    # 0.5 s, in the teardown of every workshop browser test (about 110 of them).
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The app served on a free local port in a background thread; yields its base URL."""
    with serving(app) as url:
        yield url


def stop_background_work(flask_app: Flask) -> None:
    """Stop an app's threads (map folder, workshop listener) before its pool is closed, so no
    connection they hold outlives the app (it would be reported as leaked in a later test)."""
    for name in ("map_folder", "workshop_hub"):
        if name in flask_app.extensions:
            flask_app.extensions[name].stop()


@pytest.fixture
def make_app(test_database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build extra apps on the test database with other settings; their pools are closed after."""
    made: list[Flask] = []

    def build(**settings: Any) -> Flask:
        config = {
            "TESTING": True,
            "DATABASE_URL": test_database_url,
            "SECRET_KEY": "test-secret",
            "MAP_FOLD_INTERVAL_S": 0,
            "ARGON2_PROFILE": "CHEAPEST",
        }
        config.update(settings)
        extra = create_app(config)
        made.append(extra)
        return extra

    yield build
    for extra in made:
        stop_background_work(extra)
        with extra.app_context():
            dispose_engines()


def unreachable_limits(app: Flask) -> dict[str, str]:
    """The rate limits of `app` (the session's: too high to reach), for an app of a test's own."""
    return {k: v for k, v in app.config.items() if k.endswith("_LIMIT") and isinstance(v, str)}


@pytest.fixture(autouse=True)
def _clean_pins(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test that used the test database leaves every table it writes empty: pins,
    workshops, accounts and the rest (districts stay; see WRITTEN_TABLES).

    Whether through `app` or through an app of its own (`make_app`): the workshop event
    tests built theirs only, and left their workshops to whichever test came next.
    """
    # Asked for now: pytest refuses a fixture first asked for during teardown.
    uses_database = "test_database_url" in request.fixturenames
    flask_app: Flask | None = request.getfixturevalue("app") if uses_database else None
    yield
    if flask_app is not None:
        with flask_app.app_context():
            for attempt in range(EMPTYING_ATTEMPTS):
                try:
                    _empty_written_tables()
                    return
                except DBAPIError as error:
                    # A browser's request still in flight when its page closed may lock the
                    # same tables in another order: PostgreSQL ends one side as a deadlock.
                    # Try again once that request is done; a lock held for good still fails.
                    last = attempt == EMPTYING_ATTEMPTS - 1
                    if not isinstance(error.orig, DeadlockDetected) or last:
                        raise
                    time.sleep(0.2)


# A workshop test's gunicorn ends each stream its client closed after the test: the stream's
# last transaction deletes its presence, then reads the participants, while the emptying locks
# the participants first. Three tries 0.2 s apart all met such a deadlock once, after
# tests/serving/test_workshop_streams.py::test_resume_across_workers_after_a_drop.
EMPTYING_ATTEMPTS = 10

# What tests write to, emptied after each: every table of the models but the districts (loaded
# once for the session) and the map's state row. Listed by hand before, a new table of counts
# was left out and kept one test's pins for the next.
WRITTEN_TABLES = sorted(set(Base.metadata.tables) - {"districts", "map_state"})


def _empty_written_tables() -> None:
    """Empty every table a test writes to, failing after 10 s rather than waiting for ever."""
    with get_engine().begin() as conn:
        empty_tables(conn, WRITTEN_TABLES)


@contextmanager
def populations_put_back(app: Flask) -> Iterator[None]:
    """The districts' populations as they were before the block: districts last the session."""
    with app.app_context(), get_engine().connect() as conn:
        before = dict(conn.execute(text("SELECT id, population FROM districts")).all())
    try:
        yield
    finally:
        with app.app_context(), get_engine().begin() as conn:
            for district_id, value in before.items():
                conn.execute(
                    text("UPDATE districts SET population = :p WHERE id = :i"),
                    {"p": value, "i": district_id},
                )


@pytest.fixture
def central_population(app: Flask) -> Iterator[None]:
    """The city centre's population known (4,000), the other districts' not, as the app ships."""
    with populations_put_back(app):
        with app.app_context(), get_engine().begin() as conn:
            conn.execute(
                text("UPDATE districts SET population = 4000 WHERE name = :n"), {"n": CENTRAL}
            )
        yield


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client with its own cookie jar."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the `flask` commands."""
    return app.test_cli_runner()


class Api:
    """A client that behaves like the page's scripts: it carries the CSRF token from the page."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        page = client.get("/")
        match = CSRF_META.search(page.get_data(as_text=True))
        assert match, "the page must carry a csrf-token meta tag"
        self.token = match.group(1)

    @classmethod
    def from_address(cls, app: Flask, address: str) -> Api:
        """A new browser on another network: its requests come from `address`."""
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return cls(client)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        headers = {"X-CSRFToken": self.token, **kwargs.pop("headers", {})}
        return self.client.post(path, json=json, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        headers = {"X-CSRFToken": self.token, **kwargs.pop("headers", {})}
        return self.client.patch(path, json=json, headers=headers, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        headers = {"X-CSRFToken": self.token, **kwargs.pop("headers", {})}
        return self.client.put(path, json=json, headers=headers, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        headers = {"X-CSRFToken": self.token, **kwargs.pop("headers", {})}
        return self.client.delete(path, headers=headers, **kwargs)


@pytest.fixture
def api(client: FlaskClient) -> Api:
    """An API client with a CSRF token."""
    return Api(client)


def pin_feature(lon_lat: tuple[float, float] = CENTRE, **properties: Any) -> dict[str, Any]:
    """A valid pin Feature; keyword arguments override its properties."""
    props = {
        "kind": "idea",
        "category": "parks-nature",
        "title": "A bench by the river",
        "body": "Somewhere to sit and look at the water.",
    }
    props.update(properties)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": list(lon_lat)},
        "properties": props,
    }


def assert_busy(response: Any, message: str) -> None:
    """A 503 `busy` with `message`, asking the client to come back in a second."""
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.get_json() == {"error": {"code": "busy", "message": message, "field": None}}


def count_pins(app: Flask) -> int:
    """How many pins are stored, published or not."""
    with app.app_context(), get_engine().connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM ideas")).scalar_one())


PASSWORD = "en lång fras om Umeälven"


def create_user(app: Flask, email: str, role: str = "planner", password: str = PASSWORD) -> int:
    """An active staff account; its id."""
    from app.db import get_session
    from app.planning.accounts import create_user as create

    with app.app_context():
        session = get_session()
        user = create(session, email, password, role, profile=str(app.config["ARGON2_PROFILE"]))
        session.commit()
        return user.id


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> Api:
    """Sign `client` in through the form; an Api carrying the new session's CSRF token."""
    token = Api(client).token
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return Api(client)


@pytest.fixture
def staff(app: Flask) -> Callable[[str], Api]:
    """Signed-in clients by role: `staff("moderator")` (one account per role)."""
    clients: dict[str, Api] = {}

    def signed_in(role: str) -> Api:
        if role not in clients:
            create_user(app, f"{role}@umea.se", role)
            clients[role] = sign_in(app.test_client(), f"{role}@umea.se")
        return clients[role]

    return signed_in


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """The SQL statements sent meanwhile, on any engine."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)
