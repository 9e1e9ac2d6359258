"""Upkeep that runs beside the requests in every app process: folding the map's delta log.

Each process runs a daemon thread, started with its first request (so after gunicorn forks);
the fold itself takes an advisory lock, so the processes take turns and no state lives in any
of them. Off when MAP_FOLD_INTERVAL_S is 0 (tests fold explicitly).
"""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask

from app.db import new_session
from app.ideas.counts import FOLD_BATCH, fold_map_log

log = logging.getLogger(__name__)

# A batch that failed (past the statement timeout: the cells cold on disk, a machine busy with
# imports) would fail again whole, and the log would only grow: the next tries take a quarter
# as many, down to this, and twice as many again after each fold that succeeds. In one run of
# bench.http a fold of 10,000 imported pins outlasted the timeout and none of 171,500 was
# folded until the imports stopped.
SMALLEST_FOLD_BATCH = 500


class MapFolder:
    """Folds the map's delta log every `interval` seconds in a thread of this process."""

    def __init__(self, app: Flask, interval: float) -> None:
        self.app = app
        self.interval = interval
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self.batch = FOLD_BATCH

    def ensure_running(self) -> None:
        """Start the thread once per process (a forked worker starts its own)."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="map-folder", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """End the thread and wait for its current round (an app torn down in tests)."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                self.fold_once()
            except Exception:  # the next round tries again; the log keeps every change
                log.exception("folding the map log failed")

    def fold_once(self) -> int:
        """One fold, in a session of its own, in batches of `self.batch` deltas."""
        with self.app.app_context():
            session = new_session()
            try:
                moved = fold_map_log(session, batch=self.batch)
            except Exception:
                self.batch = max(self.batch // 4, SMALLEST_FOLD_BATCH)
                raise
            finally:
                session.close()
        self.batch = min(self.batch * 2, FOLD_BATCH)
        return moved


def register_upkeep(app: Flask) -> None:
    """Start the map folder with this process's first request, when an interval is set."""
    interval = float(app.config["MAP_FOLD_INTERVAL_S"])
    if interval <= 0:
        return
    folder = MapFolder(app, interval)
    app.extensions["map_folder"] = folder
    app.before_request(folder.ensure_running)
