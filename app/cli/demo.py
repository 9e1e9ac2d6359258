"""`flask demo`: demo data for trying the app out."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.db import get_session, lift_statement_timeout
from app.demo import add_demo_pins
from app.ideas.map_view import fold_map_log


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
    lift_statement_timeout(session)
    added = add_demo_pins(session, count, seed=seed)
    session.commit()
    lift_statement_timeout(session)
    fold_map_log(session)  # a million new pins in the log would slow every view until folded
    click.echo(f"Added {added} demo pins.")
