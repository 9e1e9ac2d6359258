"""FairGate: at most `size` callers inside, the others let in the order they came."""

import threading
import time

import pytest

from app.common.fair_gate import FairGate
from tests.common.under_gevent import assert_script_prints_ok


def _line_up(gate: FairGate, count: int, entered: list[int]) -> list[threading.Thread]:
    """Start `count` callers one after another, each waiting in line before the next comes."""
    callers = []
    for n in range(count):

        def call(n: int = n) -> None:
            assert gate.enter(5)
            entered.append(n)
            gate.leave()

        caller = threading.Thread(target=call)
        caller.start()
        deadline = time.monotonic() + 5
        while gate.waiting < n + 1:
            assert time.monotonic() < deadline, "the caller never got in line"
            time.sleep(0.001)
        callers.append(caller)
    return callers


def test_callers_go_in_in_the_order_they_came():
    gate, entered = FairGate(1), []
    assert gate.enter(0)
    callers = _line_up(gate, 6, entered)
    gate.leave()
    for caller in callers:
        caller.join(5)
    assert entered == [0, 1, 2, 3, 4, 5]
    assert gate.waiting == 0


def test_no_more_than_size_are_inside_at_once():
    gate, inside, most, lock = FairGate(3), [0], [0], threading.Lock()

    def call() -> None:
        for _ in range(50):
            assert gate.enter(5)
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.0005)
            with lock:
                inside[0] -= 1
            gate.leave()

    callers = [threading.Thread(target=call) for _ in range(12)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(30)
    assert most[0] == 3
    assert inside[0] == 0


def test_a_freed_place_goes_to_the_first_in_line_not_to_a_caller_that_comes_later():
    gate, entered = FairGate(1), []
    assert gate.enter(0)
    (first,) = _line_up(gate, 1, entered)
    gate.leave()  # handed to the caller in line, whether or not it has run yet
    assert gate.enter(0) is False
    first.join(5)
    assert entered == [0]


def test_a_caller_that_waits_too_long_is_refused_and_leaves_the_line():
    gate = FairGate(1)
    assert gate.enter(0)
    started = time.monotonic()
    assert gate.enter(0.05) is False
    assert time.monotonic() - started >= 0.05
    assert gate.waiting == 0
    gate.leave()
    assert gate.enter(0)  # the place is free again, not handed to the one that gave up


def test_a_gate_needs_a_place():
    with pytest.raises(ValueError, match="at least one place"):
        FairGate(0)


# Under gunicorn's gevent workers a view's greenlet can be killed while it waits its turn (a
# worker shutting down). Run with gevent's monkey-patching, as the workers are.
KILLED_WHILE_WAITING = """
from gevent import monkey

monkey.patch_all()

import gevent

from app.common.fair_gate import FairGate

gate, entered = FairGate(1), []


def call(name):
    assert gate.enter(5)
    try:
        entered.append(name)
        gevent.sleep(0.01)
    finally:
        gate.leave()


assert gate.enter(0)
gone, handed, last = (gevent.spawn(call, name) for name in ("gone", "handed", "last"))
gevent.sleep(0)
assert gate.waiting == 3, gate.waiting
gone.kill()  # killed while it waited: out of the line
assert gate.waiting == 2, gate.waiting
handed.kill(block=False)  # killed, but still in line when ...
gate.leave()  # ... the place is handed to it: it passes the place on
last.get(timeout=5)
assert entered == ["last"], entered
assert gate.enter(0), "a place was lost"
print("ok")
"""


def test_callers_killed_while_they_wait_lose_no_place():
    assert_script_prints_ok(KILLED_WHILE_WAITING)
