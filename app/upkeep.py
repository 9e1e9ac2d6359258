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
from app.ideas.counts import fold_map_log
from app.ideas.fold_pace import FoldPace

log = logging.getLogger(__name__)


class MapFolder:
    """Folds the map's delta log every `interval` seconds in a thread of this process."""

    def __init__(self, app: Flask, interval: float) -> None:
        self.app = app
        self.interval = interval
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self.pace = FoldPace.within(int(app.config["DB_STATEMENT_TIMEOUT_MS"]))

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
        """One fold, in a session of its own, in batches sized by `self.pace`."""
        with self.app.app_context():
            session = new_session()
            try:
                return fold_map_log(session, pace=self.pace)
            except Exception:
                self.pace.failed()
                raise
            finally:
                session.close()


def register_upkeep(app: Flask) -> None:
    """Start the map folder with this process's first request, when an interval is set."""
    interval = float(app.config["MAP_FOLD_INTERVAL_S"])
    if interval <= 0:
        return
    folder = MapFolder(app, interval)
    app.extensions["map_folder"] = folder
    app.before_request(folder.ensure_running)
