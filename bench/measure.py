"""How the benchmarks measure: wall-clock time, bytes streamed, peak memory of this process.

The Flask app runs in this process (its test client), so this process is the one serving:
its peak resident memory during a request is the serving process's.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kb(name: str) -> int:
    """A `VmRSS`/`VmHWM` figure of this process, in kB (0 where /proc is missing)."""
    try:
        for line in STATUS.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peak() -> int:
    """Start a new peak-memory window (Linux: write 5 to clear_refs); the RSS now, in kB."""
    with contextlib.suppress(OSError):
        CLEAR_REFS.write_text("5")
    return _status_kb("VmRSS")


def peak_kb() -> int:
    """The highest resident memory since the last reset, in kB."""
    return _status_kb("VmHWM")


@dataclass
class Figures:
    """What a case measured over its runs."""

    samples_ms: list[float] = field(default_factory=list)
    size_bytes: int = 0
    growth_kb: int = 0
    failure: str | None = None

    @property
    def median(self) -> float:
        """Median wall-clock milliseconds."""
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        """95th percentile milliseconds (nearest rank)."""
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]

    @property
    def mb_per_s(self) -> float:
        """Throughput at the median time."""
        return self.size_bytes / 1e6 / (self.median / 1000) if self.median else 0.0


def measure(
    call: Callable[[], int],
    runs: int,
    *,
    warm_up: bool = True,
    before: Callable[[], None] | None = None,
) -> Figures:
    """Time `call` (it returns the bytes it received) `runs` times after a warm-up.

    `before`, when given, runs before each call, untimed. A call that raises stops the case
    and is reported as its failure.
    """
    figures = Figures()
    try:
        if warm_up:
            call()
        for _ in range(runs):
            if before is not None:
                before()
            peak_before = reset_peak()
            start = time.perf_counter()
            figures.size_bytes = call()
            figures.samples_ms.append((time.perf_counter() - start) * 1000)
            figures.growth_kb = max(figures.growth_kb, peak_kb() - peak_before)
    except Exception as exc:  # reported in the table, not raised: the other cases still run
        figures.failure = str(exc).splitlines()[0][:80]
    return figures
