"""bench/supercluster.mjs reads every pin of an export as a browser would, and counts the bytes
of the compact GeoJSON those pins make (goal 2's "bytes sent to the browser")."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.config import PROJECT_DIR

PINS = [
    {
        "type": "Feature",
        "id": n,
        "geometry": {"type": "Point", "coordinates": [20.2 + n / 1000, 63.8 + n / 2000]},
        "properties": {
            "id": n,
            "kind": "idea" if n % 2 else "concern",
            "category": "park" if n % 3 else "grönområde",  # bytes, not characters
            "status": "new",
            "source": "citizen",
            "title": f"Bänk vid älven {n}",  # dropped by the compact form, as a browser would
        },
    }
    for n in range(1, 41)
]


@pytest.fixture
def export_url() -> Iterator[str]:
    """The pins as the export writes them: `{"type": "Feature", ...}` joined by commas."""
    body = (
        '{"type": "FeatureCollection", "features": ['
        + ",".join(json.dumps(pin, ensure_ascii=False) for pin in PINS)
        + "]}"
    ).encode()

    class Export(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/geo+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Export)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/export/ideas.geojson"
    finally:
        server.shutdown()
        server.server_close()


def test_every_pin_is_read_and_the_compact_bytes_are_those_of_one_json_text(
    export_url: str, tmp_path: Path
):
    views = tmp_path / "views.json"
    views.write_text(json.dumps([{"zoom": 12, "bbox": [20.0, 63.7, 20.4, 63.9]}]))
    done = subprocess.run(
        ["/usr/bin/node", str(PROJECT_DIR / "bench" / "supercluster.mjs"), export_url, views],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    figures = json.loads(done.stdout)
    compact = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": pin["geometry"],
                "properties": {
                    key: pin["properties"][key]
                    for key in ("id", "kind", "category", "status", "source")
                },
            }
            for pin in PINS
        ],
    }
    compact_text = json.dumps(compact, separators=(",", ":"), ensure_ascii=False)
    assert figures["pins"] == len(PINS)
    assert figures["compact_bytes"] == len(compact_text.encode())
    assert figures["first_view_features"] >= 1
