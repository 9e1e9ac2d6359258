"""Group commit: who runs a batch, what it holds, and how one bad item fails alone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import pytest

from app.common.group_commit import BatchAbandoned, GroupCommit
from tests.common.under_gevent import assert_script_prints_ok


class Recorder:
    """A batch runner that records its batches; the first waits for `gate` when given one."""

    def __init__(self, gate: threading.Event | None = None, fail_on: object = None) -> None:
        self.batches: list[list[object]] = []
        self.gate, self.fail_on = gate, fail_on

    def __call__(self, items: Sequence[object]) -> list[str]:
        self.batches.append(list(items))
        if self.gate is not None and len(self.batches) == 1:
            assert self.gate.wait(10)
        if self.fail_on in items:
            raise ValueError(f"cannot store {self.fail_on}")
        return [f"stored {item}" for item in items]


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def submit_all(
    batches: GroupCommit[object, str], items: Sequence[object]
) -> tuple[list[threading.Thread], dict[object, object]]:
    """Submit each item from a thread of its own; outcomes (or errors) by item."""
    outcomes: dict[object, object] = {}

    def submit(item: object) -> None:
        try:
            outcomes[item] = batches.submit(item)
        except BaseException as error:  # noqa: BLE001  (the test looks at what each caller got)
            outcomes[item] = error

    threads = [threading.Thread(target=submit, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    return threads, outcomes


def first_then_others(
    batches: GroupCommit[object, str], run: Recorder, others: Sequence[object]
) -> tuple[dict[object, object], dict[object, object]]:
    """Submit "first", hold its batch at `run`'s gate, submit `others` meanwhile, release.

    The outcomes of "first", and of the others by item.
    """
    assert run.gate is not None
    first, first_outcome = submit_all(batches, ["first"])
    wait_until(lambda: len(run.batches) == 1)
    threads, outcomes = submit_all(batches, others)
    wait_until(lambda: batches.waiting == len(others))
    run.gate.set()
    for thread in first + threads:
        thread.join(10)
    return first_outcome, outcomes


def test_a_caller_alone_runs_its_own_batch_at_once():
    run = Recorder()
    batches = GroupCommit(run, max_batch=8)
    assert batches.submit("a") == "stored a"
    assert batches.submit("b") == "stored b"
    assert run.batches == [["a"], ["b"]]
    assert batches.waiting == 0


def test_callers_arriving_during_a_batch_are_stored_together_each_with_its_own_outcome():
    run = Recorder(threading.Event())
    batches = GroupCommit(run, max_batch=8)
    first_outcome, outcomes = first_then_others(batches, run, list(range(5)))
    assert run.batches[0] == ["first"]
    assert sorted(run.batches[1]) == [0, 1, 2, 3, 4]  # all that waited, in one batch
    assert first_outcome == {"first": "stored first"}
    assert outcomes == {n: f"stored {n}" for n in range(5)}


def test_a_batch_holds_at_most_max_batch_items():
    run = Recorder(threading.Event())
    batches = GroupCommit(run, max_batch=3)
    _, outcomes = first_then_others(batches, run, list(range(7)))
    assert [len(batch) for batch in run.batches] == [1, 3, 3, 1]
    assert outcomes == {n: f"stored {n}" for n in range(7)}


def test_when_a_batch_fails_each_item_is_run_alone_and_only_the_bad_one_fails():
    run = Recorder(threading.Event(), fail_on=2)
    batches = GroupCommit(run, max_batch=8)
    _, outcomes = first_then_others(batches, run, list(range(4)))
    assert sorted(run.batches[1]) == [0, 1, 2, 3]
    assert sorted(tuple(batch) for batch in run.batches[2:]) == [(0,), (1,), (2,), (3,)]
    error = outcomes.pop(2)
    assert isinstance(error, ValueError) and str(error) == "cannot store 2"
    assert outcomes == {0: "stored 0", 1: "stored 1", 3: "stored 3"}


def test_an_error_not_worth_retrying_alone_reaches_every_item_of_the_batch():
    run = Recorder(threading.Event(), fail_on=2)
    batches = GroupCommit(run, max_batch=8, retry_alone=lambda error: False)
    _, outcomes = first_then_others(batches, run, list(range(4)))
    assert len(run.batches) == 2  # no retries
    assert all(str(error) == "cannot store 2" for error in outcomes.values())
    assert sorted(outcomes) == [0, 1, 2, 3]


def test_a_caller_alone_gets_its_own_error():
    batches = GroupCommit(Recorder(fail_on="bad"), max_batch=8)
    with pytest.raises(ValueError, match="cannot store bad"):
        batches.submit("bad")
    assert batches.submit("good") == "stored good"  # the lead was passed on


def test_a_leader_stopped_mid_batch_leaves_no_one_waiting_and_the_next_batch_runs():
    """A greenlet killed while it runs a batch: the others in it get an error, not a hang."""
    gate, entered = threading.Event(), threading.Event()

    class Stopped(BaseException):
        pass

    def run(items: Sequence[object]) -> list[str]:
        if items == ["first"]:
            entered.set()
            assert gate.wait(10)
            raise Stopped
        return [f"stored {item}" for item in items]

    batches = GroupCommit(run, max_batch=8)
    first, first_outcome = submit_all(batches, ["first"])
    assert entered.wait(10)
    others, outcomes = submit_all(batches, ["a", "b"])
    wait_until(lambda: batches.waiting == 2)
    gate.set()
    for thread in first + others:
        thread.join(10)
    assert isinstance(first_outcome["first"], Stopped)
    assert outcomes == {"a": "stored a", "b": "stored b"}
    assert batches.submit("c") == "stored c"


def test_a_leader_stopped_with_followers_in_its_batch_settles_them_with_an_error():
    gate = threading.Event()
    calls: list[list[object]] = []

    class Stopped(BaseException):
        pass

    def run(items: Sequence[object]) -> list[str]:
        calls.append(list(items))
        if len(calls) == 1:
            assert gate.wait(10)
            return ["stored first"]
        if len(calls) == 2:
            raise Stopped  # the second batch's leader is stopped, its followers must not hang
        return [f"stored {item}" for item in items]

    batches = GroupCommit(run, max_batch=8)
    first, _ = submit_all(batches, ["first"])
    wait_until(lambda: len(calls) == 1)
    others, outcomes = submit_all(batches, ["a", "b", "c"])
    wait_until(lambda: batches.waiting == 3)
    gate.set()
    for thread in first + others:
        thread.join(10)
    assert all(not thread.is_alive() for thread in first + others)
    leader = calls[1][0]
    assert isinstance(outcomes.pop(leader), Stopped)
    assert all(isinstance(error, BatchAbandoned) for error in outcomes.values())
    assert batches.submit("d") == "stored d"


def test_max_batch_must_be_positive():
    with pytest.raises(ValueError, match="max_batch must be at least 1"):
        GroupCommit(Recorder(), max_batch=0)


# Under gunicorn's gevent workers a caller's greenlet can be killed while it waits (a worker
# shutting down). Run with gevent's monkey-patching, as the workers are, in a process of its own.
KILLED_WHILE_WAITING = """
from gevent import monkey

monkey.patch_all()

import gevent
import gevent.event

from app.common.group_commit import GroupCommit

gate, calls, waiting = gevent.event.Event(), [], {}


def run(items):
    calls.append(list(items))
    if len(calls) == 1:
        gate.wait()
        waiting["x"].kill(block=False)  # killed as the lead is about to pass to it
    return [f"stored {item}" for item in items]


batches = GroupCommit(run, 8)
first = gevent.spawn(batches.submit, "first")
gevent.sleep(0)
waiting["gone"] = gevent.spawn(batches.submit, "gone")
waiting["x"] = gevent.spawn(batches.submit, "x")
waiting["y"] = gevent.spawn(batches.submit, "y")
gevent.sleep(0)
assert batches.waiting == 3, batches.waiting
waiting["gone"].kill()  # killed while it waited: taken back, never stored
assert batches.waiting == 2, batches.waiting
gate.set()
assert first.get(timeout=5) == "stored first"
assert waiting["y"].get(timeout=5) == "stored y"
assert gevent.spawn(batches.submit, "later").get(timeout=5) == "stored later"
assert calls == [["first"], ["y"], ["later"]], calls
print("ok")
"""


def test_callers_killed_while_they_wait_neither_block_nor_get_stored():
    assert_script_prints_ok(KILLED_WHILE_WAITING)


def test_a_run_that_answers_the_wrong_number_of_outcomes_fails_its_callers_not_others():
    answers = iter([["one", "two"], ["stored b"]])
    batches = GroupCommit(lambda items: next(answers), max_batch=8)
    with pytest.raises(RuntimeError, match="2 outcomes for a batch of 1"):
        batches.submit("a")
    assert batches.submit("b") == "stored b"
