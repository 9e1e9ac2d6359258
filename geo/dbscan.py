"""DBSCAN labels in compiled code, for points already in metres.

The `dbscan` package (Wang, Gu and Shun's exact grid DBSCAN, SIGMOD 2020) labels a million
pins spread by population in 1.5-2.3 s on this machine, where PostGIS's `ST_ClusterDBSCAN`
took 13.6 s at eps 30 m and was refused beyond. geo/cluster_work.py runs it off the worker.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

import numpy as np
from numpy.typing import NDArray

NOISE = -1
# The package runs on parlaylib, whose scheduler starts a thread per core at its first parallel
# call, and they stay, polling for work through short sleeps: a process idle after one small
# DBSCAN used 0.49-0.56 s of CPU in 3 s, from then on (0.0 with one thread). A web worker that
# had found a planner's small clusters in place (geo.cluster_work) so kept a sixth of a core
# busy for good. In place, where the sets are small, one thread does it (200,000 pins took
# 0.64 s, against 0.50 s with two, one run each); the child that finds the large ones gets
# every core (`child_environment`) and ends.
THREADS = "PARLAY_NUM_THREADS"


def _dbscan_module() -> ModuleType:
    """The `dbscan` package, imported without scikit-learn.

    Its `__init__` also builds a scikit-learn wrapper we do not use, and importing
    scikit-learn took 1.8 s of a child's 2.0 s start. A None in `sys.modules` makes that
    import fail, which the package catches; the entry is put back at once.
    """
    if "dbscan" in sys.modules:
        return sys.modules["dbscan"]
    os.environ.setdefault(THREADS, "1")  # read at the scheduler's start: see THREADS
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


def child_environment() -> dict[str, str]:
    """The environment of a child that finds large sets' clusters: this one, with every core."""
    return {**os.environ, THREADS: str(os.cpu_count() or 1)}
