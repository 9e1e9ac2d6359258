"""`flask map`: upkeep of the citizen map's pyramid of cells."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.db import get_session, lift_statement_timeout
from app.ideas.counts import fold_map_log


@click.group("map")
def map_cli() -> None:
    """The citizen map's precomputed cells."""


@map_cli.command("fold")
@with_appcontext
def fold_command() -> None:
    """Fold the map's delta log into its cells now (the app does it every second)."""
    session = get_session()
    lift_statement_timeout(session)
    click.echo(f"Folded {fold_map_log(session)} map changes.")
