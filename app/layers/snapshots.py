"""Clusters found once for a paged read: the pages after the first are read from a snapshot.

Each page of the OGC clusters collection found the clusters again: 3.9-5.4 s a page at a
million pins (DBSCAN over every pin, in process), for each of the 363 pages of 100 a GIS asks
for. And a pin added between two pages renumbered the clusters, so a page could repeat or skip
one. A first page now stores every cluster it found, as the Feature it serves and its outline
(for `bbox`), and its `next` link names the snapshot: the later pages read the same clusters,
numbered the same.

A snapshot serves only the filters and parameters it was found for (`asked`), and only for
SNAPSHOT_TTL_S; a link followed later, or with other filters, finds the clusters afresh. The
snapshots live in the primary (a replica refuses writes, and would see one only later).

A GIS asks for a first page at each pan and each time it opens the layer. A snapshot notes the
map's data version (app.ideas.counts), which moves whenever a pin the clusters could count
changes (placed, moved, hidden, filtered on), and only then, but for the folds: while it has
not moved, a first page of the same `asked` reads the snapshot instead of finding the same
clusters again (`reusable`).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, insert, literal, or_, select
from sqlalchemy.orm import Session

from app.common.times import seconds_from_now
from app.ideas.counts import VERSION
from app.models import ClusterSnapshot, ClusterSnapshotFeature
from geo.filters import intersects_bbox
from geo.geojson import feature_select

# Long enough for a GIS to page through a large collection: at a million pins, the whole
# municipality's 36,259 clusters are 363 pages of 100, and each after the first took 49-68 ms
# (in process). And at most this many at once: that snapshot took 25 MB, and each first page
# of other filters keeps one more. A link to a snapshot swept away finds the clusters afresh.
SNAPSHOT_TTL_S = 900
MAX_SNAPSHOTS = 50
S = ClusterSnapshot
F = ClusterSnapshotFeature
Bbox = tuple[float, float, float, float]


def _fresh() -> ColumnElement[bool]:
    return S.made_at > seconds_from_now(-SNAPSHOT_TTL_S)


def kept(session: Session, snapshot_id: uuid.UUID, asked: str) -> bool:
    """Whether the snapshot is there, still fresh, and was found for what is `asked` now.

    Locked FOR SHARE until the caller's transaction ends: another request's sweep (`keep`)
    waits, and cannot delete it between this and the reading of its page.
    """
    found = select(S.id).where(S.id == snapshot_id, S.asked == asked, _fresh())
    return session.execute(found.with_for_update(read=True)).first() is not None


def pins_version(session: Session) -> str:
    """The map's data version as `session` sees it.

    Read before the pins: a pin stored between the two then leaves the snapshot noted at a
    version that is already past, never a snapshot that misses a pin under today's version.
    """
    return str(session.execute(VERSION).scalar_one())


def reusable(session: Session, asked: str, version: str) -> uuid.UUID | None:
    """The newest fresh snapshot found for `asked` at `version`, locked as `kept` locks it."""
    found = (
        select(S.id)
        .where(S.asked == asked, S.version == version, _fresh())
        .order_by(S.made_at.desc())
        .limit(1)
    )
    return session.execute(found.with_for_update(read=True)).scalar_one_or_none()


def keep(session: Session, layer: Select[Any], asked: str, version: str) -> uuid.UUID:
    """Store the features of `layer` (id, geom, properties) as a new snapshot; commits.

    `version`: the pins' (`pins_version`), read before `layer` read them. Snapshots past their
    time are swept away first, with their features, and the oldest beyond MAX_SNAPSHOTS.
    """
    newest = select(S.id).order_by(S.made_at.desc()).limit(MAX_SNAPSHOTS - 1)
    session.execute(delete(S).where(or_(~_fresh(), S.id.not_in(newest))))
    snapshot_id = uuid.uuid4()
    session.execute(insert(S).values(id=snapshot_id, asked=asked, version=version))
    rows = layer.cte("layer_rows")  # read twice below: PostgreSQL computes it once
    features = feature_select(select(rows)).subquery("features")
    stored = select(literal(snapshot_id), rows.c.id, rows.c.geom, features.c.feature).join_from(
        rows, features, features.c.key == rows.c.id
    )
    session.execute(insert(F).from_select(["snapshot_id", "number", "geom", "feature"], stored))
    session.commit()
    return snapshot_id


def _meeting(snapshot_id: uuid.UUID, bbox: Bbox | None) -> list[ColumnElement[bool]]:
    """The snapshot's features that meet `bbox` (all of them without one)."""
    conditions = [F.snapshot_id == snapshot_id]
    if bbox is not None:
        conditions.append(intersects_bbox(F.geom, bbox))
    return conditions


def page(snapshot_id: uuid.UUID, bbox: Bbox | None, *, offset: int, limit: int) -> Select[Any]:
    """`(feature, matched)` of a page of the snapshot's features that meet `bbox`, in order.

    `matched` is how many meet it in all (the same on every row).
    """
    return (
        select(F.feature, func.count().over().label("matched"))
        .where(*_meeting(snapshot_id, bbox))
        .order_by(F.number)
        .offset(offset)
        .limit(limit)
    )


def feature(snapshot_id: uuid.UUID, number: int) -> Select[Any]:
    """`feature`: the snapshot's cluster numbered `number`, as its pages served it."""
    return select(F.feature).where(F.snapshot_id == snapshot_id, F.number == number)


def matched(snapshot_id: uuid.UUID, bbox: Bbox | None) -> Select[Any]:
    """How many of the snapshot's features meet `bbox` (for a page past the end)."""
    return select(func.count()).select_from(F).where(*_meeting(snapshot_id, bbox))
