"""The access log's line is gunicorn's own, written for less CPU (serving/access_log.py)."""

from __future__ import annotations

import base64
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn import glogging
from gunicorn.config import Config

from serving.access_log import LeanAccessLogger

BASIC = "Basic " + base64.b64encode(b"planner:secret").decode()


def _environ(**extra: str) -> dict[str, Any]:
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/api/map/clusters?bbox=20.1,63.8,20.4,63.9&zoom=12",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "PATH_INFO": "/api/map/clusters",
        "QUERY_STRING": "bbox=20.1,63.8,20.4,63.9&zoom=12",
    }
    environ.update(extra)
    return environ


def _response(status: object, sent: int | None) -> SimpleNamespace:
    return SimpleNamespace(status=status, sent=sent, headers=[("ETag", '"m-42"')])


def _gunicorns_line(logger: LeanAccessLogger, resp: Any, environ: dict[str, Any]) -> str:
    """The line gunicorn's own `Logger.access` formats, at the same second."""
    request = SimpleNamespace(headers=[("HOST", "127.0.0.1")])
    atoms = glogging.Logger.atoms(logger, resp, request, environ, timedelta(microseconds=900))
    return logger.cfg.access_log_format % glogging.SafeAtoms(atoms)


@pytest.mark.parametrize(
    ("resp", "environ"),
    [
        (_response("304 Not Modified", 0), _environ()),
        (_response(200, 5123), _environ(HTTP_USER_AGENT="Mozilla/5.0 (X11)")),
        (_response("201 CREATED", None), _environ(HTTP_REFERER="https://umea.se/karta")),
        (
            _response("404 NOT FOUND", 61),
            _environ(
                RAW_URI='/api/ideas/"><script>',
                HTTP_USER_AGENT='curl "quoted"',
                HTTP_REFERER='say "hej"',
            ),
        ),
        (_response("401 UNAUTHORIZED", 40), _environ(HTTP_AUTHORIZATION=BASIC)),
        (_response("200 OK", 2), {k: v for k, v in _environ().items() if k != "REMOTE_ADDR"}),
    ],
)
def test_the_default_line_is_the_one_gunicorn_writes(resp: Any, environ: dict[str, Any]):
    logger = LeanAccessLogger(Config())
    for _ in range(3):  # the two lines were made within one second
        second = int(time.time())
        expected = _gunicorns_line(logger, resp, environ)
        line = logger.combined_line(resp, environ)
        if int(time.time()) == second:
            break
    assert line == expected


def test_a_format_of_ones_own_is_left_to_gunicorn(tmp_path: Path):
    log = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log))
    config.set("access_log_format", "%(s)s %({etag}o)s %(m)s")
    logger = LeanAccessLogger(config)
    logger.access(_response("304 Not Modified", 0), {}, _environ(), timedelta(microseconds=900))
    assert log.read_text() == '304 \\"m-42\\" GET\n'  # gunicorn escapes the quotes
