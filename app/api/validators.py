"""Validators of answers computed from the pins: an ETag of the data's version and the question.

The map's data version (app.ideas.counts) moves whenever a pin the map or a layer could show
changes. An answer's ETag hashes it with the query string, so a browser or a GIS that sends it
back gets a 304 while neither the pins nor the question have changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, request

from app.db import map_connection
from app.ideas.counts import map_version


def data_etag(version: str) -> str:
    """A weak validator of this request's answer at the data's `version`."""
    asked = f"{version}?{request.query_string.decode('latin-1')}"
    return hashlib.blake2b(asked.encode(), digest_size=12).hexdigest()


def not_modified(etag: str) -> Response:
    """A 304 that carries the validator again."""
    response = Response(status=304)
    response.set_etag(etag, weak=True)
    return response


def validated(answer: Callable[[], Response]) -> Response:
    """`answer()` with a validator of the pins' version, or a 304 without computing it.

    The version is read first, in autocommit on the database this request reads: a pin stored
    while the answer is computed leaves it marked with a version already past (the next
    request computes it again), never with one that it does not show. Revalidated each time
    (`no-cache`): the next changed pin must show at once.
    """
    with map_connection() as connection:
        etag = data_etag(map_version(connection))
    if request.if_none_match.contains_weak(etag):
        return not_modified(etag)
    response = answer()
    response.set_etag(etag, weak=True)
    response.cache_control.no_cache = True
    return response
