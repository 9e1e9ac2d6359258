"""What each DBSCAN cluster holds, summed up from its members' labels in NumPy and Shapely.

PostGIS grouping 890,000 labelled pins (joined back to their rows, sorted by label, their ids
sorted and their points collected per cluster) took 6.8-7.1 s of a 1M-pin layer; summing them
up here from the arrays DBSCAN was given took 0.36-0.44 s (bench/README.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray


@dataclass(frozen=True)
class Coded:
    """A column's values as codes: `vocabulary[codes[i]]` is the i-th point's value."""

    vocabulary: list[str | None]
    codes: NDArray[np.intp]


@dataclass(frozen=True)
class MetricPoints:
    """Points sorted by id: their ids, x and y in metres, and the columns to count, coded."""

    ids: NDArray[np.int64]
    xy: NDArray[np.float64]
    values: dict[str, Coded]


@dataclass(frozen=True)
class ClusterSummary:
    """One entry per cluster, numbered in the order of each cluster's smallest member id.

    `hulls` are the members' convex hulls as WKB in the points' metres (a point or a line
    when the members have no area), `member_ids` PostgreSQL array literals of the sorted ids,
    `counts` {value: count} as JSON per column, `most_frequent` the value with the largest
    count per column (ties: the smallest value).
    """

    hulls: list[bytes]
    sizes: list[int]
    member_ids: list[str]
    counts: dict[str, list[str]]
    most_frequent: dict[str, list[str | None]]


def encode(values: Sequence[str | None]) -> tuple[list[str | None], NDArray[np.intp]]:
    """`(vocabulary, codes)`: the distinct values, sorted (None first), and each value's index.

    Sorted, so that the first of equal counts (`np.argmax`) is the smallest value.
    """
    seen: dict[str | None, int] = {}
    first_seen = np.fromiter(
        (seen.setdefault(v, len(seen)) for v in values), dtype=np.intp, count=len(values)
    )
    vocabulary = sorted(seen, key=lambda v: (v is not None, v or ""))
    rank = np.empty(len(seen), dtype=np.intp)
    rank[[seen[v] for v in vocabulary]] = np.arange(len(vocabulary))
    return vocabulary, rank[first_seen]


def decode_points(rows: Sequence[Sequence[Any]], columns: Sequence[str]) -> MetricPoints:
    """`geo.cluster.metric_points`' rows as arrays, sorted by id.

    Each row holds the values of `columns`, then the packed ids and xy. Sorted, so that the
    same pins always give DBSCAN the same input.
    """
    width = len(columns)
    ids = np.frombuffer(b"".join(row[width] for row in rows), dtype=">i8").astype(np.int64)
    xy = np.frombuffer(b"".join(row[width + 1] for row in rows), dtype=">f8")
    sizes = [len(row[width]) // 8 for row in rows]
    order = np.argsort(ids, kind="stable")
    values = {}
    for i, name in enumerate(columns):
        vocabulary, row_codes = encode([row[i] for row in rows])
        values[name] = Coded(vocabulary, np.repeat(row_codes, sizes)[order])
    return MetricPoints(
        ids=ids[order], xy=xy.astype(np.float64).reshape(-1, 2)[order], values=values
    )


def _hulls(xy: NDArray[np.float64], number: NDArray[np.intp], sizes: NDArray[np.intp]) -> Any:
    """The convex hull of each cluster's points (`number`: each point's cluster, ascending).

    Built as lines, not multipoints: Shapely made a Point of each of 890,000 members first
    (1.27 s), lines take the coordinates as they are (0.17 s). A line needs two points, so a
    one-member cluster is a point.
    """
    hulls = np.empty(len(sizes), dtype=object)
    several = sizes > 1
    on_line = several[number]
    hulls[~several] = shapely.points(xy[~on_line])
    if on_line.any():
        line_of = np.cumsum(several) - 1  # the lines are numbered without the points
        lines = shapely.linestrings(xy[on_line], indices=line_of[number[on_line]])
        hulls[several] = shapely.convex_hull(lines)
    return hulls


def summarize(points: MetricPoints, labels: NDArray[np.int32]) -> ClusterSummary:
    """Sum up the clusters of `labels` (one per point; negative: noise)."""
    clustered = np.flatnonzero(labels >= 0)
    # The first member met of each label is its smallest id: the clusters are numbered so.
    _, first, label_index = np.unique(labels[clustered], return_index=True, return_inverse=True)
    number_of_label = np.argsort(np.argsort(first, kind="stable"), kind="stable")
    by_number = np.argsort(number_of_label[label_index], kind="stable")  # ids stay in order
    order = clustered[by_number]
    number = number_of_label[label_index][by_number]
    sizes = np.bincount(number, minlength=len(first))
    members = points.ids[order]
    ends = np.cumsum(sizes).tolist()
    # One cluster's ids at a time: a string per member at once cost ~60 MB at 890,000.
    member_ids = [
        "{" + ",".join(map(str, members[end - size : end].tolist())) + "}"
        for end, size in zip(ends, sizes.tolist(), strict=True)
    ]
    counts: dict[str, list[str]] = {}
    most_frequent: dict[str, list[str | None]] = {}
    for name, coded in points.values.items():
        width = max(len(coded.vocabulary), 1)
        table = np.bincount(
            number * width + coded.codes[order], minlength=len(sizes) * width
        ).reshape(len(sizes), width)
        keys = ["" if v is None else v for v in coded.vocabulary]
        counts[name] = [
            json.dumps({keys[i]: int(row[i]) for i in np.flatnonzero(row)}) for row in table
        ]
        most_frequent[name] = [coded.vocabulary[i] for i in table.argmax(axis=1)]
    return ClusterSummary(
        hulls=list(shapely.to_wkb(_hulls(points.xy[order], number, sizes))),
        sizes=sizes.tolist(),
        member_ids=member_ids,
        counts=counts,
        most_frequent=most_frequent,
    )
