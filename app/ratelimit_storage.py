"""A `limits` storage in the app's own PostgreSQL, so every worker and machine shares counters.

`limits` has no PostgreSQL backend; Redis or memcached would be a new service for `make run`.
Each counter is one row, upserted in autocommit on a connection of its own (`counter_connection`),
outside the request's transaction: a refused or failed request still counts.
Enabled with `RATELIMIT_STORAGE_URI=app-database://` (the default).

A limited request counts one hit per window of each of its limits (a new pin: its person's and
its address's, each per hour and per minute, four), then Flask-Limiter reads one of those
windows back for the X-RateLimit headers. Each hit used to be a checkout of the primary's pool,
its ping and SQLAlchemy's execution, and the headers two more: 6 checkouts and 6.2 statements a
pin. The hits now run as SQL compiled once, on the no-ping pool, and return their window's end
with its count, which the request keeps (`_counted`) for the headers.

Flask-Limiter asks for one hit at a time, and each was a round trip. A view's limits are known
before it is asked (app.ratelimit's `planned_hits`), so its first hit counts them all in one
statement, in the order Flask-Limiter counts them and stopping after the first one over its
limit as Flask-Limiter does; the other hits then answer from what that statement counted.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, cast

from flask import g, has_request_context
from limits.storage import Storage
from sqlalchemy import (
    CTE,
    CursorResult,
    Executable,
    Integer,
    String,
    bindparam,
    case,
    delete,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.dml import ReturningInsert

from app.common.times import seconds_from_now
from app.db import BUILT_ONCE, all_rows, counter_connection, execute_first
from app.models import RateLimitCounter

# Expired rows are reused by their key; now and then the rest are swept away.
SWEEP_CHANCE = 1 / 500


class Window(NamedTuple):
    """A counter's hits in its current window, and when that window ends (epoch seconds)."""

    hits: int
    ends: float


class PlannedHit(NamedTuple):
    """A hit a request's limits will ask for: its key, window (seconds) and limit."""

    key: str
    expiry: int
    limit: int


def _count_hit(n: int, before: CTE | None) -> ReturningInsert[tuple[int, float]]:
    """The upsert that counts `amount_<n>` hits on `key_<n>`, a window of `expiry_<n>` seconds.

    A window that has ended starts again: the row is reused, not deleted first. Its count and
    end come back together, which is all the request's headers need of it. After `before`, it
    counts only if that hit stayed within its limit (`limit_<n-1>`).
    """
    table = RateLimitCounter
    key = bindparam(f"key_{n}", type_=String)
    amount = bindparam(f"amount_{n}", type_=table.hits.type)
    expiry = bindparam(f"expiry_{n}", type_=Integer)
    window_end = seconds_from_now(expiry)
    ended = table.expires_at <= func.now()
    if before is None:
        new_row = insert(table).values(key=key, hits=amount, expires_at=window_end)
    else:
        let_through = before.c.hits <= bindparam(f"limit_{n - 1}", type_=table.hits.type)
        new_row = insert(table).from_select(
            ["key", "hits", "expires_at"], select(key, amount, window_end).where(let_through)
        )
    return new_row.on_conflict_do_update(
        index_elements=[table.key],
        set_={
            "hits": case((ended, amount), else_=table.hits + amount),
            "expires_at": case((ended, window_end), else_=table.expires_at),
        },
    ).returning(table.hits.label("hits"), func.extract("epoch", table.expires_at).label("ends"))


@functools.cache
def count_hits(size: int) -> Executable:
    """One statement that counts `size` hits in order, each while the ones before it held.

    Rows of (its place, hits, window end) for the hits counted. Each upsert reads the one
    before it from its RETURNING, so they run in order, and one over its limit ends the count.
    The rows stay locked until the statement commits. The requests of one action (its views
    share its limits) lock their rows in one order, their plan's, and actions share no keys
    (each key names its action's scope), so two requests cannot deadlock.
    """
    hits: list[CTE] = []
    for n in range(size):
        hits.append(_count_hit(n, hits[-1] if hits else None).cte(f"hit_{n}"))
    counted = [select(literal(n).label("n"), hit.c.hits, hit.c.ends) for n, hit in enumerate(hits)]
    return union_all(*counted).execution_options(**{BUILT_ONCE: True})


def _current_window() -> Executable:
    """`key`'s hits and end, if its window has not ended (no row otherwise)."""
    table = RateLimitCounter
    return (
        select(table.hits, func.extract("epoch", table.expires_at))
        .where(table.key == bindparam("key"), table.expires_at > func.now())
        .execution_options(**{BUILT_ONCE: True})
    )


CURRENT_WINDOW = _current_window()
NOW = select(func.extract("epoch", func.now())).execution_options(**{BUILT_ONCE: True})


def _per_request(name: str) -> dict[str, Window]:
    """Windows by key kept on the request as `name` (empty, and kept nowhere, outside one)."""
    if not has_request_context():
        return {}
    return cast(dict[str, Window], g.setdefault(name, {}))


def _counted() -> dict[str, Window]:
    """The windows this request has counted hits in, by key."""
    return _per_request("rate_limit_windows")


def _ahead() -> dict[str, Window]:
    """Hits counted ahead for this request (by its first hit's statement), not asked for yet."""
    return _per_request("rate_limit_ahead")


Planner = Callable[[], Sequence[PlannedHit]]
# What the app's limits will ask of a request (app.ratelimit's), in the order Flask-Limiter
# counts them.
_planner: Planner = tuple


def plan_hits_with(planner: Planner) -> Planner:
    """Let `planner` say which hits a request's limits will ask for, to count them at once."""
    global _planner
    _planner = planner
    return planner


def _planned(key: str, amount: int) -> list[PlannedHit]:
    """The request's planned hits, once, if `key` is the first of them and counts one."""
    if amount != 1 or not has_request_context() or "rate_limit_planned" in g:
        return []
    g.rate_limit_planned = True
    planned = list(_planner())
    return planned if planned and planned[0].key == key else []


class AppDatabaseStorage(Storage):
    """Fixed-window counters in the `rate_limits` table.

    Within one request, `get` and `get_expiry` of a key it has counted answer from that count:
    what this request's own hit left, which is what its headers tell the client.
    """

    STORAGE_SCHEME = ["app-database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        """What a database failure raises."""
        return SQLAlchemyError

    def _rows(self, statement: Executable, **params: Any) -> list[Any]:
        """The rows of one BUILT_ONCE statement, which commits by itself."""
        with counter_connection() as conn:
            return all_rows(conn, statement, params)

    def _run(self, statement: Executable) -> int:
        """Run one statement built for this call (a DELETE) that commits by itself: its rows."""
        with counter_connection() as conn:
            return cast(CursorResult[Any], execute_first(conn, statement)).rowcount

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count `amount` hits; a window that has ended starts again at `amount`.

        The request's first hit counts the others it will ask for too (`_planned`), and those
        then answer from that count (`_ahead`).
        """
        if amount == 1 and key in _ahead():
            return _ahead().pop(key).hits
        hits = _planned(key, amount) or [PlannedHit(key, expiry, 0)]
        params: dict[str, Any] = {}
        for n, hit in enumerate(hits):
            params |= {f"key_{n}": hit.key, f"amount_{n}": amount, f"expiry_{n}": hit.expiry}
            params[f"limit_{n}"] = hit.limit
        counted = {
            hits[n].key: Window(int(count), float(ends))
            for n, count, ends in self._rows(count_hits(len(hits)), **params)
        }
        _counted().update(counted)
        _ahead().update({other: window for other, window in counted.items() if other != key})
        if random.random() < SWEEP_CHANCE:  # not security, just housekeeping
            self.sweep()
        return counted[key].hits

    def _window(self, key: str) -> Window | None:
        """`key`'s current window: as this request counted it, else as stored (None: ended).

        The database's clock alone says when a window ends (docs/scaling.md, "Clocks"): a
        window this request counted is the one its headers tell of, even if it ends meanwhile.
        """
        counted = _counted().get(key)
        if counted is not None:
            return counted
        rows = self._rows(CURRENT_WINDOW, key=key)
        return Window(int(rows[0][0]), float(rows[0][1])) if rows else None

    def get(self, key: str) -> int:
        """Hits in the current window (0 when it has ended)."""
        window = self._window(key)
        return window.hits if window else 0

    def get_expiry(self, key: str) -> float:
        """When the current window ends, in seconds since the epoch (now, when it has ended)."""
        window = self._window(key)
        return window.ends if window else float(self._rows(NOW)[0][0])

    def sweep(self) -> None:
        """Delete the counters whose window has ended."""
        self._run(delete(RateLimitCounter).where(RateLimitCounter.expires_at < func.now()))

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            self._rows(NOW)
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter."""
        _counted().clear()
        _ahead().clear()
        return self._run(delete(RateLimitCounter))

    def clear(self, key: str) -> None:
        """Forget one counter."""
        _counted().pop(key, None)
        _ahead().pop(key, None)
        self._run(delete(RateLimitCounter).where(RateLimitCounter.key == key))
