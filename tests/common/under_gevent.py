"""Run a test script as gunicorn's gevent workers run the app: monkey-patched, in a process
of its own (patching the test process would change every other test)."""

from __future__ import annotations

import subprocess
import sys

from app.config import PROJECT_DIR


def assert_script_prints_ok(script: str) -> None:
    """Run `script` (which patches itself first) and assert that it printed "ok" alone."""
    ran = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0 and ran.stdout.strip() == "ok", ran.stderr
