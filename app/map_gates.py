"""How many map views each process computes at once, in the order they were asked for.

A view is a few milliseconds of CPU, in PostgreSQL and in the worker. Let every request of a
gevent worker run its statement at once and the machine's two cores are shared by as many
backends as there are requests, each view stretched by all the others. In turn, two at a time
a process, a view waits for those before it and then runs alone. bench.http's cold views on
2.4M pins, 16 clients, 5 rounds of 10 s each way, taking turns: 336-489 views a second at once
(p95 64-106 ms) against 415-609 two at a time (p95 45-59 ms); one at a time or three gave no
better (bench/README.md).

Views counted straight from the pins (filters the pyramid does not keep: dates, districts,
ids) take seconds at a million pins, 3.3 s for the whole municipality `since` a date. They
have a gate of their own, so they wait for each other, never the citizens' map.

The planners' DBSCAN over many pins runs in a child process (geo/cluster_work.py) that takes
both cores and, at a million pins, ~470 MB: one at a time per process, by its own gate.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from flask import Flask, current_app

from app.common.errors import Busy
from app.common.fair_gate import FairGate
from geo.i18n import N_

EXTENSION = "umecom_map_gates"


@dataclass(frozen=True)
class MapGates:
    """The process's gates: views read from the pyramid, and views counted straight."""

    kept: FairGate
    straight: FairGate
    wait_s: float
    cluster_jobs: FairGate
    cluster_wait_s: float


def init_app(app: Flask) -> None:
    """Give the app its gates (one set per app and process), sized by its config."""
    app.extensions[EXTENSION] = MapGates(
        kept=FairGate(int(app.config["MAP_VIEWS_AT_ONCE"])),
        straight=FairGate(int(app.config["MAP_STRAIGHT_VIEWS_AT_ONCE"])),
        wait_s=float(app.config["MAP_VIEW_WAIT_S"]),
        cluster_jobs=FairGate(int(app.config["CLUSTER_JOBS_AT_ONCE"])),
        cluster_wait_s=float(app.config["CLUSTER_JOB_WAIT_S"]),
    )


@contextmanager
def _turn(gate: FairGate, wait_s: float, busy: str) -> Iterator[None]:
    """Run the `with` block when `gate` lets it in; Busy with the message `busy` after `wait_s`."""
    if not gate.enter(wait_s):
        raise Busy(busy)
    try:
        yield
    finally:
        gate.leave()


def map_view_turn(*, straight: bool) -> AbstractContextManager[None]:
    """Compute a view in the `with` block when its turn comes; Busy after MAP_VIEW_WAIT_S."""
    held: MapGates = current_app.extensions[EXTENSION]
    return _turn(
        held.straight if straight else held.kept,
        held.wait_s,
        N_("The map has more views to draw than it can just now. Please try again."),
    )


def cluster_job_turn() -> AbstractContextManager[None]:
    """Run a DBSCAN child in the `with` block when its turn comes; Busy after the wait."""
    held: MapGates = current_app.extensions[EXTENSION]
    return _turn(
        held.cluster_jobs,
        held.cluster_wait_s,
        N_("Other clusters are being found just now. Please try again soon."),
    )
