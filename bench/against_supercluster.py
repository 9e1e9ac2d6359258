"""Our first clustered view against Supercluster's under Node, over the same pins (goal 2)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from app.config import PROJECT_DIR
from bench.clients import Client, Samples, load_and_cpu, percentile, timed_get
from bench.map_views import ZOOMS, View

FIRST_VIEW_GOAL = 20.0


def first_view(base: str, view: View, runs: int = 5) -> dict[str, float]:
    """Our first clustered view of a cold page: one GET on a new connection, no validator."""
    times, size = [], 0
    for _ in range(runs):
        client = Client(base)
        status, ms, data = timed_get(client, view.path())
        client.close()
        assert status == 200, status
        times.append(ms)
        size = len(data)
    return {"ms": statistics.median(times), "bytes": size}


def supercluster(base: str, views: list[View]) -> dict[str, object] | None:
    """Run bench/supercluster.mjs on every published pin, downloaded from our server."""
    node = "/usr/bin/node"
    script = PROJECT_DIR / "bench" / "supercluster.mjs"
    if not Path(node).exists() or not (PROJECT_DIR / "node_modules" / "supercluster").exists():
        print("\n2. Supercluster: node or node_modules/supercluster missing (make tools)")
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump([{"zoom": v.zoom, "bbox": list(v.bbox)} for v in views], handle)
    try:
        done = subprocess.run(
            [node, "--max-old-space-size=8192", str(script), base + "/api/export/ideas.geojson",
             handle.name],
            capture_output=True, text=True, timeout=900, check=False,
        )  # fmt: skip
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        print(f"\n2. Supercluster failed: {done.stderr.strip()[-1200:]}")
        return None
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def one_at_a_time(base: str, views: list[View]) -> Samples:
    """Each view once from one client, as Supercluster is timed: latency without queueing."""
    samples, client = Samples(), Client(base)
    for view in views:
        status, ms, _ = timed_get(client, view.path())
        samples.add(view.zoom, ms, status == 200)
    client.close()
    return samples


def report_supercluster(
    ours: dict[str, float], loaded: Samples, alone: Samples, theirs: dict
) -> None:
    """Print the first view and per-view latency side by side (goal 2)."""
    theirs_first = theirs["download_ms"] + theirs["build_ms"] + theirs["first_view_ms"]
    ratio = theirs_first / ours["ms"]
    print(
        f"\n2. Against Supercluster {theirs['version']} (Node {theirs['node']}), {load_and_cpu()}"
    )
    print(f"   {'':<44}{'ours':>14}{'Supercluster':>16}")
    print(
        f"   {'first clustered view of a cold page (ms)':<44}{ours['ms']:>14.1f}"
        f"{theirs_first:>16.0f}"
    )
    print(
        f"   {'  download all pins / build index (ms)':<44}{'-':>14}"
        f"{theirs['download_ms']:>8.0f} /{theirs['build_ms']:>6.0f}"
    )
    print(
        f"   {'bytes to the browser before the first view':<44}{ours['bytes']:>14,}"
        f"{theirs['bytes']:>16,}"
    )
    print(
        f"   {'  (a compact GeoJSON of the same pins)':<44}{'':>14}{theirs['compact_bytes']:>16,}"
    )
    print("   per view p50 / p95 ms: ours one at a time | ours under 16 clients | Supercluster")
    for zoom in ZOOMS:
        mine = alone.by_key.get(zoom, [])
        busy = loaded.by_key.get((zoom, "none"), [])
        stats = theirs["per_zoom"].get(str(zoom), {})
        print(
            f"   zoom {zoom:<3}{_p50_p95(mine):>22}{_p50_p95(busy):>24}"
            f"{stats.get('p50', float('nan')):>10.2f} /{stats.get('p95', float('nan')):>6.2f}"
        )
    verdict = "met" if ratio >= FIRST_VIEW_GOAL else "missed"
    # Had our server a compact file of every pin, the download would shrink with the bytes.
    compact_ms = theirs["download_ms"] * theirs["compact_bytes"] / max(theirs["bytes"], 1)
    compact_ratio = (compact_ms + theirs["build_ms"] + theirs["first_view_ms"]) / ours["ms"]
    print(
        f"   first view {ratio:.0f}× sooner than Supercluster (goal ≥ {FIRST_VIEW_GOAL:.0f}×: "
        f"{verdict}); {compact_ratio:.0f}× against a compact download at the same MB/s "
        f"(estimated); Node heap {theirs['heap_mb']:.0f} MB"
    )


def _p50_p95(samples: list[float]) -> str:
    """'p50 / p95' of some latencies."""
    if not samples:
        return "-"
    return f"{statistics.median(samples):.1f} / {percentile(samples, 0.95):.1f}"
