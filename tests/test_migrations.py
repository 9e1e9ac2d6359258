"""Alembic: upgrade from empty to head, down to base, and up again."""

from sqlalchemy import create_engine, inspect

from tests.dbutil import database_url, downgrade, migrate, recreate_database


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade():
    url = database_url("_migrations")
    recreate_database(url)
    migrate(url)
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

    url = database_url("_migrations")
    recreate_database(url)
    migrate(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": alembic_helpers.include_object}
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []
