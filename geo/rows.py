"""Rows of a statement as a stream: from a server-side cursor, whole, or pipelined.

How a big read reaches Python decides whether PostgreSQL can work while Python writes out what
came, and whether it may plan the statement in parallel (never through a cursor).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import suppress
from typing import Any, Literal

from sqlalchemy import Select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session


def close_result(result: Any, cursor: Any) -> None:
    """Close a (server-side cursor) result, also when its connection died under it.

    A stalled client's stream can outlive its transaction (PostgreSQL's idle timeout ends
    it): closing then fails, and the driver's cursor must still be let go.
    """
    try:
        result.close()
    except DBAPIError:
        pass  # the connection is gone: nothing left to close on the server
    finally:
        # SQLAlchemy may also have given up on the connection quietly; then the driver's
        # cursor is still open. A dead connection fails the first close and the second one
        # only marks the cursor closed (psycopg), so it is not reported as leaked later.
        for _attempt in range(2):
            with suppress(Exception):
                if cursor is not None and not cursor.closed:
                    cursor.close()


Fetch = Literal["cursor", "whole", "pipelined"]


def fetch_rows(
    session: Session, stmt: Select[Any], fetch: Fetch, chunk_rows: int
) -> tuple[Iterator[Any], Callable[[], None]]:
    """The rows of `stmt`, fetched as `fetch` says, and what closes them.

    - "cursor": from a server-side cursor, `chunk_rows` at a time: memory stays flat however
      many rows there are, and each fetch is a statement of its own, so a slow client never
      holds a statement open;
    - "whole": all at once, for results known to be small. PostgreSQL never runs a cursor's
      query in parallel, and a grouping over a million pins took twice as long through one
      (districts: 190 against 90 ms on 2 cores);
    - "pipelined": as PostgreSQL sends them, `chunk_rows` at a time, while it goes on making
      the next ones (`pipelined_rows`), in parallel workers if it plans so: for big exports.

    The query runs here, before the first row is asked for, so a caller still learns of a
    database error in time to answer with an error status.
    """
    if fetch == "pipelined":
        rows = pipelined_rows(session, stmt, chunk_rows=chunk_rows)
        first = next(rows, None)
        ahead = iter(()) if first is None else itertools.chain([first], rows)
        return ahead, rows.close
    result = session.execute(
        stmt if fetch == "whole" else stmt.execution_options(yield_per=chunk_rows)
    )
    # The driver's cursor, kept from the start: after a failed fetch SQLAlchemy lets go of it.
    cursor = getattr(result, "cursor", None)
    return iter(result), lambda: close_result(result, cursor)


def pipelined_rows(
    session: Session, stmt: Select[Any], *, chunk_rows: int
) -> Generator[tuple[Any, ...], None, None]:
    """The rows of `stmt` as plain tuples, received `chunk_rows` at a time as they are made.

    libpq's chunked rows mode, through psycopg: PostgreSQL goes on computing while Python
    writes out what came. A server-side cursor makes each chunk wait for the one before it
    (PostgreSQL computes a chunk, then idles while Python writes it out). The statement stays
    open until the last row is read (bound by the statement timeout); closing the generator
    early cancels it. Values come as the driver gives them, without SQLAlchemy's types.
    """
    connection = session.connection()
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    # The parameters as SQLAlchemy would send them (its types' bind processors applied):
    # SQLAlchemy has no public way to run a statement in chunked mode, so the driver does.
    processors: Mapping[str, Any] = compiled._bind_processors
    params = {
        name: processors[name](value) if name in processors else value
        for name, value in compiled.construct_params().items()
    }
    driver = connection.connection.driver_connection
    assert driver is not None
    cursor = driver.cursor()
    sql = str(compiled)
    rows = cursor.stream(sql, params, size=chunk_rows)
    finished = False
    try:
        yield from rows
        finished = True
    except driver.Error as error:  # as SQLAlchemy would raise it (a timeout: OperationalError)
        raise DBAPIError.instance(sql, params, error, type(driver).Error) from error
    finally:
        rows.close()  # cancels the statement if it still runs
        cursor.close()
        if not finished:
            # A backend whose statement was cancelled can miss a signal PostgreSQL's DROP
            # DATABASE waits for (app/db.py, _close_when_cancelled): it is not pooled again.
            connection.invalidate()
