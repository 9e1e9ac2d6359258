"""The app under gunicorn as `make run` serves it: several worker processes, one shared secret."""

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import PROJECT_DIR
from tests.conftest import CSRF_META, pin_feature


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def gunicorn_url(test_database_url: str, app, tmp_path: Path) -> Iterator[str]:
    """gunicorn with gunicorn.conf.py and two workers, on the test database, no SECRET_KEY."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(
        DATABASE_URL=test_database_url,
        SECRET_KEY_FILE=str(tmp_path / "secret_key"),
        PORT=str(port),
        WEB_WORKERS="2",
        RATELIMIT_ENABLED="0",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "--config",
            "gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            "app:create_app()",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=10).read()
                break
            except OSError:  # refused, reset or timed out while the workers boot
                assert process.poll() is None, (
                    process.stderr.read().decode() if process.stderr else ""
                )
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stderr:
            process.stderr.close()


def test_csrf_tokens_work_across_workers(gunicorn_url: str):
    """Each request on a new connection may reach another worker: all accept the token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{gunicorn_url}/").read().decode()
    token = CSRF_META.search(page).group(1)
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
