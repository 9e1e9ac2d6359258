"""Alembic: upgrade from empty to head, down to base, and up again."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session

from tests.dbutil import database_url, downgrade, migrate, recreate_database
from tests.pins import view_features


def _fresh_database(revision: str = "head") -> str:
    """The URL of this process's migrations database, created anew and migrated to `revision`."""
    url = database_url("_migrations")
    recreate_database(url)
    migrate(url, revision)
    return url


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade():
    url = _fresh_database()
    assert {"districts", "ideas", "supports", "alembic_version"} <= _tables(url)
    downgrade(url)
    assert _tables(url) & {"districts", "ideas", "supports"} == set()
    migrate(url)
    assert {"districts", "ideas", "supports"} <= _tables(url)


def test_models_match_migrations():
    """Autogenerate finds nothing to do: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from geoalchemy2 import alembic_helpers

    from app.models import Base

    url = _fresh_database()
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": alembic_helpers.include_object}
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


@contextmanager
def _app_session(url: str) -> Iterator[Session]:
    """A session of the app on `url` (no background fold); the app's engines closed after."""
    from app import create_app
    from app.db import dispose_engines, get_session

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test", "MAP_FOLD_INTERVAL_S": 0})
    with app.app_context():
        session = get_session()
        try:
            yield session
        finally:
            session.close()
            dispose_engines()


def _store_pins(conn) -> None:
    """600 pins by SQL, as an older schema takes them: a third concerns, a tenth hidden."""
    conn.execute(
        text(
            "INSERT INTO ideas (kind, category, title, body, visibility, status, source, geom)"
            " SELECT CASE WHEN n % 3 = 0 THEN 'concern' ELSE 'idea' END, 'other', 'Pin', '',"
            " CASE WHEN n % 10 = 0 THEN 'hidden' ELSE 'published' END, 'new', 'web',"
            " ST_SetSRID(ST_MakePoint(20.1 + (n % 37) * 0.01, 63.75 + (n % 23) * 0.01), 4326)"
            " FROM generate_series(1, 600) AS n"
        )
    )


def _rollups_before_0017() -> tuple:
    """The pyramid's rollups as an older schema has them: none split by one dimension."""
    from app.ideas.counts import HEXAGONS_BY_DIMENSION, PYRAMID

    return tuple(rollup for rollup in PYRAMID.rollups if rollup not in HEXAGONS_BY_DIMENSION)


def _hexagon_layers(session: Session, filters) -> list[list]:
    """The default-size hexagon layer read from the rollups, then counted from the pins."""
    from app.layers.params import DEFAULT_HEX_SIZE
    from app.layers.queries import hexgrid_layer

    return [
        sorted(session.execute(hexgrid_layer(filters, size=DEFAULT_HEX_SIZE, straight=s)))
        for s in (False, True)
    ]


def test_the_layer_rollups_start_from_the_pins_already_stored():
    """0007 and 0008 count the pins stored before them, less the log the next fold adds."""
    from app.ideas.counts import fold_map_log
    from app.ideas.filters import IdeaFilters
    from app.layers.queries import district_layer

    url = _fresh_database("0006_layer_counts_index")
    engine = create_engine(url)
    with engine.begin() as conn:
        # Two districts covering some of the pins; the others are in none.
        conn.execute(
            text(
                "INSERT INTO districts (code, name, population, geom) VALUES"
                " ('A', 'Ost', 100, ST_Multi(ST_MakeEnvelope(20.0, 63.7, 20.25, 64.0, 4326))),"
                " ('B', 'Väst', 0, ST_Multi(ST_MakeEnvelope(20.25, 63.7, 20.4, 63.9, 4326)))"
            )
        )
        _store_pins(conn)
        conn.execute(
            text(
                "UPDATE ideas SET district_id = (SELECT id FROM districts"
                " WHERE ST_Covers(districts.geom, ideas.geom) ORDER BY id LIMIT 1)"
            )
        )
        # Half the log folded before the upgrade (as the folder would have), half not yet.
        conn.execute(text("DELETE FROM map_deltas WHERE item_id % 2 = 0"))
    engine.dispose()
    migrate(url)
    with _app_session(url) as session:
        assert fold_map_log(session) > 0
        for filters in (IdeaFilters(), IdeaFilters(kinds=("concern",))):
            layers = _hexagon_layers(session, filters)
            assert layers[0] == layers[1] and layers[0]
            districts = [
                sorted(
                    (row.code, row.count, row.by_kind, row.share)
                    for row in session.execute(district_layer(filters, straight=s))
                )
                for s in (False, True)
            ]
            assert districts[0] == districts[1] and len(districts[0]) == 2
        assert sum(row.count for row in layers[0]) == 600 // 3 - 600 // 30


def test_the_cell_totals_and_single_splits_start_from_the_cells_already_folded():
    """0009 and 0011 sum today's cells; the log not folded yet is added by readers, then folded."""
    from dataclasses import replace

    from app.ideas.counts import PYRAMID, fold_map_log
    from app.ideas.filters import IdeaFilters
    from app.ideas.map_view import map_view
    from geo.pyramid import fold

    url = _fresh_database("0008_map_districts")
    engine = create_engine(url)
    with engine.begin() as conn:
        _store_pins(conn)  # 540 published: 540 changes in the log
    with Session(engine) as session:  # half the log folded by 0008's pyramid, half not yet
        old = replace(PYRAMID, totals=None, singles=(), rollups=_rollups_before_0017())
        assert fold(session, old, limit=300) == 300
        session.commit()
    engine.dispose()
    migrate(url)
    view = IdeaFilters(bbox=(20.05, 63.7, 20.5, 64.0))
    filtered = [
        view,
        replace(view, kinds=("concern",)),
        replace(view, categories=("other",)),
        replace(view, statuses=("new",)),
        replace(view, sources=("web",)),
    ]
    with _app_session(url) as session:
        for cells in PYRAMID.cell_tables():  # summed up to each table's last zoom, no further
            last = f"SELECT max(zoom) FROM {cells.table.name}"
            assert session.execute(text(last)).scalar_one() == cells.max_zoom, cells.table.name
        for folded in (False, True):
            if folded:
                assert fold_map_log(session) == 240
            for filters in filtered:
                for zoom in (8, 12, 14):
                    views = [
                        view_features(
                            session.execute(*map_view(filters, zoom, 1, straight=s)).one()
                        )
                        for s in (False, True)
                    ]
                    assert views[0] == views[1] and views[0][1], (filters, zoom)


def test_the_hexagon_single_splits_start_from_the_hexagons_already_folded():
    """0017 sums today's map_hexagons; the log not folded yet is added by readers, then folded."""
    from dataclasses import replace

    from app.ideas.counts import PYRAMID, fold_map_log
    from app.ideas.filters import IdeaFilters
    from geo.pyramid import fold

    url = _fresh_database("0016_hexagon_outlines")
    engine = create_engine(url)
    with engine.begin() as conn:
        _store_pins(conn)  # 540 published, then a quarter of them moved to another split
        conn.execute(
            text("UPDATE ideas SET category = 'traffic', status = 'done' WHERE id % 4 = 0")
        )
    with Session(engine) as session:  # part of the log folded by 0016's pyramid, part not yet
        assert fold(session, replace(PYRAMID, rollups=_rollups_before_0017()), limit=400) == 400
        session.commit()
    engine.dispose()
    migrate(url)
    filtered = [
        IdeaFilters(kinds=("concern",)),
        IdeaFilters(categories=("traffic",)),
        IdeaFilters(statuses=("new",)),
        IdeaFilters(sources=("web",)),
    ]
    with _app_session(url) as session:
        for folded in (False, True):
            if folded:
                assert fold_map_log(session) > 0
            for filters in filtered:
                layers = _hexagon_layers(session, filters)
                assert layers[0] == layers[1] and layers[0], filters


def test_the_map_index_builds_again_over_a_failed_build():
    """A concurrent build that failed leaves an index of that name behind with the version
    unchanged; running 0010 again replaces it with the whole index instead of failing."""
    url = _fresh_database("0009_map_cell_totals")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:  # what is left of the failed build: the name, not the index
            conn.execute(text("CREATE INDEX ix_ideas_geom_dims ON ideas (id)"))
        migrate(url)
        with engine.connect() as conn:
            definition = conn.execute(
                text("SELECT pg_get_indexdef('ix_ideas_geom_dims'::regclass)")
            ).scalar_one()
    finally:
        engine.dispose()
    assert "USING gist (geom, kind, category, status, source, visibility)" in definition


def test_every_table_of_counts_is_left_to_autovacuum_by_its_dead_rows():
    """Folds of a few changes no longer vacuum the tables of counts (app.ideas.counts): 0012
    has autovacuum come by after a fixed number of dead rows, in each table a fold adds to."""
    from app.ideas.counts import PYRAMID

    url = _fresh_database()
    counts = {cells.table.name for cells in PYRAMID.cell_tables()}
    counts |= {rollup.table.name for rollup in PYRAMID.rollups}
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(:names)"),
                {"names": sorted(counts)},
            ).all()
    finally:
        engine.dispose()
    expected = ["autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=20000"]
    assert {row.relname: row.reloptions for row in rows} == dict.fromkeys(counts, expected)
