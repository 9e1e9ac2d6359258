"""How many writes each process handles at once, so that the map's views never queue behind them.

A gevent worker runs every ready request in turn. With 16 writers sending pins and 4 citizens
reading the map, a view waited behind up to eight writes in its worker (their CSRF check,
validation, insert and answer), and PostgreSQL shared the cores among all of their backends.
Six writes at a time a process, the others waiting their turn in order, leave the views room.
Writes beside reads on 1.45M population pins (16 writers, 4 readers, 15 s a round, taking
turns; bench/README.md), the readers' p95 and pins a second:
- every write at once (7 rounds): 39.5-63.9 ms, 426-614 pins;
- eight at a time (2): 55.9 and 61.7 ms, 495 and 518 pins: no limit, with 8 writers a worker;
- six (2): 42.9 and 44.2 ms, 405 and 476 pins;
- four (7): 33.2-44.9 ms, but 300-384 pins, and writes alone lost about a sixth.
The readers read more, so fewer pins go in. Writes alone: 809-1,262 pins a second at once (6
rounds), 960 and 1,129 six at a time, 604-1,016 four at a time.

A write takes its turn once its body has arrived: a client that sends its body slowly must not
hold a place while others wait. Reads (GET, HEAD, OPTIONS) never wait here.
"""

from __future__ import annotations

from flask import Flask, current_app, request

from app.common.errors import Busy
from app.common.fair_gate import FairGate
from geo.i18n import N_

EXTENSION = "umecom_write_turns"
_HOLDS_A_TURN = "umecom.write_turn"  # in the WSGI environ: set once entered, taken when left
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def init_app(app: Flask) -> None:
    """Give the app its gate of writes (one per app and process), taken after CSRF and limits.

    Registered after the CSRF and rate-limit hooks, so a refused write never takes a turn.
    """
    app.extensions[EXTENSION] = FairGate(int(app.config["WRITES_AT_ONCE"]))
    app.before_request(take_a_write_turn)
    app.teardown_request(leave_the_write_turn)


def take_a_write_turn() -> None:
    """Let a write go on once its turn comes; Busy after WRITE_WAIT_S."""
    if request.method not in WRITE_METHODS:
        return
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
