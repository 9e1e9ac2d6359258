"""`flask districts`: loading the district polygons."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import with_appcontext
from geoalchemy2.shape import from_shape
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from app.db import get_session
from app.models import District
from geo.crs import WGS84
from geo.errors import GeometryError
from geo.read import read_polygon_features


@click.group("districts")
def districts_cli() -> None:
    """Manage the district polygons."""


def _district_values(
    props: dict[str, Any], name_field: str, code_field: str, population_field: str | None
) -> dict[str, Any]:
    """Name, code and population of one feature, or a ClickException naming what is missing."""
    values: dict[str, Any] = {}
    for key, field in (("name", name_field), ("code", code_field)):
        value = props.get(field)
        if value is None or not str(value).strip():
            raise click.ClickException(f"a feature has no property {field!r}")
        values[key] = str(value).strip()
    population = props.get(population_field) if population_field else None
    if population in (None, ""):
        values["population"] = None
    else:
        try:
            values["population"] = int(population)
        except (TypeError, ValueError):
            raise click.ClickException(
                f"district {values['code']}: population {population!r} is not a whole number"
            ) from None
    return values


def _upsert(session: Session, values: dict[str, Any]) -> None:
    """Insert a district, or update the one with the same code (keeping a known population)."""
    stmt = insert(District).values(**values)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["code"],
            set_={
                "name": stmt.excluded.name,
                "geom": stmt.excluded.geom,
                "population": func.coalesce(stmt.excluded.population, District.population),
            },
        )
    )


@districts_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--name-field", default="name", show_default=True)
@click.option("--code-field", default="id", show_default=True)
@click.option("--population-field", default=None, help="Property with the population, if any.")
@click.option("--if-empty", is_flag=True, help="Do nothing when districts are already loaded.")
@with_appcontext
def load_districts(
    path: str, name_field: str, code_field: str, population_field: str | None, if_empty: bool
) -> None:
    """Load (or update, matched by code) district polygons from a GeoJSON file.

    All or nothing: a broken feature leaves the districts as they were.
    """
    session = get_session()
    existing = session.execute(select(func.count()).select_from(District)).scalar_one()
    if if_empty and existing:
        click.echo(f"{existing} districts already loaded; nothing to do.")
        return
    count = 0
    try:
        for props, geom in read_polygon_features(path):
            values = _district_values(props, name_field, code_field, population_field)
            _upsert(session, {**values, "geom": from_shape(geom, srid=WGS84)})
            count += 1
        session.commit()
    except GeometryError as exc:
        session.rollback()
        raise click.ClickException(f"{path}: {exc.field}: {exc}") from None
    except (DataError, IntegrityError) as exc:
        session.rollback()
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        raise click.ClickException(f"{path}: the database refused a district: {reason}") from None
    except click.ClickException:
        session.rollback()
        raise
    click.echo(f"Loaded {count} districts from {path}.")
