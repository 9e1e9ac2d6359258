"""DBSCAN's clusters found off the web worker: decoded, labelled and summed up in a child.

All of it holds the GIL: for a million pins the labels take 1.5-2.5 s, decoding and summing
up 0.5-1.5 s more. In a gevent worker that stalls every other request and event stream of
the worker (a small map view waited up to 1.05 s beside a 1M-pin layer with the labels alone
in a child), so a large set goes whole to a child process and only a small one is done in
the caller's.

Run as `python -m geo.cluster_work`, this module is that child: a pickled `ClusterJob` on
stdin, the pickled `ClusterSummary` on stdout. Parent and child are the same code.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from geo.cluster_members import ClusterSummary, decode_points, summarize
from geo.dbscan import child_environment, density_labels

# Up to this many points the work is done in the caller's process: 20,000 took ~20 ms, a
# pause no other request notices. A child costs ~0.2 s to start.
IN_PROCESS_MAX = 20_000


@dataclass(frozen=True)
class ClusterJob:
    """DBSCAN over `geo.cluster.metric_points`' rows, as plain tuples, counting `columns`."""

    rows: Sequence[tuple[Any, ...]]
    columns: tuple[str, ...]
    eps: float
    min_points: int

    @property
    def points(self) -> int:
        """How many points the rows hold (8 bytes of id each)."""
        return sum(len(row[len(self.columns)]) // 8 for row in self.rows)


def run(job: ClusterJob) -> ClusterSummary:
    """The job, in this process."""
    points = decode_points(job.rows, job.columns)
    labels = density_labels(points.xy, eps=job.eps, min_points=job.min_points)
    return summarize(points, labels)


def run_in_child(job: ClusterJob, *, timeout_s: float | None = None) -> ClusterSummary:
    """The job, in a child process. Under gevent the wait is cooperative.

    Raises subprocess.TimeoutExpired (the child is killed) after `timeout_s`.
    """
    done = subprocess.run(
        [sys.executable, "-m", "geo.cluster_work"],
        input=pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL),
        env=child_environment(),
        capture_output=True,
        timeout=timeout_s,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the DBSCAN child failed: {done.stderr.decode(errors='replace')}")
    summary = pickle.loads(done.stdout)  # our own child's answer
    if not isinstance(summary, ClusterSummary):
        raise RuntimeError(f"the DBSCAN child answered a {type(summary).__name__}")
    return summary


def find_clusters(
    job: ClusterJob,
    *,
    timeout_s: float | None = None,
    child_turn: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> ClusterSummary:
    """The job's clusters: in this process for a few points, in a child for many.

    A child runs inside `child_turn()`, the caller's limit on children at once.
    """
    if job.points <= IN_PROCESS_MAX:
        return run(job)
    with child_turn():
        return run_in_child(job, timeout_s=timeout_s)


if __name__ == "__main__":
    sys.stdout.buffer.write(
        pickle.dumps(run(pickle.load(sys.stdin.buffer)), protocol=pickle.HIGHEST_PROTOCOL)
    )
