"""A query parameter given twice: the same value again is taken, two values are refused.

Every parser reads one value of a parameter, the first: `/api/ideas?kind=idea&kind=concern`
listed ideas only, and an export with `bbox` twice held the first box, both without a word.
Which one was meant cannot be known, so two values are a refusal naming the parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl

from flask import Flask, Response, current_app, request
from werkzeug.datastructures import MultiDict

from app.common.errors import InvalidField
from app.request import NotedArgs
from geo.i18n import N_

# The OGC API checks its own, as GIS clients repeat its `limit` (app/ogc/params.py).
OWN_RULE_PREFIX = "/ogc"


def refuse_repeated(args: MultiDict[str, str], *, last_counts: Iterable[str] = ()) -> None:
    """InvalidField for the first parameter given with two different values.

    `last_counts`: parameters whose repeats are taken, their last value counting.
    """
    taken = set(last_counts)
    for name in args:
        if name not in taken and len(set(args.getlist(name))) > 1:
            raise InvalidField(
                N_("The query parameter %(name)s is given more than once, with different values."),
                field=name[:40],
                code="repeated_parameter",
                name=name[:40],
            )


def refuse_repeated_in_request() -> None:
    """Before every request but the OGC API's: no parameter with two values.

    Read from the raw query, not `request.args`: which of those a view reads is its own
    (tests/test_no_5xx.py notes them to walk each view with hostile values of its keys).
    """
    path = request.path
    if (
        not request.query_string
        or path == OWN_RULE_PREFIX
        or path.startswith(OWN_RULE_PREFIX + "/")
    ):
        return
    pairs = parse_qsl(request.query_string.decode("utf-8", "replace"), keep_blank_values=True)
    if len(pairs) > len({name for name, _ in pairs}):
        refuse_repeated(MultiDict(pairs))


# Where a parameter no view reads is refused: the API and the staff pages, whose URLs planners
# build by hand or paste into QGIS. Public pages take what others append (fbclid, utm_*).
STRICT_PREFIXES = ("/api/", "/planner/")
READ_ANYWHERE = frozenset({"lang"})  # the language, read only when something is translated


def unread_parameter() -> str | None:
    """A query parameter of this GET that its view never read, on the API or a staff page."""
    args = request.args
    if (
        request.method not in ("GET", "HEAD")
        or not request.path.startswith(STRICT_PREFIXES)
        or not isinstance(args, NotedArgs)
        or args.read_all
    ):
        return None
    for name in args.given_keys():
        if name not in args.read and name not in READ_ANYWHERE:
            return name
    return None


# What a write on the API or a staff page takes in its query, by endpoint and method: the rest
# of its input is its body.
WRITE_PARAMETERS: dict[tuple[str, str], frozenset[str]] = {
    ("api.annotation", "DELETE"): frozenset({"version"}),  # a conditional delete
}


def refuse_unknown_on_write() -> None:
    """Before a write on the API or a staff page: no query parameter it does not take.

    A GET's unread parameters are refused after its view (`refuse_unread`); a write's must be
    refused before, since after it the write has been done. `POST /api/ideas?evil=1` stored
    the pin with the parameter ignored. A request no route takes is left to its 404 or 405.
    """
    if (
        request.method in ("GET", "HEAD", "OPTIONS")
        or not request.query_string
        or not request.path.startswith(STRICT_PREFIXES)
        or request.routing_exception is not None
    ):
        return
    taken = WRITE_PARAMETERS.get((request.endpoint or "", request.method), frozenset())
    pairs = parse_qsl(request.query_string.decode("utf-8", "replace"), keep_blank_values=True)
    for name, _value in pairs:
        if name not in taken and name not in READ_ANYWHERE:
            raise InvalidField(
                N_("Unknown query parameter: %(name)s"),
                field=name[:40],
                code="unknown_parameter",
                name=name[:40],
            )


def refuse_unread(response: Response) -> Response:
    """The answer, or a 422 naming a parameter its view never read.

    A misspelt filter (`catgory=safety`) was ignored, and an export of every pin came back as
    if filtered. Known only once the view has read what it takes, so checked after it; a GET
    has changed nothing.
    """
    if response.status_code >= 400:
        return response
    name = unread_parameter()
    if name is None:
        return response
    response.close()  # a streamed answer that will not be sent
    refusal = InvalidField(
        N_("Unknown query parameter: %(name)s"),
        field=name[:40],
        code="unknown_parameter",
        name=name[:40],
    )
    return current_app.make_response(current_app.handle_user_exception(refusal))


def init_app(app: Flask) -> None:
    """Check every request's query: repeats and a write's unknown keys first, unread after."""
    app.before_request(refuse_repeated_in_request)
    app.before_request(refuse_unknown_on_write)
    app.after_request(refuse_unread)
