"""The app under gunicorn as `make run` serves it: several worker processes, one shared secret."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from app.config import PROJECT_DIR
from app.db import get_engine
from bench import wire
from tests.conftest import CSRF_META, pin_feature


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Gunicorn(subprocess.Popen):
    """A gunicorn master started by `start_gunicorn`, with the file its log goes to."""

    log_path: Path


def start_gunicorn(
    database_url: str, tmp_path: Path, access_log: str = "/dev/null", **settings: str
) -> tuple[str, Gunicorn]:
    """gunicorn as `make run` starts it (gunicorn.conf.py, two workers), on the test database.

    No SECRET_KEY in the environment: the workers share the key file that `make` writes.
    Its log (stderr) goes to a file, never to a pipe: nobody reads a pipe until the server
    stops, and once its 64 KB were full, each worker's next line (a stream's traceback under
    load) blocked the whole gevent worker in `write`, with its transactions left open (py-spy:
    both workers in `StreamHandler.emit`; `ss`: the answers to their last statements unread).
    """
    port = _free_port()
    secret = tmp_path / "secret_key"
    secret.write_text(secrets.token_hex(32))
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY_FILE=str(secret),
        PORT=str(port),
        WEB_WORKERS="2",
        RATELIMIT_ENABLED="0",
    )
    env.update(settings)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("ab") as log:
        process = Gunicorn(
            [
                str(gunicorn),
                "--config",
                "gunicorn.conf.py",
                "--access-logfile",
                access_log,
                "app:create_app()",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    process.log_path = log_path
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=10).read()
            return url, process
        except OSError:  # refused, reset or timed out while the workers boot
            if process.poll() is not None or time.monotonic() > deadline:
                stop_gunicorn(process)
                raise AssertionError("gunicorn did not start") from None
            time.sleep(0.2)


def stop_gunicorn(process: Gunicorn) -> None:
    """Stop the server; one that has not stopped 20 s later is killed, master and workers.

    A master that outlived its test held its workers' connections to the test database.
    """
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        workers = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        process.kill()
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        process.wait(timeout=20)
        raise AssertionError(f"gunicorn did not stop within 20 s: {_log_tail(process)}") from None


def _log_tail(process: Gunicorn) -> str:
    return process.log_path.read_text(errors="replace")[-4000:]


def stop_gunicorn_reading_log(process: Gunicorn) -> str:
    """Stop the server; what it wrote to its log (stderr) until then."""
    stop_gunicorn(process)
    return process.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def gunicorn_server(
    test_database_url: str, app, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """A two-worker gunicorn with rate limits off, for the module, and its access log: each
    start costs every worker the app's import (2.3 s of CPU time here), and nothing but the
    database holds state."""
    folder = tmp_path_factory.mktemp("gunicorn")
    access_log = folder / "access.log"
    url, process = start_gunicorn(test_database_url, folder, access_log=str(access_log))
    yield url, access_log
    stop_gunicorn(process)


@pytest.fixture(scope="module")
def gunicorn_url(gunicorn_server: tuple[str, Path]) -> str:
    """The module's gunicorn."""
    return gunicorn_server[0]


def browser_session(base_url: str) -> tuple[urllib.request.OpenerDirector, str]:
    """A cookie jar that has loaded the map page, and the page's CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/").read().decode()
    return opener, CSRF_META.search(page).group(1)


def post_pin(opener: urllib.request.OpenerDirector, base_url: str, token: str) -> int:
    """POST one pin; the status."""
    request = urllib.request.Request(
        f"{base_url}/api/ideas",
        data=json.dumps(pin_feature()).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
        method="POST",
    )
    try:
        with opener.open(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_csrf_tokens_work_across_workers(gunicorn_url: str):
    """Each request on a new connection may reach another worker: all accept the token."""
    opener, token = browser_session(gunicorn_url)
    for n in range(12):
        request = urllib.request.Request(
            f"{gunicorn_url}/api/ideas",
            data=json.dumps(pin_feature(title=f"Across workers {n}")).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
            method="POST",
        )
        with opener.open(request) as response:
            assert response.status == 201
            assert response.headers["Content-Type"] == "application/geo+json"
    listing = json.loads(opener.open(f"{gunicorn_url}/api/ideas?limit=50").read())
    assert len(listing["features"]) == 12


def test_rate_limits_hold_across_workers(test_database_url: str, app, tmp_path: Path):
    """40 quick pins from one browser through two workers: exactly the limit gets through."""
    url, process = start_gunicorn(
        test_database_url,
        tmp_path,
        RATELIMIT_ENABLED="1",
        IDEA_CREATE_LIMIT="5 per minute",
        IDEA_CREATE_ADDRESS_LIMIT="1000 per minute",
    )
    try:
        opener, token = browser_session(url)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda _: post_pin(opener, url, token), range(40)))
    finally:
        log = stop_gunicorn_reading_log(process)
    assert sorted(statuses) == [201] * 5 + [429] * 35, log


def test_pins_sent_at_once_are_each_stored_once_and_answered_with_their_own(gunicorn_url: str, app):
    """16 browsers post pins at once through gevent workers: each answer is its own pin.

    The workers store the pins that arrive together in one transaction (app.ideas.pin_batches):
    rows written by one transaction share its xmin, so fewer transactions than pins shows
    that they did, and every answer and row must still be the pin that was sent.
    """
    browsers = [browser_session(gunicorn_url) for _ in range(16)]

    def post_own_pins(n: int) -> list[tuple[str, dict]]:
        opener, token = browsers[n]
        answers = []
        for k in range(12):
            title = f"Browser {n} pin {k}"
            request = urllib.request.Request(
                f"{gunicorn_url}/api/ideas",
                data=json.dumps(
                    pin_feature((20.2 + n * 0.01, 63.8 + k * 0.002), title=title)
                ).encode(),
                headers={"Content-Type": "application/json", "X-CSRFToken": token},
                method="POST",
            )
            with opener.open(request) as response:
                assert response.status == 201
                answers.append((title, json.loads(response.read())))
        return answers

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = [answer for own in pool.map(post_own_pins, range(16)) for answer in own]
    for title, feature in answers:
        n, k = (int(part) for part in title.split()[1::2])
        assert feature["properties"]["title"] == title
        sent = [round(20.2 + n * 0.01, 6), round(63.8 + k * 0.002, 6)]
        assert feature["geometry"]["coordinates"] == sent
    ids = [feature["id"] for _, feature in answers]
    assert len(set(ids)) == len(ids) == 192
    with app.app_context(), get_engine().connect() as conn:
        stored = conn.execute(text("SELECT id, title FROM ideas")).all()
        transactions = conn.execute(text("SELECT count(DISTINCT xmin::text) FROM ideas")).scalar()
    assert sorted(map(tuple, stored)) == sorted((f["id"], title) for title, f in answers)
    assert transactions < len(ids)


def _gunicorn_settings() -> dict[str, object]:
    """The names gunicorn.conf.py sets, read as gunicorn reads the file."""
    return runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))


def test_a_server_whose_log_outgrows_a_pipe_keeps_answering(
    test_database_url: str, app, tmp_path: Path
):
    """Its access lines to stderr, 160 KB of them: the log is a file (`start_gunicorn`).

    Into a pipe that nobody read, the worker blocked after about 64 KB of lines.
    """
    url, process = start_gunicorn(
        test_database_url, tmp_path, access_log="/dev/stderr", WEB_WORKERS="1"
    )
    try:
        for _ in range(1500):
            with urllib.request.urlopen(f"{url}/api/categories", timeout=10) as response:
                assert response.status == 200
    finally:
        log = stop_gunicorn_reading_log(process)
    assert log.count('"GET /api/categories HTTP/1.1" 200') == 1500
    assert len(log.encode()) > 2 * 65536


def test_the_access_log_goes_to_stdout_unless_turned_off(monkeypatch):
    monkeypatch.delenv("WEB_ACCESS_LOG", raising=False)
    assert _gunicorn_settings()["accesslog"] == "-"
    monkeypatch.setenv("WEB_ACCESS_LOG", "")
    assert _gunicorn_settings()["accesslog"] is None
    monkeypatch.setenv("WEB_ACCESS_LOG", "/var/log/umecom/access.log")
    assert _gunicorn_settings()["accesslog"] == "/var/log/umecom/access.log"


def test_the_control_socket_is_off_unless_given_a_path_of_its_own(monkeypatch):
    monkeypatch.delenv("WEB_CONTROL_SOCKET", raising=False)
    assert _gunicorn_settings()["control_socket_disable"] is True
    monkeypatch.setenv("WEB_CONTROL_SOCKET", "/run/umecom/gunicorn-5000.ctl")
    settings = _gunicorn_settings()
    assert settings["control_socket_disable"] is False
    assert settings["control_socket"] == "/run/umecom/gunicorn-5000.ctl"


def test_make_run_logs_through_the_lean_logger():
    assert _gunicorn_settings()["logger_class"] == "serving.access_log.LeanAccessLogger"


def test_gunicorn_writes_one_combined_line_per_request(gunicorn_server: tuple[str, Path]):
    url, access_log = gunicorn_server
    marker = f"/healthz?probe={time.monotonic_ns()}"  # the API refuses parameters it does not take
    request = urllib.request.Request(
        url + marker, headers={"User-Agent": 'probe "one"', "Referer": "https://umea.se/"}
    )
    with urllib.request.urlopen(request) as response:
        length = len(response.read())
    lines: list[str] = []
    for _ in range(50):  # the worker writes its line once the response has gone
        lines = [line for line in access_log.read_text().splitlines() if marker in line]
        if lines:
            break
        time.sleep(0.1)
    stamp = r"\[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\]"
    expected = (
        rf'127\.0\.0\.1 - - {stamp} "GET {re.escape(marker)} HTTP/1\.1" 200 {length} '
        r'"https://umea\.se/" "probe \\"one\\""'
    )
    assert len(lines) == 1
    assert re.fullmatch(expected, lines[0]), lines[0]


def test_the_benchs_client_reads_what_gunicorn_sends(gunicorn_url: str, app):
    """bench/wire.py on one keep-alive connection: a length, a 304, a chunked body, a 404."""
    parts = urllib.parse.urlsplit(gunicorn_url)
    connection = wire.Connection(parts.hostname or "", parts.port or 80, timeout=10)
    try:
        status, data, headers, closes = connection.exchange("GET", "/api/categories", None, {})
        assert (status, closes) == (200, False)
        assert json.loads(data) == app.test_client().get("/api/categories").json
        assert headers["content-type"] == headers.get("Content-Type") == "application/json"

        view = "/api/map/clusters?bbox=20.0,63.7,20.5,63.9&zoom=10"
        status, data, headers, _ = connection.exchange("GET", view, None, {})
        etag = headers["ETag"]
        status, data, _, _ = connection.exchange("GET", view, None, {"If-None-Match": etag})
        assert (status, data) == (304, b"")

        status, data, headers, _ = connection.exchange("GET", "/api/ideas", None, {})
        assert headers.get("Transfer-Encoding") == "chunked"
        expected = urllib.request.urlopen(f"{gunicorn_url}/api/ideas").read()
        assert (status, data) == (200, expected)

        status, data, _, _ = connection.exchange("GET", "/api/ideas/999999999", None, {})
        assert status == 404
        assert json.loads(data)["error"]
    finally:
        connection.close()


def test_the_most_ids_a_request_may_ask_for_fit_its_line(gunicorn_url: str):
    """500 ids of 8 digits: gunicorn's default line limit answered its own HTML 414."""
    ids = ",".join(str(10_000_000 + n) for n in range(500))
    with urllib.request.urlopen(f"{gunicorn_url}/api/ideas?ids={ids}") as response:
        assert response.status == 200
        assert json.loads(response.read())["features"] == []
