"""The background fold sizes its batches by how long the last one took (app.ideas.fold_pace)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from app.db import get_engine, get_session
from app.ideas import counts
from app.ideas.counts import fold_map_log
from app.ideas.fold_pace import FOLD_BATCH, SMALLEST_FOLD_BATCH, FoldPace
from geo.pyramid import FOLD_LOCK
from tests.ideas.conftest import run_sql


class RecordedPace(FoldPace):
    """A pace that keeps what each batch moved and how long it took."""

    def __init__(self, target_s: float, size: int) -> None:
        super().__init__(target_s=target_s, size=size)
        self.batches: list[tuple[int, float]] = []

    def took(self, folded: int, seconds: float) -> None:
        self.batches.append((folded, seconds))
        super().took(folded, seconds)


def _logged(app) -> int:
    return int(run_sql(app, "SELECT count(*) FROM map_deltas").scalar_one())


def test_a_pace_keeps_to_a_sixth_of_the_statement_timeout():
    assert FoldPace.within(30_000) == FoldPace(target_s=5.0, size=FOLD_BATCH)
    assert FoldPace.within(0).target_s == 5.0  # no timeout set: as the default's


@pytest.mark.parametrize(
    ("size", "folded", "seconds", "after"),
    [
        (10_000, 10_000, 29.6, 1689),  # the overloaded fold of the twelfth stop: 5 s worth
        (10_000, 10_000, 2.1, 10_000),  # a quiet machine: never above FOLD_BATCH
        (1000, 1000, 1.0, 2000),  # within the target: at most twice as many
        (1000, 1000, 4.0, 1250),  # ... or what the rate would fit in the target
        (4000, 40, 0.2, 4000),  # a short batch within the target says little: kept
        (4000, 40, 20.0, SMALLEST_FOLD_BATCH),  # ... one far past it shrinks, to the floor
        (1000, 1000, 0.0, 2000),  # a clock that did not move
    ],
)
def test_the_next_batch_follows_the_time_the_last_one_took(size, folded, seconds, after):
    pace = FoldPace(target_s=5.0, size=size)
    pace.took(folded, seconds)
    assert pace.size == after


def test_a_failed_batch_quarters_the_next_down_to_the_floor():
    pace = FoldPace(target_s=5.0)
    sizes = []
    for _ in range(4):
        pace.failed()
        sizes.append(pace.size)
    assert sizes == [2500, 625, SMALLEST_FOLD_BATCH, SMALLEST_FOLD_BATCH]


def test_each_batch_takes_as_many_as_the_pace_says_then(seeded):
    run_sql(seeded, "UPDATE ideas SET status = 'done' WHERE id % 3 = 0")  # 1,000 deltas
    logged = _logged(seeded)
    sizes = iter([100, 300])

    class Stepping(RecordedPace):
        def took(self, folded: int, seconds: float) -> None:
            super().took(folded, seconds)
            self.size = next(sizes, FOLD_BATCH)

    pace = Stepping(target_s=5.0, size=200)
    with seeded.app_context():
        assert fold_map_log(get_session(), pace=pace) == logged
    moved = [folded for folded, _ in pace.batches]
    assert moved == [200, 100, 300, logged - 600]
    assert _logged(seeded) == 0


def test_waiting_for_another_process_fold_is_not_the_batch_time(seeded):
    """A folder that queued behind the other worker's long fold times its batch from the
    lock: the wait would otherwise shrink its next batch. No figure of this machine's speed
    is assumed: the batch's time must fit between the other's release and the fold's end."""
    run_sql(seeded, "UPDATE ideas SET status = 'done' WHERE id % 3 = 0")
    pace = RecordedPace(target_s=60.0, size=FOLD_BATCH)
    held = threading.Event()
    releasing: list[float] = []

    def hold_the_fold_lock() -> None:
        with seeded.app_context(), get_engine().connect() as other:
            other.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FOLD_LOCK})
            held.set()
            time.sleep(1.5)
            releasing.append(time.monotonic())  # committed on leaving: the lock goes after

    holder = threading.Thread(target=hold_the_fold_lock)
    holder.start()
    held.wait(10)
    with seeded.app_context():
        moved = fold_map_log(get_session(), pace=pace)
    finished = time.monotonic()
    holder.join()
    assert finished > releasing[0]  # the fold queued behind the other
    assert moved > 1000 and [folded for folded, _ in pace.batches] == [moved]
    assert pace.batches[0][1] <= finished - releasing[0]


def test_a_slow_batch_makes_the_folder_take_fewer(seeded, monkeypatch):
    """A batch past the target (here a real pg_sleep in its transaction) shrinks the next."""
    import app.upkeep as upkeep

    run_sql(seeded, "UPDATE ideas SET status = 'done' WHERE id % 3 = 0")
    fold = counts.fold

    def slow_fold(session, pyramid, *, limit):
        session.execute(text("SELECT pg_sleep(0.4)"))
        return fold(session, pyramid, limit=limit)

    monkeypatch.setattr(counts, "fold", slow_fold)
    folder = upkeep.MapFolder(seeded, interval=0)
    folder.pace = FoldPace(target_s=0.2, size=FOLD_BATCH)
    moved = folder.fold_once()
    assert moved > 1000
    # 0.4 s or more against 0.2 s: half as many as that batch, or the floor
    assert folder.pace.size <= max(SMALLEST_FOLD_BATCH, moved // 2)
