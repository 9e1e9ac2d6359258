"""`flask` commands: loading districts, demo pins."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from geoalchemy2.shape import from_shape
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from app.db import get_session
from app.demo import add_demo_pins
from app.models import District
from geo.crs import WGS84
from geo.read import read_polygon_features


@click.group("demo")
def demo_cli() -> None:
    """Demo data for trying the app out."""


@demo_cli.command("pins")
@click.argument("count", type=click.IntRange(1, 1_000_000))
@click.option("--seed", type=int, default=2480, show_default=True)
@with_appcontext
def demo_pins(count: int, seed: int) -> None:
    """Add COUNT published demo pins at random places in Umeå (source: import)."""
    session = get_session()
    added = add_demo_pins(session, count, seed=seed)
    session.commit()
    click.echo(f"Added {added} demo pins.")


@click.group("districts")
def districts_cli() -> None:
    """Manage the district polygons."""


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
    """Load (or update, matched by code) district polygons from a GeoJSON file."""
    session = get_session()
    existing = session.execute(select(func.count()).select_from(District)).scalar_one()
    if if_empty and existing:
        click.echo(f"{existing} districts already loaded; nothing to do.")
        return
    count = 0
    for props, geom in read_polygon_features(path):
        try:
            name = str(props[name_field]).strip()
            code = str(props[code_field]).strip()
        except KeyError as missing:
            raise click.ClickException(f"feature without property {missing}") from None
        population = props.get(population_field) if population_field else None
        values = {
            "code": code,
            "name": name,
            "population": int(population) if population not in (None, "") else None,
            "geom": from_shape(geom, srid=WGS84),
        }
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
        count += 1
    session.commit()
    click.echo(f"Loaded {count} districts from {path}.")
