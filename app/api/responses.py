"""Response helpers for GeoJSON, streamed or whole."""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator

from flask import Response, stream_with_context
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.db import close_session, new_session
from geo.geojson import GEOJSON_MEDIA_TYPE

log = logging.getLogger(__name__)


def geojson_stream(
    chunks: Callable[[Session], Generator[str, None, None]], status: int = 200
) -> Response:
    """Stream a FeatureCollection built by PostGIS, on a session the stream owns."""
    return streamed(chunks, status=status)


def streamed(
    chunks: Callable[[Session], Generator[str, None, None]],
    *,
    status: int = 200,
    mimetype: str = GEOJSON_MEDIA_TYPE,
    headers: dict[str, str] | None = None,
) -> Response:
    """Stream a body read from the database, on a session the stream owns.

    The request's own session is closed here, before the body is sent, so that a slow or
    vanished client cannot keep it idle in a transaction, holding locks. (Flask 3 tears the
    request down as the view returns, which closes it too; this does not depend on that.)
    The stream's session ends with the last chunk, or when the server closes the response
    because the client went away or stopped reading (serving/balanced_worker.py).
    """
    close_session()
    session = new_session()
    try:
        stream = chunks(session)
        first = next(stream)  # runs the query now: a database error becomes a 503, not a cut body
    except BaseException:
        session.close()
        raise

    def run() -> Iterator[str]:
        try:
            yield first
            yield from stream
        finally:
            try:
                stream.close()
            finally:
                _close_stream_session(session)

    response = Response(
        stream_with_context(run()), status=status, mimetype=mimetype, headers=headers
    )
    # A body nobody reads never runs run()'s cleanup: closing the response ends the session too.
    response.call_on_close(stream.close)
    response.call_on_close(lambda: _close_stream_session(session))
    return response


def _close_stream_session(session: Session) -> None:
    """Close a stream's session, also after PostgreSQL ended its connection.

    A stream nobody read on for DB_IDLE_IN_TRANSACTION_TIMEOUT_MS has lost its connection:
    the rollback then fails, and there is nothing left on the server to roll back.
    """
    try:
        session.close()
    except DBAPIError as error:
        log.warning("a stream's connection was gone when it closed: %s", error.orig)


def geojson_text(text: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A single GeoJSON object already rendered as text."""
    return Response(text, status=status, mimetype=GEOJSON_MEDIA_TYPE, headers=headers)
