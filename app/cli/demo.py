"""`flask demo`: demo data for trying the app out."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.db import get_session, lift_statement_timeout
from app.demo import SPREADS, add_demo_pins, add_population_pins, analyze_pins, read_localities
from app.ideas.counts import fold_map_log


@click.group("demo")
def demo_cli() -> None:
    """Demo data for trying the app out."""


@demo_cli.command("pins")
@click.argument("count", type=click.IntRange(1, 1_000_000))
@click.option("--seed", type=int, default=2480, show_default=True)
@click.option(
    "--spread",
    type=click.Choice(SPREADS),
    default="uniform",
    show_default=True,
    help="uniform over the municipality, or by the localities' population (PLACES_FILE).",
)
@with_appcontext
def demo_pins(count: int, seed: int, spread: str) -> None:
    """Add COUNT published demo pins at random places in Umeå (source: import)."""
    session = get_session()
    lift_statement_timeout(session)
    if spread == "population":
        localities = read_localities(Path(current_app.config["PLACES_FILE"]))
        added = add_population_pins(session, count, localities, seed=seed)
    else:
        added = add_demo_pins(session, count, seed=seed)
    session.commit()
    analyze_pins(session)
    session.commit()
    fold_map_log(session)  # a million new pins in the log would slow every view until folded
    click.echo(f"Added {added} demo pins.")
