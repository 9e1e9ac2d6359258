"""Which requests read from the replica: public reads, unless the browser has just written.

A view marked `@public_read` (the citizens' GETs: pins, the map, layers, exports, OGC API,
the public pages) reads from DATABASE_READ_URL when one is set; every other view, every write
and everything staff see stay on the primary. The marker is on the view, not on URL patterns,
so a new route is on the primary until someone decides otherwise.

Read-your-writes: a request that changed something (POST, PUT, PATCH, DELETE answered below
400) gets a signed cookie with the time of the write, and for READ_YOUR_WRITES_S after it that
browser reads from the primary: its new pin, support or report shows at once, while everyone
else keeps reading the replica. Why a time window and not the replica's replay position
(`pg_last_wal_replay_lsn()` against `pg_current_wal_lsn()` taken at the write): the window
costs no query on either side, only one cookie on writes, whereas the LSN check costs a round
trip to the replica on every read of a browser that wrote; streaming replication on a LAN
replays within milliseconds (`pg_stat_replication.replay_lag`), so a few seconds covers it
with a wide margin. The cost of a lag beyond the window is a stale read for that browser, never
a lost write. docs/scaling.md says how to choose the window and watch the lag.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request
from werkzeug.wrappers import Response as WerkzeugResponse

from app.db import has_replica
from app.request import matched_view
from app.signed_cookies import SignedCookie

WROTE_COOKIE = "umecom_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A signed time is about 30 characters.
SIGNED_WROTE = SignedCookie(WROTE_COOKIE, salt="umecom-read-your-writes", max_length=100)

View = TypeVar("View", bound=Callable[..., object])


def public_read(view: View) -> View:
    """Mark a view as a public read: it may be answered from the read replica.

    Put it right under the route decorator. Only for views that never write and whose answer
    is the same for everyone (a browser's own state, such as "have I supported", is not).
    """
    view.public_read = True  # type: ignore[attr-defined]
    return view


def wrote_recently() -> bool:
    """Whether this browser's signed cookie says it wrote within READ_YOUR_WRITES_S."""
    written_ms = SIGNED_WROTE.read()
    if not isinstance(written_ms, int):
        return False
    window_ms = float(current_app.config["READ_YOUR_WRITES_S"]) * 1000
    return 0 <= time.time() * 1000 - written_ms <= window_ms


def _is_public_read() -> bool:
    """Whether the view answering this request is marked `@public_read`."""
    return bool(getattr(matched_view(), "public_read", False))


def routes_to_replica() -> bool:
    """Whether this request reads from the replica (asked by `app.db` once per request).

    A public read, from a browser that did not just write.
    """
    return request.method in SAFE_METHODS and _is_public_read() and not wrote_recently()


def remember_write(response: WerkzeugResponse) -> WerkzeugResponse:
    """After a write that succeeded: the browser's next reads go to the primary for a while."""
    if request.method not in SAFE_METHODS and response.status_code < 400:
        window = float(current_app.config["READ_YOUR_WRITES_S"])
        SIGNED_WROTE.write(response, int(time.time() * 1000), max_age=max(1, int(window + 1)))
    return response


def init_app(app: Flask) -> None:
    """Route public reads to the replica, when the app has one (else nothing changes)."""
    if not has_replica(app):
        return
    app.extensions["db_read_router"] = routes_to_replica
    app.after_request(remember_write)
