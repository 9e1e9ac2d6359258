"""DBSCAN labels in compiled code, for points already in metres.

The `dbscan` package (Wang, Gu and Shun's exact grid DBSCAN, SIGMOD 2020) labels a million
pins spread by population in 1.5-2.3 s on this machine, where PostGIS's `ST_ClusterDBSCAN`
took 13.6 s at eps 30 m and was refused beyond. geo/cluster_work.py runs it off the worker.
"""

from __future__ import annotations

import sys
from types import ModuleType

import numpy as np
from numpy.typing import NDArray

NOISE = -1


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
