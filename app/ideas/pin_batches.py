"""Citizens' new pins, stored together with those that other requests of the process send.

A pin's statements cost the same for one pin as for several (see app.common.group_commit),
so the pins that concurrent requests submit while a batch runs are stored by the next one:
one insert, which commits them and answers their Features. Each request still
validates its own pin first and answers with its own Feature, once it is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy.exc import OperationalError

from app.common.group_commit import GroupCommit
from app.db import autocommit_connection
from app.ideas.create import FROM_THE_WEB, NewIdea, store_ideas_committed

# At most this many pins a batch. `store_new_pins` in process, when it ran on a session (before
# app.db.autocommit_connection), ms a batch (and a pin): 1 pin 1.9-2.2, 4 pins 2.5-3.0
# (0.6-0.8), 16 pins 4.3-5.7 (0.3), 64 pins 12.0-12.7 (0.2). 16 clients over two workers made
# batches of 4.3 pins on average (bench.http's writes: 5,000 pins, 1,163 transactions), so the
# bound only caps a burst's wait.
MAX_BATCH = 64
EXTENSION = "umecom_pin_batches"


@dataclass(frozen=True)
class CreatedPin:
    """A stored pin: its id, and its public Feature text, or None when it is held."""

    id: int
    feature: str | None


def init_app(app: Flask) -> None:
    """Give the app its batches of new pins (one per app and process)."""
    app.extensions[EXTENSION] = GroupCommit(store_new_pins, MAX_BATCH, worth_retrying_alone)


def create_pin(new: NewIdea) -> CreatedPin:
    """Store a validated pin from the web, in the next batch; committed when this returns."""
    batches: GroupCommit[NewIdea, CreatedPin] = current_app.extensions[EXTENSION]
    return batches.submit(new)


def worth_retrying_alone(error: Exception) -> bool:
    """Whether a failed batch's pins might be stored one by one.

    Not when the database is unreachable: each would wait for its own connection to fail,
    then answer 503 anyway.
    """
    return not isinstance(error, OperationalError)


def store_new_pins(pins: Sequence[NewIdea]) -> list[CreatedPin]:
    """Store pins from the web in one statement, which commits: each with its Feature unless held.

    app.ideas.create.store_ideas_committed stores them and builds their Features.
    """
    with autocommit_connection() as connection:
        stored = store_ideas_committed(connection, [(pin, FROM_THE_WEB) for pin in pins])
    return [CreatedPin(idea_id, stored.features.get(idea_id)) for idea_id in stored.ids]
