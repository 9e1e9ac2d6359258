"""Live fan-out: ONE listening connection per app process, waking that process's streams.

A writer's transaction ends with `NOTIFY umecom_workshop_events, '<workshop id>'`
(app/workshops/events.py). Each process keeps one PostgreSQL connection that LISTENs on that
channel in a background thread (a greenlet under gunicorn's gevent workers) and wakes the
local streams of that workshop; each stream then reads the new rows itself. A notification
only says "look": a stream that misses one (the listener reconnecting) still reads everything
at its next wake, and every stream also looks at each heartbeat. So delivery never depends on
NOTIFY, only its speed does, and changes reach every process and every machine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable

import psycopg
from flask import Flask
from sqlalchemy.engine import make_url

from app.workshops.events import CHANNEL

log = logging.getLogger(__name__)
LISTEN_APPLICATION_NAME = "umecom-listen"


class Subscription:
    """One stream's doorbell: rung when its workshop has news."""

    def __init__(self, workshop_id: int) -> None:
        self.workshop_id = workshop_id
        self._news = threading.Event()

    def ring(self) -> None:
        """There may be new events."""
        self._news.set()

    def wait(self, timeout: float) -> bool:
        """Wait until rung or `timeout` seconds; whether it was rung. Clears the bell.

        A ring that comes after this returns is kept for the next wait; one that comes between
        the return and the clear is for rows the caller reads next anyway (NOTIFY is sent
        after the commit).
        """
        rung = self._news.wait(timeout)
        self._news.clear()
        return rung


class Hub:
    """The process's listener and its local subscribers, by workshop."""

    def __init__(
        self,
        conninfo: str,
        *,
        tick_seconds: float,
        idle_seconds: float,
        on_tick: Callable[[str], None] | None = None,
    ) -> None:
        self._conninfo = conninfo
        self._tick = tick_seconds
        self._idle = idle_seconds
        self._on_tick = on_tick
        self._reset()

    def _reset(self) -> None:
        """Fresh state (also in a forked child, whose parent's thread did not come along)."""
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._subscribers: dict[int, set[Subscription]] = {}
        self._thread: threading.Thread | None = None
        self._listening = threading.Event()
        self._stop = threading.Event()
        # Names this process's presence rows, refreshed on every tick.
        self.process_id = uuid.uuid4().hex

    @property
    def subscriber_count(self) -> int:
        """How many streams of this process are open."""
        with self._lock:
            return sum(len(group) for group in self._subscribers.values())

    @property
    def listening(self) -> bool:
        """Whether the LISTEN connection is up."""
        return self._listening.is_set()

    def subscribe(self, workshop_id: int, *, ready_timeout: float = 5.0) -> Subscription:
        """Register a stream; returns once the listener listens.

        After `ready_timeout` it returns anyway: the stream still sees everything, at its
        heartbeats.
        """
        if os.getpid() != self._pid:
            self._reset()
        subscription = Subscription(workshop_id)
        with self._lock:
            self._subscribers.setdefault(workshop_id, set()).add(subscription)
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._run, name="workshop-listener", daemon=True
                )
                self._thread.start()
        self._listening.wait(ready_timeout)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Forget a stream that ended."""
        with self._lock:
            local = self._subscribers.get(subscription.workshop_id)
            if local is not None:
                local.discard(subscription)
                if not local:
                    del self._subscribers[subscription.workshop_id]

    def stop(self) -> None:
        """End the listener (tests; a process that exits simply drops it).

        A notification wakes it at once: it waits for one for up to a heartbeat, and a test
        whose streams beat once a minute had waited out the rest of that minute here.
        """
        self._stop.set()
        thread = self._thread
        if thread is None:
            return
        with contextlib.suppress(psycopg.Error), psycopg.connect(self._conninfo) as conn:
            conn.execute(f"NOTIFY {CHANNEL}")  # no payload: no workshop is rung
        thread.join(timeout=self._tick + 5)

    def _ring(self, workshop_id: int | None) -> None:
        """Wake the local streams of one workshop, or of all (None)."""
        with self._lock:
            if workshop_id is None:
                subscriptions = [s for group in self._subscribers.values() for s in group]
            else:
                subscriptions = list(self._subscribers.get(workshop_id, ()))
        for subscription in subscriptions:
            subscription.ring()

    def _idle_done(self, idle_since: float | None) -> bool:
        """Stop listening after `idle_seconds` without streams (decided under the lock)."""
        with self._lock:
            if self._subscribers or idle_since is None:
                return False
            if time.monotonic() - idle_since < self._idle:
                return False
            self._thread = None
            return True

    def _run(self) -> None:
        """Listen, dispatch, tick; reconnect after a failure."""
        idle_since: float | None = None
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._conninfo, autocommit=True, application_name=LISTEN_APPLICATION_NAME
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    self._ring(None)  # whatever happened while this connection was down
                    while not self._stop.is_set():
                        for notify in conn.notifies(timeout=self._tick):
                            if self._stop.is_set():
                                break
                            if notify.payload.isdigit():
                                self._ring(int(notify.payload))
                        if self._on_tick is not None:
                            self._on_tick(self.process_id)
                        with self._lock:
                            busy = bool(self._subscribers)
                        idle_since = None if busy else (idle_since or time.monotonic())
                        if self._idle_done(idle_since):
                            return
            except Exception:  # the database went away: say so, wait, connect again
                log.exception("workshop listener lost its connection")
                self._stop.wait(1.0)
            finally:
                self._listening.clear()


def listener_conninfo(database_url: str) -> str:
    """A libpq URI for psycopg from the app's SQLAlchemy URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def init_app(app: Flask) -> None:
    """Give the app its hub; nothing connects until the first stream opens."""
    from app.workshops.presence import refresh

    sessions = app.extensions["db_sessionmaker"]

    def refresh_presence(process_id: str) -> None:
        with sessions() as session:
            refresh(session, process_id)

    app.extensions["workshop_hub"] = Hub(
        listener_conninfo(str(app.config["DATABASE_URL"])),
        tick_seconds=float(app.config["WORKSHOP_HEARTBEAT_SECONDS"]),
        idle_seconds=float(app.config["WORKSHOP_LISTENER_IDLE_SECONDS"]),
        on_tick=refresh_presence,
    )
