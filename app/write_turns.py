"""How many writes each process handles at once, so that map views queue behind fewer of them.

A gevent worker runs every ready request in turn. With 16 writers sending pins and 4 citizens
reading the map, a view waited behind up to eight writes in its worker (their CSRF check,
validation, insert and answer), and PostgreSQL shared the cores among all of their backends.
Six writes at a time a process, the others waiting their turn in order, leave the views room.
bench.http's writes beside reads (16 writers, 4 readers) on 2.05M-4.6M population pins, one
full run after another in turn (bench/README.md), the readers' p95 / pins a second beside them
/ pins a second alone:
- every write at once (4 runs): 77.8-89.2 ms / 371-463 / 1,105-1,183;
- six at a time (5 runs): 63.5-94.3 ms, median 73.2 / 345-494 / 903-1,300;
- four (4 runs): 55.2-73.7 ms / 301-371 / 623-1,149: the readers read more, fewer pins go in.

A write takes its turn once its body has arrived: a client that sends its body slowly must not
hold a place while others wait. Reads (GET, HEAD, OPTIONS) never wait here.

A view limited by `limited` (app/ratelimit.py: new pins, supports, reports, workshops) takes
its turn only once its limits have let it through (`after_its_limits`); the sign-in form, whose
limits count failures after the answer, takes it in the hook as any write. Flask-Limiter
counts a view's limits in its decorators, after every hook, and those counters are round trips
to PostgreSQL. Taken in the hook, a new pin held its turn through them, and a refused one took
a turn to be refused. With the limits on, 16 writers beside 4 readers (bench.http's 4b, 15 s,
in turns): 173 and 190 pins a second against 132 and 149, the readers' p95 alike (70.7 and
67.8 ms against 71.1 and 67.1).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request

from app.common.errors import Busy
from app.common.fair_gate import FairGate
from app.request import matched_view
from geo.i18n import N_

EXTENSION = "umecom_write_turns"
_HOLDS_A_TURN = "umecom.write_turn"  # in the WSGI environ: set once entered, taken when left
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_AFTER_LIMITS = "umecom_write_turn_after_limits"  # on a view that takes its turn itself

F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    """Give the app its gate of writes (one per app and process), taken after CSRF and limits.

    Registered after the CSRF and rate-limit hooks, so a refused write never takes a turn.
    """
    app.extensions[EXTENSION] = FairGate(int(app.config["WRITES_AT_ONCE"]))
    app.before_request(take_a_write_turn)
    app.teardown_request(leave_the_write_turn)


def take_a_write_turn() -> None:
    """Let a write go on once its turn comes; Busy after WRITE_WAIT_S.

    A view that takes its turn after its rate limits (`after_its_limits`) is left to do so.
    """
    if request.method not in WRITE_METHODS:
        return
    if not getattr(matched_view(), _AFTER_LIMITS, False):
        _wait_for_a_turn()


def after_its_limits(view: F) -> F:
    """`view` taking its write turn itself, as the innermost decorator under its rate limits.

    Flask-Limiter counts a view's limits before it calls what it decorates, so the turn is
    taken once they have let the request through; the hook then leaves the request alone.
    """

    @functools.wraps(view)
    def in_its_turn(*args: Any, **kwargs: Any) -> Any:
        if request.method in WRITE_METHODS:
            _wait_for_a_turn()
        return view(*args, **kwargs)

    setattr(in_its_turn, _AFTER_LIMITS, True)
    return in_its_turn  # type: ignore[return-value]


def _wait_for_a_turn() -> None:
    """Wait for a place in this process's gate of writes; Busy after WRITE_WAIT_S."""
    request.get_data(cache=True)  # the whole body first (at most its limit, or a 413)
    gate: FairGate = current_app.extensions[EXTENSION]
    if not gate.enter(float(current_app.config["WRITE_WAIT_S"])):
        raise Busy(N_("Many changes are being saved just now. Please try again."))
    request.environ[_HOLDS_A_TURN] = True


def leave_the_write_turn(_error: BaseException | None) -> None:
    """Give the turn to the next write, once: a streamed answer tears its context down again."""
    if request.environ.pop(_HOLDS_A_TURN, False):
        gate: FairGate = current_app.extensions[EXTENSION]
        gate.leave()
