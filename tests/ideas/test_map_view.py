"""The citizen map's two paths give the same answer, fresh after every write.

The pyramid (cells per zoom plus a delta log, geo/pyramid.py) must equal the cells counted
straight from the published pins, before a fold, after it and in between, for every zoom and
for the filters it serves; and the very next response reflects a pin just created, hidden,
published, answered or renamed.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from typing import Any

import psycopg
import pytest
from psycopg.pq import TransactionStatus
from psycopg.sql import SQL, Literal
from sqlalchemy import event, text

from app.db import (
    BUILT_ONCE,
    MAP_VIEW_SETTINGS,
    WRITE_SETTINGS,
    _compiled_once,
    autocommit_connection,
    get_engine,
    get_map_engine,
    get_session,
)
from app.ideas.counts import (
    PYRAMID,
    VERSION,
    compact_log,
    fold_map_log,
    map_version,
    pyramid_filters,
)
from app.ideas.filters import IdeaFilters
from app.ideas.map_view import map_view, read_map_view
from geo.pyramid import fold as fold_deltas
from tests.conftest import CENTRE, pin_feature
from tests.ideas.conftest import churn, end_map_pool_backends, fold, run_sql
from tests.pins import view_features

CITY = (19.4, 63.55, 21.1, 64.1)
VIEWS = [
    (CITY, 8),
    (CITY, 10),
    ((20.05, 63.77, 20.47, 63.88), 12),
    ((20.21, 63.81, 20.32, 63.84), 14),
    ((20.25, 63.821, 20.277, 63.829), 16),
    ((-180.0, -85.0, 180.0, 85.0), 0),
]
FILTERS = [
    IdeaFilters(),
    IdeaFilters(kinds=("concern",)),
    IdeaFilters(categories=("traffic", "safety"), statuses=("new",)),
    IdeaFilters(statuses=("planned",)),
    IdeaFilters(categories=("traffic", "safety")),
    IdeaFilters(sources=("web",)),
    IdeaFilters(kinds=("idea",), categories=("traffic",), statuses=("new",)),
    IdeaFilters(kinds=("idea",), categories=("traffic",), statuses=("new",), sources=("web",)),
]


def _features(app, filters, bbox, zoom, *, straight):
    """The map's features for a view, as sorted texts (limit 1: cells whenever any)."""
    with app.app_context():
        statement, params = map_view(replace(filters, bbox=bbox), zoom, 1, straight=straight)
        return view_features(get_session().execute(statement, params).one())


def _served(app, filters, bbox, zoom):
    """`_features` as the map's connections run the view: its SQL compiled once (app.db)."""
    with app.app_context(), get_map_engine().connect() as conn:
        return view_features(read_map_view(conn, replace(filters, bbox=bbox), zoom, 1))


def _assert_paths_agree(app):
    compared = 0
    for filters in FILTERS:
        assert pyramid_filters(filters) is not None
        for bbox, zoom in VIEWS:
            fast = _features(app, filters, bbox, zoom, straight=False)
            straight = _features(app, filters, bbox, zoom, straight=True)
            assert fast == straight, (filters, bbox, zoom)
            assert _served(app, filters, bbox, zoom) == straight, (filters, bbox, zoom)
            compared += len(fast[1])
    assert compared > 0


def _logged(app) -> int:
    return int(run_sql(app, "SELECT count(*) FROM map_deltas").scalar_one())


@pytest.mark.long_running
def test_pyramid_equals_the_straight_count_through_writes_and_folds(seeded, api):
    app = seeded
    churn(app, api, _assert_paths_agree)
    with app.app_context(), get_engine().connect() as conn:
        for cells in PYRAMID.cell_tables():
            counts = (
                "SELECT count(*) FILTER (WHERE n <= 0), count(*) FILTER (WHERE zoom > :last),"
                f" count(*) FROM {cells.table.name}"
            )
            zero, past, rows = conn.execute(text(counts), {"last": cells.max_zoom}).one()
            assert zero == 0 and past == 0 and rows > 0, cells.table.name


def test_filters_the_pyramid_cannot_serve_are_counted_straight(seeded):
    dated = IdeaFilters(
        since=__import__("datetime").datetime(2020, 1, 1, tzinfo=__import__("datetime").UTC)
    )
    assert pyramid_filters(dated) is None
    assert pyramid_filters(IdeaFilters(ids=(1, 2))) is None
    clustered, rows = _features(seeded, dated, CITY, 10, straight=False)
    assert clustered and rows == _features(seeded, dated, CITY, 10, straight=True)[1]


def _cell_total(client, **params):
    body = client.get(
        "/api/map/clusters", query_string={"bbox": "19.4,63.55,21.1,64.1", "zoom": 10, **params}
    ).get_json()
    return sum(f["properties"]["count"] for f in body["features"]), body


def test_the_next_response_reflects_every_write(make_app, seeded, api):
    app = seeded
    client = make_app(MAP_PIN_LIMIT=10).test_client()
    before, body = _cell_total(client)
    assert body["clustered"] is True
    new_id = api.post("/api/ideas", pin_feature(CENTRE)).get_json()["id"]
    assert _cell_total(client)[0] == before + 1
    run_sql(app, "UPDATE ideas SET visibility = 'hidden' WHERE id = :id", id=new_id)
    assert _cell_total(client)[0] == before
    run_sql(app, "UPDATE ideas SET visibility = 'published' WHERE id = :id", id=new_id)
    assert _cell_total(client)[0] == before + 1
    planned = _cell_total(client, status="done")[0]
    run_sql(app, "UPDATE ideas SET status = 'done' WHERE id = :id", id=new_id)
    assert _cell_total(client, status="done")[0] == planned + 1
    fold(app)
    assert _cell_total(client, status="done")[0] == planned + 1


def test_unchanged_views_are_304_and_any_write_changes_the_etag(make_app, seeded, api):
    app = seeded
    client = make_app(MAP_PIN_LIMIT=10).test_client()
    url = "/api/map/clusters?bbox=19.4,63.55,21.1,64.1&zoom=10"
    first = client.get(url)
    first.get_data()
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"')
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get(url + "&kind=idea", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.get_json()["features"]
    api.post("/api/ideas", pin_feature(CENTRE))
    fresh = client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    fresh.get_data()
    run_sql(app, "UPDATE ideas SET title = 'Renamed' WHERE id = 1")
    renamed = client.get(url, headers={"If-None-Match": fresh.headers["ETag"]})
    assert renamed.status_code == 200 and renamed.get_json()["features"]


def test_a_view_searched_by_words_is_fresh_after_a_redaction_of_the_description(
    make_app, api, staff
):
    """The map's version moved with a changed title, not a changed description, so a view
    searched by a word a moderator had just redacted answered 304, with the pin still in it."""
    client = make_app().test_client()
    created = api.post("/api/ideas", pin_feature(CENTRE, body="Ring Zyxwvuson på kvällen"))
    pin = created.get_json()["id"]
    lon, lat = CENTRE
    url = f"/api/map/clusters?bbox={lon - 0.002},{lat - 0.001},{lon + 0.002},{lat + 0.001}"
    url += "&zoom=17&q=Zyxwvuson"
    first = client.get(url)
    assert [f["id"] for f in first.get_json()["features"]] == [pin]
    redacted = staff("moderator").post(
        f"/api/ideas/{pin}/redact", {"body": "Ring [borttaget]", "reason": "Personuppgift"}
    )
    assert redacted.status_code == 200, redacted.get_json()
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert after.get_json()["features"] == []


def _statements_of_one_request(client, url, headers=None):
    """(status, [(statement, transaction status)] sent by psycopg) of one GET.

    Watched at psycopg's cursors, not SQLAlchemy's events: the map's first statements are
    sent by psycopg itself (app.db.first_row).
    """
    seen: list[tuple[str, TransactionStatus]] = []
    execute = psycopg.Cursor.execute

    def record(cursor, query, *args, **kwargs):
        try:
            return execute(cursor, query, *args, **kwargs)
        finally:
            seen.append((str(query), cursor.connection.info.transaction_status))

    psycopg.Cursor.execute = record  # type: ignore[method-assign]
    try:
        status = client.get(url, headers=headers or {}).status_code
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
    return status, seen


def test_a_304_asks_one_statement_outside_any_transaction(make_app, seeded):
    """An unchanged view costs the version query alone: no BEGIN, no ROLLBACK, no view query."""
    app = make_app(MAP_PIN_LIMIT=10)
    client = app.test_client()
    url = "/api/map/clusters?bbox=19.4,63.55,21.1,64.1&zoom=10"
    etag = client.get(url).headers["ETag"]
    status, seen = _statements_of_one_request(client, url, {"If-None-Match": etag})
    assert status == 304
    assert len(seen) == 1 and seen[0][1] == TransactionStatus.IDLE, seen


def test_a_view_asks_one_statement_outside_any_transaction(make_app, seeded):
    """A view computed afresh, asked without a validator: the view alone, which carries the
    data's version, on one connection in autocommit."""
    app = make_app(MAP_PIN_LIMIT=10)
    client = app.test_client()
    # The pool's first connection asks the server's version and settings (SQLAlchemy's
    # dialect), once for the engine's life.
    assert client.get("/api/map/clusters?bbox=20,63.8,20.1,63.9&zoom=8").status_code == 200
    for url in (
        "/api/map/clusters?bbox=19.4,63.55,21.1,64.1&zoom=10",
        "/api/map/clusters?bbox=19.4,63.55,21.1,64.1&zoom=10&kind=concern",
        "/api/map/clusters?bbox=19.4,63.55,21.1,64.1&zoom=10&since=2020-01-01",
        "/api/map/clusters?bbox=20.25,63.821,20.277,63.829&zoom=19",
    ):
        status, seen = _statements_of_one_request(client, url)
        assert status == 200
        assert [state for _statement, state in seen] == [TransactionStatus.IDLE], seen
        assert "map_state.epoch" in seen[0][0] and "features" in seen[0][0]


def test_a_stale_validator_asks_the_version_then_the_view(make_app, seeded, api):
    """With a validator the version comes first; after a write it no longer matches, and the
    view that follows carries an ETag that the next request's version matches."""
    app = make_app(MAP_PIN_LIMIT=10)
    client = app.test_client()
    url = "/api/map/clusters?bbox=19.4,63.55,21.1,64.1&zoom=10"
    etag = client.get(url).headers["ETag"]
    assert api.post("/api/ideas", pin_feature(CENTRE)).status_code == 201
    status, seen = _statements_of_one_request(client, url, {"If-None-Match": etag})
    assert status == 200
    assert [state for _statement, state in seen] == [TransactionStatus.IDLE] * 2, seen
    assert "features" not in seen[0][0] and "features" in seen[1][0]
    fresh = client.get(url).headers["ETag"]
    assert fresh != etag
    assert client.get(url, headers={"If-None-Match": fresh}).status_code == 304


def test_a_map_connection_the_server_closed_is_replaced_not_answered_503(make_app, seeded):
    """The map's pool does not ping before each view: a connection PostgreSQL closed (a restart,
    an operator's pg_terminate_backend) is found out by the first statement and replaced."""
    app = make_app()
    client = app.test_client()
    url = "/api/map/clusters?bbox=19.4,63.55,21.1,64.1&zoom=10"
    etag = client.get(url).headers["ETag"]
    for headers, status in (({}, 200), ({"If-None-Match": etag}, 304)):
        assert end_map_pool_backends(seeded) >= 1
        assert client.get(url, headers=headers).status_code == status


def test_map_views_plan_serially(make_app):
    """The map's pool has MAP_VIEW_SETTINGS; the app's other connections keep PostgreSQL's own
    (layers and exports gain from parallel plans)."""
    app = make_app()
    with app.app_context():
        with get_map_engine().connect() as conn:
            for name, value in MAP_VIEW_SETTINGS.items():
                assert conn.execute(text(f"SHOW {name}")).scalar_one() == value
            assert conn.execute(text("SHOW application_name")).scalar_one() == "umecom-web-map"
        with get_engine().connect() as conn:
            assert conn.execute(text("SHOW max_parallel_workers_per_gather")).scalar_one() != "0"
            assert conn.execute(text("SHOW plan_cache_mode")).scalar_one() == "auto"
            # pins, supports and answers wait for their commit to reach the disk
            assert conn.execute(text("SHOW synchronous_commit")).scalar_one() == "on"
            # the cluster scripts/db.sh starts (make run's and make test's) flushes at all
            assert conn.execute(text("SHOW fsync")).scalar_one() == "on"


def test_one_statement_writes_have_generic_plans(make_app):
    """The pool of new pins' batches (app.db.autocommit_connection) has WRITE_SETTINGS, in
    autocommit; the map's views keep PostgreSQL's own choice of plan."""
    app = make_app()
    with app.app_context(), autocommit_connection() as conn:
        for name, value in WRITE_SETTINGS.items():
            assert conn.execute(text(f"SHOW {name}")).scalar_one() == value
        assert conn.execute(text("SHOW application_name")).scalar_one() == "umecom-web-write"
        assert conn.connection.driver_connection.autocommit is True  # type: ignore[union-attr]


def test_the_pools_keep_their_connections_open_after_a_burst(make_app):
    """A burst of views at once does not close connections on return, to open new ones (each a
    new backend that reads its catalogs) for the next burst."""
    app = make_app()
    with app.app_context():
        for engine in (get_map_engine(), get_engine()):
            bursts = []
            for _ in range(2):
                held = [engine.connect() for _ in range(12)]
                bursts.append({c.exec_driver_sql("SELECT pg_backend_pid()").scalar() for c in held})
                for connection in held:
                    connection.close()
            assert len(bursts[0]) == 12 and bursts[1] == bursts[0]


def test_views_are_prepared_unless_several_dimensions_hold_several_values(make_app, seeded):
    """A prepared view may get one plan for every view of its shape; for several dimensions'
    arrays such a plan filtered the cells instead of seeking them (map_view), so those are not
    prepared, nor views counted straight (filters the pyramid has no cells for). Several
    dimensions of one value each are bound as values, and prepared."""
    app = make_app(MAP_PIN_LIMIT=10)
    client = app.test_client()
    url = "/api/map/clusters?bbox=19.4,63.55,21.1,64.1&zoom=10"
    queries = (
        "",
        "&kind=concern",
        "&kind=idea&category=traffic",
        "&kind=idea,concern&category=traffic,safety",  # two dimensions of two values
        "&since=2020-01-01",
    )
    for query in queries:
        for _ in range(6):  # psycopg prepares what it runs five times, unless told
            assert client.get(url + query).status_code == 200
    with app.app_context(), get_map_engine().connect() as conn:
        prepared = conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars()
        views = [statement for statement in prepared if "features" in statement]
    assert len(views) == 3
    assert not any("created_at" in statement for statement in views)
    assert sum("map_cells_by_kind.kind = $" in statement for statement in views) == 1
    both = [s for s in views if "map_cells.kind = $" in s and "map_cells.category = $" in s]
    assert len(both) == 1


def test_uncommitted_changes_wait_for_the_nextfold(seeded):
    """A fold takes only what is committed: a writer still in its transaction loses nothing."""
    app = seeded
    fold(app)
    with app.app_context(), get_engine().connect() as writer:
        writer.execute(text("UPDATE ideas SET visibility = 'hidden' WHERE id <= 100"))
        assert fold(app) == 0  # the other transaction's deltas are not visible yet
        writer.commit()
    _assert_paths_agree(app)
    assert fold(app) > 0
    _assert_paths_agree(app)


def test_folds_from_many_threads_take_turns(seeded, api):
    app = seeded
    for _ in range(20):
        api.post("/api/ideas", pin_feature(CENTRE))
    errors = []

    def fold_now():
        try:
            fold(app)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=fold_now) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _assert_paths_agree(app)


def test_each_process_folds_in_the_background(make_app, seeded, api):
    import time

    folding = make_app(MAP_FOLD_INTERVAL_S=0.05)
    api.post("/api/ideas", pin_feature(CENTRE))
    folding.test_client().get("/healthz")  # the first request starts the folder
    deadline = time.monotonic() + 10
    while (
        run_sql(seeded, "SELECT count(*) FROM map_deltas").scalar_one()
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert run_sql(seeded, "SELECT count(*) FROM map_deltas").scalar_one() == 0
    _assert_paths_agree(seeded)


def test_a_fold_that_times_out_is_tried_again_in_smaller_batches(seeded, monkeypatch):
    """A batch past the statement timeout fails whole; the folder then takes fewer at a time."""
    from psycopg.errors import QueryCanceled
    from sqlalchemy.exc import OperationalError

    import app.upkeep as upkeep

    run_sql(seeded, "UPDATE ideas SET status = 'done' WHERE id % 3 = 0")  # 1,000 deltas
    batches: list[int] = []
    fold_map_log = upkeep.fold_map_log

    def timing_out_above_2500(session, *, pace):
        batches.append(pace.size)
        if pace.size > 2500:  # what a batch too large for the timeout meets, from PostgreSQL
            session.execute(text("SET LOCAL statement_timeout = 10"))
            session.execute(text("SELECT pg_sleep(1)"))
        return fold_map_log(session, pace=pace)

    monkeypatch.setattr(upkeep, "fold_map_log", timing_out_above_2500)
    folder = upkeep.MapFolder(seeded, interval=0)
    # A target no fold here comes near on any machine, so that the success doubles the size
    # (on a slow one, 1,428 deltas in 1.4 s against 5 s would have grown it to 4,985).
    folder.pace.target_s = 300.0
    with pytest.raises(OperationalError) as failed:
        folder.fold_once()
    assert isinstance(failed.value.orig, QueryCanceled)
    assert _logged(seeded) > 1000 and folder.pace.size == 2500
    assert folder.fold_once() > 1000 and folder.pace.size == 5000  # well within: twice as many
    assert batches == [10_000, 2500] and _logged(seeded) == 0
    _assert_paths_agree(seeded)


def _statements_of_a_fold(app) -> tuple[int, list[str]]:
    """(changes moved, the statements sent on the app's engine) of one fold."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        event.listen(get_engine(), "before_cursor_execute", record)
        try:
            moved = fold_map_log(get_session())
        finally:
            event.remove(get_engine(), "before_cursor_execute", record)
    return moved, statements


def test_an_empty_log_costs_one_question(seeded):
    """The folders ask each second: with nothing logged, a fold asks whether the log is empty
    and stops, without its statement (built and compiled anew each time) or its VACUUMs."""
    app = seeded
    assert fold(app) > 0
    moved, statements = _statements_of_a_fold(app)
    assert moved == 0
    assert len(statements) == 1 and "map_deltas" in statements[0]


def _vacuumed_by_a_fold(app) -> list[str]:
    """The tables the next fold vacuums (its VACUUM statements, in order)."""
    moved, statements = _statements_of_a_fold(app)
    assert moved > 0
    return [s.removeprefix("VACUUM ") for s in statements if s.startswith("VACUUM ")]


def test_a_fold_vacuums_the_log_and_after_a_backlog_the_counts_too(seeded, api, monkeypatch):
    """Every fold vacuums the log, which every view reads; only a fold of many changes
    vacuums the tables of counts as well (each VACUUM of those passes over whole indexes)."""
    from app.ideas import counts as module

    app = seeded
    fold(app)
    api.post("/api/ideas", pin_feature(CENTRE))
    assert _vacuumed_by_a_fold(app) == ["(TRUNCATE false) map_deltas"]

    run_sql(app, "UPDATE ideas SET status = 'done' WHERE id % 3 = 0")
    monkeypatch.setattr(module, "VACUUM_COUNTS_AFTER", _logged(app))
    counts = [cells.table.name for cells in PYRAMID.cell_tables()]
    rollups = [rollup.table.name for rollup in PYRAMID.rollups]
    assert _vacuumed_by_a_fold(app) == ["(TRUNCATE false) map_deltas", *counts, *rollups]
    _assert_paths_agree(app)


def _log_bytes(app) -> int:
    return int(run_sql(app, "SELECT pg_relation_size('map_deltas')").scalar_one())


def _compact_log(app) -> bool:
    with app.app_context(), get_engine().connect() as conn:
        return compact_log(conn.execution_options(isolation_level="AUTOCOMMIT"))


@pytest.fixture
def log_without_autovacuum(seeded):
    """The test database's log without autovacuum for one test, then as before.

    A backlog starts autovacuum on the log, which holds the table past COMPACT_LOCK_TIMEOUT_MS
    as a reader would: in one `make test` a rewrite a test expected was put off that way.
    """
    run_sql(seeded, "ALTER TABLE map_deltas SET (autovacuum_enabled = off)")
    yield seeded
    run_sql(seeded, "ALTER TABLE map_deltas RESET (autovacuum_enabled)")


def _backlog_folded_but_one(app, api) -> int:
    """A backlog folded while a pin came after it: that pin's delta holds the log's last page.

    Returns the file's size, which VACUUM cannot cut back past that delta.
    """
    fold(app)
    run_sql(app, "UPDATE ideas SET status = 'done'")  # two deltas a pin
    backlog = _logged(app)
    api.post("/api/ideas", pin_feature(CENTRE))
    with app.app_context():
        session = get_session()
        assert fold_deltas(session, PYRAMID, limit=backlog) == backlog
        session.commit()
        with get_engine().connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM map_deltas"))
    assert _logged(app) == 1
    return _log_bytes(app)


def test_the_log_gives_back_a_backlogs_pages_past_a_delta_left_to_fold(
    log_without_autovacuum, api, monkeypatch
):
    """Every map request counts the log page by page (its version): after a backlog, the
    file is rewritten to the deltas left, which VACUUM alone cannot do while one is at its end."""
    from app.ideas import counts as module

    app = log_without_autovacuum
    big = _backlog_folded_but_one(app, api)
    assert big > 8 * 8192  # VACUUM left the backlog's pages
    assert _compact_log(app) is False  # under LOG_COMPACT_BYTES: left as it is
    monkeypatch.setattr(module, "LOG_COMPACT_BYTES", big - 1)
    monkeypatch.setattr(module, "LOG_COMPACT_MOST_ROWS", 0)
    assert _compact_log(app) is False  # more deltas left than a rewrite is for
    assert _log_bytes(app) == big
    monkeypatch.setattr(module, "LOG_COMPACT_MOST_ROWS", 1)
    assert _compact_log(app) is True
    assert _log_bytes(app) == 8192  # one page: the delta left
    assert _logged(app) == 1
    _assert_paths_agree(app)


def test_a_fold_after_a_backlog_rewrites_the_log_unless_a_reader_holds_it(
    log_without_autovacuum, api, monkeypatch
):
    """The fold queues for the log's lock for COMPACT_LOCK_TIMEOUT_MS at most, then vacuums it
    without cutting the file (which would retry for the lock for seconds); the next fold
    tries again."""
    from app.ideas import counts as module

    app = log_without_autovacuum
    big = _backlog_folded_but_one(app, api)
    monkeypatch.setattr(module, "LOG_COMPACT_BYTES", big - 1)
    run_sql(app, "UPDATE ideas SET status = 'planned' WHERE id % 2 = 0")
    with app.app_context(), get_engine().connect() as reader:
        reader.execute(text("SELECT count(*) FROM map_deltas"))  # its transaction holds the log
        assert _vacuumed_by_a_fold(app) == ["(FULL) map_deltas", "(TRUNCATE false) map_deltas"]
        reader.rollback()
    assert _log_bytes(app) >= big
    api.post("/api/ideas", pin_feature(CENTRE))
    assert _vacuumed_by_a_fold(app) == ["(FULL) map_deltas"]
    # No delta is left, but VACUUM FULL keeps any that a snapshot open in this database still
    # sees (an autovacuum ANALYZE's, say): a page at most, never the backlog's file.
    assert _log_bytes(app) <= 8192
    _assert_paths_agree(app)


def test_the_fold_command(runner, seeded, api):
    fold(seeded)
    api.post("/api/ideas", pin_feature(CENTRE))
    result = runner.invoke(args=["map", "fold"])
    assert result.exit_code == 0
    assert result.output == "Folded 1 map changes.\n"


def test_a_backlog_folds_in_batches_and_stays_exact(seeded, monkeypatch):
    """A log larger than one batch is folded a committed batch at a time, oldest first."""
    from app.ideas import counts as module

    app = seeded
    run_sql(app, "UPDATE ideas SET status = 'done' WHERE id % 3 = 0")  # 1,000 deltas (±1 each)
    logged = _logged(app)
    assert logged > 300
    monkeypatch.setattr(module, "FOLD_BATCH", 128)
    batches: list[int] = []
    fold_batch = module.fold

    def counted_fold(session, pyramid, *, limit):
        batches.append(fold_batch(session, pyramid, limit=limit))
        return batches[-1]

    monkeypatch.setattr(module, "fold", counted_fold)
    assert fold(app) == logged
    assert _logged(app) == 0
    assert batches[:-1] == [128] * (logged // 128) and batches[-1] == logged % 128
    _assert_paths_agree(app)


def test_views_run_as_compiled_once_answer_as_sqlalchemy_runs_them(seeded):
    """The map's connections run a view's statement as the SQL it was compiled to once, its
    constants written in (app.db, BUILT_ONCE): every view gives the row SQLAlchemy's own
    execution gives, street level too (`_assert_paths_agree` holds the cells to the straight
    count through writes and folds)."""
    app = seeded
    street = ((20.26, 63.82, 20.27, 63.83), 18)
    with app.app_context():
        for filters in FILTERS:
            for bbox, zoom in [*VIEWS, street]:
                view = replace(filters, bbox=bbox)
                statement, params = map_view(view, zoom, 5)
                assert statement.get_execution_options()[BUILT_ONCE]
                with get_map_engine().connect() as conn:
                    compiled_once = _compared(read_map_view(conn, view, zoom, 5))
                assert compiled_once == _compared(get_session().execute(statement, params).one())
        with get_map_engine().connect() as conn:
            assert map_version(conn) == str(get_session().execute(VERSION).scalar_one())


def _compared(row: Any) -> tuple[Any, ...]:
    """A view's row as it is, but its cells' Features as a set: they come in no particular order.

    Two plans of one statement may join the cells in another order (8 of 360 of bench.http's
    views, forced custom against generic plans); a page of pins comes newest first in all, so
    its text is compared as it is.
    """
    features: Any = row.features
    if row.clustered:
        features = sorted(json.dumps(feature) for feature in json.loads(f"[{features}]"))
    return (features, row.count, row.more, row.clustered, row.version)


def test_views_counted_straight_are_run_by_sqlalchemy_and_not_kept(make_app, seeded):
    """A view the pyramid cannot serve (by district, by date) has a statement built for it
    alone, with lists expanded: SQLAlchemy runs it, and no compiled copy of it is kept."""
    client = make_app().test_client()
    base = "/api/map/clusters?bbox=19.4,63.55,21.1,64.1&zoom=10"
    client.get(base)
    kept = _compiled_once.cache_info().currsize
    for asked in ("&district=NaN", "&district=1,2,3", "&since=2020-01-01", "&until=2020-01-01"):
        response = client.get(base + asked)
        assert response.status_code == 200, (asked, response.get_data()[:200])
    assert _compiled_once.cache_info().currsize == kept


def test_views_of_one_shape_share_one_statement():
    """Only the parameters differ between views: the statement is built once per shape."""
    city, centre = replace(IdeaFilters(), bbox=CITY), replace(IdeaFilters(), bbox=VIEWS[3][0])
    first, first_params = map_view(city, 10, 500)
    second, second_params = map_view(replace(centre, kinds=("idea",)), 14, 500)
    assert map_view(centre, 14, 500)[0] is first and second is not first
    assert map_view(replace(city, kinds=("concern",)), 8, 500)[0] is second
    assert first_params["view_zoom"] == 10 and second_params["kind"] == "idea"
    both, both_params = map_view(replace(centre, kinds=("idea", "concern")), 14, 500)
    assert both is not second and both_params["kind"] == ["idea", "concern"]
    assert map_view(replace(centre, kinds=("concern", "idea")), 14, 500)[0] is both
    assert map_view(city, 10, 500, straight=True)[0] is not first  # built for its view


def _cells_read(filters: IdeaFilters, zoom: int = 12) -> set[str]:
    """The cell tables the statement of a view at `zoom` with these filters reads."""
    sql = str(map_view(replace(filters, bbox=VIEWS[2][0]), zoom, 500)[0])
    tables = (cells.table.name for cells in PYRAMID.cell_tables())
    return {name for name in tables if f"FROM {name} " in sql}


def test_a_view_reads_the_cells_split_by_what_it_filters_on_and_no_more():
    assert len(PYRAMID.cell_tables()) == 6 and PYRAMID.singles_max_zoom == 14
    assert _cells_read(IdeaFilters()) == {"map_cell_totals"}
    for filters, table in [
        (IdeaFilters(kinds=("concern",)), "map_cells_by_kind"),
        (IdeaFilters(categories=("traffic", "safety")), "map_cells_by_category"),
        (IdeaFilters(statuses=("new",)), "map_cells_by_status"),
        (IdeaFilters(sources=("web", "paper")), "map_cells_by_source"),
        (IdeaFilters(kinds=("idea",), statuses=("new",)), "map_cells"),
    ]:
        assert _cells_read(filters) == {table}, filters
        assert _cells_read(filters, zoom=14) == {table}, filters
        assert _cells_read(filters, zoom=15) == {"map_cells"}, filters  # no single splits


def test_pins_of_one_value_of_each_dimension_can_be_sought_by_their_key(seeded):
    """A view filtered to one kind, category, status and source can find its pins in view in
    the index of published pins by that key (ix_ideas_published_map_key), also in the one plan
    PostgreSQL may keep for every such view. PostgreSQL uses an expression index only where the
    query writes the very expression the index was made of (app.models.ideas.map_filter_key).

    Which index it prefers depends on the table's size: for 1,500 pins the other indexes of
    pins by place, dropped here in a transaction that is rolled back (bench.http's database
    shows the choice at scale)."""
    filters = IdeaFilters(
        kinds=("idea",), categories=("traffic",), statuses=("new",), sources=("web",)
    )
    bbox, zoom = VIEWS[4]  # few pins: the pins themselves are sent
    with seeded.app_context(), get_engine().connect() as conn:
        statement, params = map_view(replace(filters, bbox=bbox), zoom, 500)
        sql, names = _compiled_once(statement, get_map_engine().dialect)
        driver = conn.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor:
            cursor.execute("DROP INDEX ix_ideas_geom_dims, idx_ideas_geom")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
            cursor.execute(f"PREPARE one_value_each AS {sql}")
            arguments = SQL(", ").join(Literal(params[name]) for name in names)
            cursor.execute(SQL("EXPLAIN (COSTS OFF) EXECUTE one_value_each({})").format(arguments))
            plan = [row[0] for row in cursor.fetchall()]
            cursor.execute("DEALLOCATE one_value_each")
        conn.rollback()
    scans = [n for n, line in enumerate(plan) if " ix_ideas_published_map_key " in line]
    assert len(scans) == 1, "\n".join(plan)
    sought = plan[scans[0] + 1]  # by the key, not by the place alone
    assert "Index Cond: " in sought and "'/'::text" in sought.split(" = ")[0], "\n".join(plan)
