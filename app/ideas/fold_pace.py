"""How many deltas the background fold takes at a time: sized by how long the last batch took."""

from __future__ import annotations

from dataclasses import dataclass

# Deltas folded per transaction at most. A backlog folded in one statement can outlast the
# statement timeout: a million deltas (a bulk load by SQL, a folder stopped for a while) never
# folded within 30 s, so the folder failed every second and every view read the whole log
# (bench/). Measured at 1M pins: 20,000 deltas took 2.3-2.5 s warm and 24 s with the cells cold
# on disk; half that leaves a wide margin under the 30 s default. With the cells split by one
# dimension as well (up to zoom 14), 10,000 spread pins took 2.1 s warm, at 2.45M pins.
FOLD_BATCH = 10_000

# A batch that failed (past the statement timeout: the cells cold on disk, a machine busy with
# imports) would fail again whole, and the log would only grow: the next tries take a quarter
# as many, down to this. In one run of bench.http a fold of 10,000 imported pins outlasted the
# timeout and none of 171,500 was folded until the imports stopped.
SMALLEST_FOLD_BATCH = 500

# The share of the statement timeout a batch is sized to take. On umecom_load (17.7M pins)
# with the test suite beside it (load up to 9), a batch of 10,000 took 29.6 s against the 30 s
# timeout: waiting for a failure left no margin. Sized to a sixth, that batch's successor takes
# about 1,700 deltas. On the same database, quiet, beside 8 busy loops or with the cache dropped,
# batches of 10,000 took 0.24-1.81 s, so the batch stays at FOLD_BATCH.
TIMEOUT_SHARE = 1 / 6


@dataclass
class FoldPace:
    """The size of the next fold batch, kept near `target_s` seconds a batch.

    A batch that took longer than the target shrinks the next in proportion. One within it
    lets the next grow to what the rate just measured would fit, at most twofold: a short
    batch's time is mostly a statement's fixed cost, so its rate says little. After a failure
    the size drops to a quarter.
    """

    target_s: float
    size: int = FOLD_BATCH

    @classmethod
    def within(cls, statement_timeout_ms: int) -> FoldPace:
        """A pace that keeps each batch to a share of the statement timeout (0: none set)."""
        timeout_s = statement_timeout_ms / 1000 if statement_timeout_ms > 0 else 30.0
        return cls(target_s=timeout_s * TIMEOUT_SHARE)

    def took(self, folded: int, seconds: float) -> None:
        """A batch of `folded` deltas committed after `seconds`."""
        if seconds > self.target_s:
            self.size = _clamped(int(folded * self.target_s / seconds))
            return
        fitting = self.size * 2 if seconds <= 0 else int(folded * self.target_s / seconds)
        self.size = _clamped(min(max(self.size, fitting), self.size * 2))

    def failed(self) -> None:
        """A batch failed whole (past the timeout, most likely): try a quarter as many."""
        self.size = _clamped(self.size // 4)


def _clamped(size: int) -> int:
    return max(SMALLEST_FOLD_BATCH, min(size, FOLD_BATCH))
