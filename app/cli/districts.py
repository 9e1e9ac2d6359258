"""`flask districts`: loading the district polygons and their population."""

from __future__ import annotations

import csv
import re
from typing import Any

import click
from flask.cli import with_appcontext
from geoalchemy2.shape import from_shape
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from app.common.limits import DISTRICT_CODE_PATTERN
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
    if not re.fullmatch(DISTRICT_CODE_PATTERN, values["code"]):
        raise click.ClickException(
            f"district code {values['code'][:60]!r}: use 1-40 letters, digits, '_', '.' or '-'"
        )
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


def _read_population_rows(path: str, code_field: str, population_field: str) -> dict[str, int]:
    """{code: population} from a CSV (comma or semicolon, UTF-8 with or without BOM)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            delimiter = ";" if sample.split("\n", 1)[0].count(";") else ","
            reader = csv.DictReader(handle, delimiter=delimiter)
            missing = {code_field, population_field} - set(reader.fieldnames or [])
            if missing:
                raise click.ClickException(
                    f"{path}: the header needs the columns {code_field!r} and "
                    f"{population_field!r} (missing: {', '.join(sorted(missing))})"
                )
            return _population_values(path, reader, code_field, population_field)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise click.ClickException(f"{path}: not a readable UTF-8 CSV file: {exc}") from None


def _population_values(
    path: str, reader: csv.DictReader[str], code_field: str, population_field: str
) -> dict[str, int]:
    """Validate each row: a code once, a whole number of residents."""
    values: dict[str, int] = {}
    for row in reader:
        where = f"{path}: line {reader.line_num}"
        code = (row.get(code_field) or "").strip()
        raw = (row.get(population_field) or "").strip()
        if not code:
            raise click.ClickException(f"{where}: no district code")
        if code in values:
            raise click.ClickException(f"{where}: district {code} appears twice")
        if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
            raise click.ClickException(
                f"{where}: population {raw[:40]!r} of district {code} is not a whole number"
            )
        values[code] = int(raw)
    if not values:
        raise click.ClickException(f"{path}: no rows")
    return values


@districts_cli.command("population")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--code-field", default="code", show_default=True)
@click.option("--population-field", default="population", show_default=True)
@with_appcontext
def load_population(path: str, code_field: str, population_field: str) -> None:
    """Set the population of districts from a CSV with a code and a population per row.

    All or nothing: an unknown code or a bad number leaves every population as it was.
    Districts the file does not name keep theirs. Comma or semicolon separated.
    """
    values = _read_population_rows(path, code_field, population_field)
    session = get_session()
    known = set(session.execute(select(District.code)).scalars())
    unknown = sorted(set(values) - known)
    if unknown:
        raise click.ClickException(
            f"{path}: no district has the code {unknown[0]!r}"
            + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else "")
        )
    for code, population in values.items():
        session.execute(update(District).where(District.code == code).values(population=population))
    session.commit()
    click.echo(f"Set the population of {len(values)} districts from {path}.")
