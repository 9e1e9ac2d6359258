"""Response helpers for GeoJSON, streamed or whole."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator

from flask import Response, stream_with_context
from sqlalchemy.orm import Session

from app.db import close_session, new_session
from geo.geojson import GEOJSON_MEDIA_TYPE


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

    The request's own session is closed here, before the body is sent: a streamed request is
    torn down only after its last chunk, and a slow or vanished client would otherwise keep
    that session idle in a transaction, holding locks. The stream's session ends with the
    last chunk, or when the server closes the response because the client went away.
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
                session.close()

    response = Response(
        stream_with_context(run()), status=status, mimetype=mimetype, headers=headers
    )
    # A body nobody reads never runs run()'s cleanup: closing the response ends the session too.
    response.call_on_close(stream.close)
    response.call_on_close(session.close)
    return response


def geojson_text(text: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A single GeoJSON object already rendered as text."""
    return Response(text, status=status, mimetype=GEOJSON_MEDIA_TYPE, headers=headers)
