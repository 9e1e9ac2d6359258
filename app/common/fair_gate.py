"""A first-come, first-served limit on how many callers run a section at once."""

from __future__ import annotations

import threading
from collections import deque


class FairGate:
    """At most `size` callers inside at once; the others go in in the order they came.

    A place that frees passes straight to the first waiter, never back to the pool, so a
    caller that comes later cannot take it first, as it can from `threading.Semaphore`. With
    gevent's patched threading, the map's views took their turns so unevenly behind a plain
    bounded pool (SQLAlchemy's, 2 or 3 connections) that their p95 was 70-97 ms, against
    51-74 ms with no limit at all (bench.http's cold views, 3 rounds in turn).
    Works with threads and with greenlets.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a gate needs at least one place")
        self.size = size
        self._free = size
        self._lock = threading.Lock()
        self._waiting: deque[threading.Event] = deque()

    def enter(self, timeout: float) -> bool:
        """Take a place, waiting at most `timeout` seconds; False when none came in time.

        Whoever enters must `leave`. A caller interrupted while it waits (a greenlet killed
        on a worker's shutdown) takes its turn out of the line, or passes on a place it was
        handed just then, so no place is lost.
        """
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        try:
            if turn.wait(timeout):
                return True
        except BaseException:
            if not self._give_up(turn):
                self.leave()  # handed a place just as it was interrupted: pass it on
            raise
        return not self._give_up(turn)

    def leave(self) -> None:
        """Give the place back: to the first waiter, or free."""
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self._free += 1

    def _give_up(self, turn: threading.Event) -> bool:
        """Take `turn` out of the line; False when it was handed a place first (then kept)."""
        with self._lock:
            if not turn.is_set():
                self._waiting.remove(turn)
                return True
        return False

    @property
    def waiting(self) -> int:
        """How many callers wait for a place now."""
        return len(self._waiting)
