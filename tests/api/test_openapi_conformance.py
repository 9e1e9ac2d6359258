"""Schemathesis against /api/openapi.json: the API does what its document says, errors included.

The CLI runs every check (`--checks all`) over every operation, in all its phases: examples,
coverage (missing and boundary values), fuzzing (positive and negative data) and stateful
sequences that follow the document's links (create a pin, then read and support it).
Excluded are only "valid-looking data is accepted" (a point outside Umeå is schema-valid and
rightly refused with a 422) and the workshop event stream, which never ends by itself (see
tests/workshops/test_events.py). The seed is fixed so a failure is reproducible; run the CLI
by hand with other seeds to look further.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import CSRF_META

MAX_EXAMPLES = 20
SEED = 2480


def test_the_api_conforms_to_its_document(live_server, client, tmp_path):
    from urllib.request import urlopen

    with urlopen(f"{live_server}/") as page:
        cookies = "; ".join(c.split(";", 1)[0] for c in page.headers.get_all("Set-Cookie"))
        token = CSRF_META.search(page.read().decode()).group(1)
    st = Path(sys.executable).with_name("st")
    result = subprocess.run(
        [
            str(st),
            "run",
            f"{live_server}/api/openapi.json",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            # An event stream never ends by itself: it is tested in tests/workshops/.
            "--exclude-operation-id",
            "workshopEvents",
            "--header",
            f"Cookie: {cookies}",
            "--header",
            f"X-CSRFToken: {token}",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--no-color",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # its cache and reports stay out of the checkout
    )
    summary = result.stdout[-6000:]
    assert result.returncode == 0, summary
    assert " failed" not in summary.split("SUMMARY")[-1], summary
