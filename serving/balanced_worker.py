"""A gevent worker that takes new connections only while it holds no more than the others.

Every worker accepts from one shared socket, and a browser keeps its connection (keep-alive),
so a burst of new clients lands wherever the first worker to wake up takes it. Each worker
computes two map views at once (app.map_gates), so a worker holding more clients makes each of
them wait longer. In 5 of 8 rounds of bench.http's cold views (10 s each, 1M pins by
population), one worker held 11 or 12 of the 16 clients, and p95 was 50.3-60.5 ms, against
37.6-47.8 ms in the rounds split 8/8 or 9/7. With this worker the split was 8/8 in every round.

The open connections of each worker are counted in shared memory, made by the master before it
forks. A worker that holds more than another leaves a waiting connection to the others for a
moment, and takes it all the same after MOST_DEFERRED_S (a worker stuck or shutting down).

Each connection's socket also has a timeout (WEB_CLIENT_TIMEOUT_S): a client that takes no
bytes of its answer, or sends no bytes of its body, for that long is let go. gunicorn's
gevent worker waits for ever otherwise, and an export whose reader stopped kept its statement
running until the client hung up, with its snapshot and its locks (a migration or a TRUNCATE
waited behind them): PostgreSQL holds back a cancel, its statement timeout's included, while
a statement is blocked writing its rows.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from typing import Any

from gevent.server import StreamServer
from gunicorn.workers import base_async, ggevent

SLOTS = 64  # workers at once on one machine, at most

# Made at import, in gunicorn's master (it loads the worker class before it forks).
_pids = multiprocessing.RawArray("i", SLOTS)
_open = multiprocessing.RawArray("i", SLOTS)
_claiming = multiprocessing.Lock()

DEFERRED_S = 0.002  # how long a worker ahead of the others leaves a connection to them
CLAIM_WAIT_S = 5.0  # how long a new worker waits for another's claim of a slot


def seconds_setting(name: str, default: str) -> float:
    """A setting of seconds from the environment: positive and finite."""
    value = float(os.environ.get(name, default))
    if not 0 < value < math.inf:
        raise ValueError(f"{name} must be a positive number of seconds: {value}")
    return value


# A phone on a weak link still takes some bytes of a 2,000-pin chunk within a minute. (0 would
# make every socket non-blocking.)
CLIENT_TIMEOUT_S = seconds_setting("WEB_CLIENT_TIMEOUT_S", "60")
# How long in all a worker ahead of the others leaves a waiting connection to them before it
# takes it itself. On a machine so busy that the other worker gets no core for that long, the
# worker ahead takes it: beside a bench.http loop (load 5-10 on 2 cores), a burst of 16 was
# split 10/6 in 1 of 8 runs of tests/serving/test_balanced_worker.py at 0.1 s, never in 18 at 2 s.
MOST_DEFERRED_S = seconds_setting("WEB_BALANCE_WAIT_S", "0.1")


def claim_slot(pid: int) -> int:
    """A free slot for this worker to count its open connections in.

    Workers forked at once take turns; a worker killed while it claimed would leave the lock
    held, so after a while the claim goes on without it.
    """
    locked = _claiming.acquire(timeout=CLAIM_WAIT_S)
    try:
        for slot in range(SLOTS):
            if _pids[slot] == 0:
                _open[slot] = 0
                _pids[slot] = pid
                return slot
    finally:
        if locked:
            _claiming.release()
    raise RuntimeError(f"more than {SLOTS} gunicorn workers")


def release_slot(pid: int) -> None:
    """Free an exited worker's slot (gunicorn's child_exit hook, in the master).

    No lock: the master must never wait on its workers, and a claim takes only free slots.
    """
    for slot in range(SLOTS):
        if _pids[slot] == pid:
            _open[slot] = 0
            _pids[slot] = 0


def ahead_of_another(slot: int) -> bool:
    """Whether this worker holds more open connections than some other live worker."""
    mine = _open[slot]
    return any(_pids[other] and _open[other] < mine for other in range(SLOTS) if other != slot)


class BalancedStreamServer(StreamServer):
    """gevent's server, counting its connections and deferring while ahead of the others."""

    slot = -1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._episode_started = 0.0
        self._last_deferral = -1.0

    def _do_read(self) -> None:
        if self._defers_now():
            self.stop_accepting()  # the same pause gevent itself takes after an accept error
            self._timer = self.loop.timer(DEFERRED_S)
            self._timer.start(self._start_accepting_if_started)
            return
        super()._do_read()

    def _defers_now(self) -> bool:
        if not ahead_of_another(self.slot):
            return False
        now = time.monotonic()
        if now - self._last_deferral > 2 * DEFERRED_S:  # a new connection waits: a new episode
            self._episode_started = now
        self._last_deferral = now
        return now - self._episode_started < MOST_DEFERRED_S

    def do_handle(self, *args: Any) -> None:
        """Count a connection just accepted, then serve it."""
        _open[self.slot] += 1  # only this process writes its slot
        super().do_handle(*args)

    def do_close(self, *args: Any) -> None:
        """Count a connection closed (gevent calls this once for each it handled)."""
        _open[self.slot] -= 1
        super().do_close(*args)


class BalancedGeventWorker(ggevent.GeventWorker):
    """gunicorn's gevent worker, serving through BalancedStreamServer."""

    def init_process(self) -> None:
        """Claim a slot, then run as gunicorn's gevent worker does (forked, in the child)."""
        BalancedStreamServer.slot = claim_slot(os.getpid())
        # gunicorn's run() builds its server from the module's name StreamServer.
        ggevent.StreamServer = BalancedStreamServer
        super().init_process()

    def handle(self, listener: Any, client: Any, addr: Any) -> None:
        """Serve a connection with CLIENT_TIMEOUT_S on its socket.

        gunicorn's gevent worker only makes the socket blocking, without a timeout, before it
        serves it as its base class does.
        """
        client.settimeout(CLIENT_TIMEOUT_S)
        base_async.AsyncWorker.handle(self, listener, client, addr)

    def handle_request(self, listener_name: Any, req: Any, sock: Any, addr: Any) -> bool:
        """Serve one request; a client past CLIENT_TIMEOUT_S ends its connection.

        gunicorn has closed the response's body (the app's stream, and its statement) by then;
        what is left is to close the connection with a line in the log, not a traceback.
        """
        try:
            return bool(super().handle_request(listener_name, req, sock, addr))
        except TimeoutError:
            self.log.info("Closed a client that took nothing for %s s: %s", CLIENT_TIMEOUT_S, addr)
            raise StopIteration from None
