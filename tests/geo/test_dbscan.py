"""geo/dbscan.py, geo/cluster_members.py and geo/cluster_work.py: DBSCAN's labels, what each
cluster holds and the child that finds them, checked against scikit-learn and against sums
written out by hand (no database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from scipy.spatial import cKDTree
from sklearn.cluster import DBSCAN

from geo import cluster_work
from geo.cluster_members import Coded, MetricPoints, encode, summarize
from geo.cluster_work import ClusterJob, run, run_in_child
from geo.dbscan import NOISE, THREADS, child_environment, density_labels


def _crowds(seed: int, n: int = 3000) -> np.ndarray:
    """Crowds of different spreads with scattered points between them, in metres."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 5000, (6, 2))
    crowds = [centre + rng.normal(0, rng.uniform(20, 200), (n // 8, 2)) for centre in centres]
    return np.vstack([*crowds, rng.uniform(0, 5000, (n - 6 * (n // 8), 2))]).round(2)


@pytest.mark.parametrize(("seed", "eps", "min_points"), [(1, 30.0, 5), (2, 12.5, 3), (3, 80, 12)])
def test_labels_equal_scikit_learn_for_core_points_and_noise(seed, eps, min_points):
    xy = _crowds(seed)
    ours = density_labels(xy, eps=eps, min_points=min_points)
    theirs = DBSCAN(eps=eps, min_samples=min_points).fit(xy)
    core = np.zeros(len(xy), dtype=bool)
    core[theirs.core_sample_indices_] = True
    assert np.array_equal(ours == NOISE, theirs.labels_ == -1)
    pairs = set(zip(ours[core].tolist(), theirs.labels_[core].tolist(), strict=True))
    assert len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs})


def test_a_border_point_joins_the_cluster_of_its_nearest_core():
    """Two rows of pins, eps 10 m, min_points 4: the pin between them has a core pin of each
    within eps (8 m west, 9 m east), is not core itself (3 pins in reach), and joins the
    nearer, whatever order the pins come in. DBSCAN leaves the choice open: this pins the
    package's, so that an upgrade that changes it is noticed."""
    west = [(x, 0.0) for x in (-9.0, -6.0, -3.0, 0.0)]
    east = [(x, 0.0) for x in (17.0, 20.0, 23.0, 26.0)]
    xy = np.array([*west, (8.0, 0.0), *east])
    sklearn_core = DBSCAN(eps=10, min_samples=4).fit(xy).core_sample_indices_
    assert 4 not in sklearn_core and {3, 5} <= set(sklearn_core)
    rng = np.random.default_rng(7)
    for order in (
        np.arange(len(xy)),
        np.arange(len(xy))[::-1],
        *rng.permuted([range(9)] * 5, axis=1),
    ):
        labels = density_labels(xy[order], eps=10, min_points=4)
        back = np.empty_like(labels)
        back[order] = labels
        assert back[4] == back[0] != back[5]


def test_border_points_join_their_nearest_core_in_a_crowd():
    xy = _crowds(8, 20_000)
    labels = density_labels(xy, eps=15, min_points=6)
    core = np.zeros(len(xy), dtype=bool)
    core[DBSCAN(eps=15, min_samples=6).fit(xy).core_sample_indices_] = True
    border = (labels != NOISE) & ~core
    distances, nearest = cKDTree(xy[core]).query(xy[border], k=2)
    clear = distances[:, 0] < distances[:, 1]  # no tie for the nearest
    assert border.sum() > 500 and clear.mean() > 0.99
    assert np.array_equal(labels[border][clear], labels[core][nearest[clear, 0]])


def _job(xy: np.ndarray, *, eps: float = 25, min_points: int = 4) -> ClusterJob:
    """A job as the app hands it over: rows of (kind, packed ids, packed xy), ids shuffled."""
    rng = np.random.default_rng(len(xy))
    ids = rng.permutation(len(xy)).astype(">i8") + 1
    kinds = rng.choice(["idea", "concern"], len(xy))
    rows = [
        (kind, ids[kinds == kind].tobytes(), xy[kinds == kind].astype(">f8").tobytes())
        for kind in ("idea", "concern")
    ]
    return ClusterJob(rows, ("kind",), eps=eps, min_points=min_points)


def test_the_child_process_gives_the_same_clusters():
    job = _job(_crowds(4, 5000))
    assert job.points == 5000
    in_child = run_in_child(job)
    assert in_child == run(job)
    assert len(in_child.sizes) > 10
    assert run_in_child(_job(np.empty((0, 2)))).sizes == []


def test_the_clusters_do_not_depend_on_the_rows_order():
    job = _job(_crowds(9, 4000))
    flipped = ClusterJob(job.rows[::-1], job.columns, eps=job.eps, min_points=job.min_points)
    assert run(flipped) == run(job)


def test_many_points_go_to_the_child(monkeypatch):
    calls = []
    monkeypatch.setattr(cluster_work, "run_in_child", lambda job, **kw: calls.append(job.points))
    few = _job(np.zeros((cluster_work.IN_PROCESS_MAX, 2)))
    cluster_work.find_clusters(few)
    assert calls == []
    cluster_work.find_clusters(_job(np.zeros((cluster_work.IN_PROCESS_MAX + 1, 2))))
    assert calls == [cluster_work.IN_PROCESS_MAX + 1]


def test_a_child_that_fails_is_an_error_not_empty_clusters(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(RuntimeError, match="DBSCAN child failed"):
        run_in_child(_job(_crowds(5, 100)))


def test_a_child_past_its_time_is_stopped():
    with pytest.raises(subprocess.TimeoutExpired):
        run_in_child(_job(_crowds(6, 50_000)), timeout_s=0.01)


# Labels found in a process of its own, as a web worker finds a small set's: its threads before
# and after, and the scheduler's setting then.
IN_PLACE = """
import os
import numpy as np
from geo.dbscan import THREADS, density_labels
before = len(os.listdir("/proc/self/task"))
density_labels(np.random.default_rng(1).uniform(0, 5000, (3000, 2)), eps=30.0, min_points=5)
print(before, len(os.listdir("/proc/self/task")), os.environ.get(THREADS, "unset"))
"""


def test_clusters_found_in_place_leave_no_threads_behind():
    """parlaylib's threads would stay after the labels, each polling for work (geo.dbscan)."""
    environment = {name: value for name, value in os.environ.items() if name != THREADS}
    done = subprocess.run(
        [sys.executable, "-c", IN_PLACE],
        env=environment,
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    before, after, threads = done.stdout.split()
    assert (after, threads) == (before, "1")


def test_the_child_finds_clusters_with_every_core():
    assert child_environment()[THREADS] == str(os.cpu_count())


def test_encode_sorts_the_vocabulary_with_none_first():
    vocabulary, codes = encode(["b", None, "a", "b", "c", None])
    assert vocabulary == [None, "a", "b", "c"]
    assert [vocabulary[c] for c in codes] == ["b", None, "a", "b", "c", None]
    assert encode([]) == ([], pytest.approx(np.empty(0)))


def _by_hand(ids, xy, labels, values):
    """What `summarize` must give, one cluster at a time in plain Python."""
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        if label >= 0:
            members.setdefault(int(label), []).append(i)
    clusters = sorted(members.values(), key=lambda m: min(ids[i] for i in m))
    expected = []
    for m in clusters:
        tallies = {}
        for name, column in values.items():
            counts: dict[str, int] = {}
            for i in m:
                key = "" if column[i] is None else column[i]
                counts[key] = counts.get(key, 0) + 1
            best = max(counts.values())
            top = min((v for v in counts if counts[v] == best), key=str)
            tallies[name] = (counts, None if top == "" else top)
        expected.append((sorted(int(ids[i]) for i in m), tallies, shapely.MultiPoint(xy[m])))
    return expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summaries_equal_sums_by_hand(seed):
    rng = np.random.default_rng(seed)
    n = 400
    ids = np.sort(rng.choice(10**6, n, replace=False)).astype(np.int64)
    xy = rng.uniform(0, 100, (n, 2))
    labels = rng.integers(-1, 40, n).astype(np.int32)
    labels[:3] = 99  # a cluster of three
    labels[3] = 98  # and one of one point
    kinds = rng.choice(["idea", "concern"], n).tolist()
    categories = rng.choice(["traffic", "green", None, "other"], n).tolist()
    values = {"kind": kinds, "category": categories}
    coded = {name: Coded(*encode(column)) for name, column in values.items()}
    summary = summarize(MetricPoints(ids=ids, xy=xy, values=coded), labels)
    expected = _by_hand(ids, xy, labels, values)
    assert len(summary.sizes) == len(expected)
    for k, (member_ids, tallies, points) in enumerate(expected):
        assert summary.member_ids[k] == "{" + ",".join(map(str, member_ids)) + "}"
        assert summary.sizes[k] == len(member_ids)
        for name, (counts, top) in tallies.items():
            assert json.loads(summary.counts[name][k]) == counts
            assert summary.most_frequent[name][k] == top
        assert shapely.from_wkb(summary.hulls[k]).equals(points.convex_hull)


def test_no_clusters_sum_up_to_nothing():
    points = MetricPoints(
        ids=np.arange(3, dtype=np.int64),
        xy=np.zeros((3, 2)),
        values={"kind": Coded(*encode(["a", "b", "a"]))},
    )
    summary = summarize(points, np.full(3, NOISE, dtype=np.int32))
    assert summary.hulls == summary.sizes == summary.member_ids == []
    assert summary.counts == {"kind": []} and summary.most_frequent == {"kind": []}
