"""DBSCAN labels in compiled code, for points already in metres.

The `dbscan` package (Wang, Gu and Shun's exact grid DBSCAN, SIGMOD 2020) labels a million
pins spread by population in 1.5-2.3 s on this machine, where PostGIS's `ST_ClusterDBSCAN`
took 13.6 s at eps 30 m and was refused beyond. It holds the GIL while it runs, which in a
gevent worker would stall every other request and event stream of that worker; so a large
set is labelled in a child process, and only a small one in the caller's.

Run as `python -m geo.dbscan`, this module is that child: it reads a request on stdin and
writes the labels to stdout (`_serve_child`).
"""

from __future__ import annotations

import struct
import subprocess
import sys
from types import ModuleType

import numpy as np
from numpy.typing import NDArray

NOISE = -1
# Up to this many points are labelled in the caller's process: 20,000 took ~20 ms, the GIL
# held that long is a pause no other request notices. A child costs ~0.2 s to start.
IN_PROCESS_MAX = 20_000
# The child's request: eps (float64) and min_points (int64), then x, y pairs as float64.
_HEADER = struct.Struct("<dq")


def _dbscan_module() -> ModuleType:
    """The `dbscan` package, imported without scikit-learn.

    Its `__init__` also builds a scikit-learn wrapper we do not use, and importing
    scikit-learn took 1.8 s of a child's 2.0 s start. A None in `sys.modules` makes that
    import fail, which the package catches; the entry is put back at once.
    """
    if "dbscan" in sys.modules:
        return sys.modules["dbscan"]
    missing = object()
    saved = sys.modules.get("sklearn", missing)
    sys.modules["sklearn"] = None  # type: ignore[assignment]
    try:
        import dbscan
    finally:
        if saved is missing:
            del sys.modules["sklearn"]
        else:
            sys.modules["sklearn"] = saved  # type: ignore[assignment]
    return dbscan


def density_labels(xy: NDArray[np.float64], *, eps: float, min_points: int) -> NDArray[np.int32]:
    """DBSCAN's cluster of each point (NOISE when in none), in this process.

    `xy` is an (n, 2) array in metres; `min_points` counts a point itself, as PostGIS and
    scikit-learn do. A border point (not core, within eps of core points of two clusters)
    joins the cluster of its nearest core point: the package's choice, which DBSCAN itself
    leaves open (55,514 of 55,515 border points of a test crowd; the other was a tie).
    """
    if len(xy) == 0:
        return np.empty(0, dtype=np.int32)
    labels, _core = _dbscan_module().DBSCAN(
        np.ascontiguousarray(xy, dtype=np.float64), eps=float(eps), min_samples=int(min_points)
    )
    return labels.astype(np.int32, copy=False)


def labels_in_child(
    xy: NDArray[np.float64], *, eps: float, min_points: int, timeout_s: float | None = None
) -> NDArray[np.int32]:
    """`density_labels` computed by a child process (`python -m geo.dbscan`).

    Under gevent the wait is cooperative: the worker serves its other requests meanwhile.
    """
    request = (
        _HEADER.pack(float(eps), int(min_points)) + np.ascontiguousarray(xy, dtype="<f8").tobytes()
    )
    done = subprocess.run(
        [sys.executable, "-m", "geo.dbscan"],
        input=request,
        capture_output=True,
        timeout=timeout_s,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the DBSCAN child failed: {done.stderr.decode(errors='replace')}")
    labels = np.frombuffer(done.stdout, dtype="<i4")
    if len(labels) != len(xy):
        raise RuntimeError(f"the DBSCAN child gave {len(labels)} labels for {len(xy)} points")
    return labels.astype(np.int32)


def cluster_labels(
    xy: NDArray[np.float64], *, eps: float, min_points: int, timeout_s: float | None = None
) -> NDArray[np.int32]:
    """`density_labels`, in this process for a few points and in a child for many."""
    if len(xy) <= IN_PROCESS_MAX:
        return density_labels(xy, eps=eps, min_points=min_points)
    return labels_in_child(xy, eps=eps, min_points=min_points, timeout_s=timeout_s)


def _serve_child() -> None:
    """Read one request from stdin, write its labels (int32, little-endian) to stdout."""
    data = sys.stdin.buffer.read()
    eps, min_points = _HEADER.unpack_from(data)
    xy = np.frombuffer(data, dtype="<f8", offset=_HEADER.size).reshape(-1, 2)
    labels = density_labels(xy, eps=eps, min_points=min_points)
    sys.stdout.buffer.write(labels.astype("<i4").tobytes())


if __name__ == "__main__":
    _serve_child()
