"""Interleaved timing of several implementations of the same computation.

Each repeat times every implementation once, in a rotated order, so slow drifts of a
shared machine (other processes, CPU frequency) hit all of them alike; the summary is
the median over repeats. One sample runs a call ``number`` times, with ``number`` chosen
so that a sample lasts at least :data:`MIN_SAMPLE_S` (timer resolution and per-call
jitter otherwise dominate 10^3-bar calls of a few microseconds).
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["MIN_SAMPLE_S", "Timing", "interleaved"]

#: Shortest sample worth timing.
MIN_SAMPLE_S = 0.002


@dataclass(frozen=True)
class Timing:
    """Seconds per call of one implementation: every repeat and their median.

    ``faults`` is the median count of minor page faults per call (memory the call
    touched for the first time), or ``None`` where the platform cannot count them.
    """

    samples: tuple[float, ...]
    number: int
    faults: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def _calibrate(call: Callable[[], object]) -> int:
    start = time.perf_counter()
    call()
    once = max(time.perf_counter() - start, 1e-9)
    return max(1, min(100_000, math.ceil(MIN_SAMPLE_S / once)))


def interleaved(calls: Mapping[str, Callable[[], object]], repeats: int) -> dict[str, Timing]:
    """Time each of ``calls`` ``repeats`` times, interleaved; seconds per call."""
    names = list(calls)
    numbers = {name: _calibrate(calls[name]) for name in names}  # also warms caches
    samples: dict[str, list[float]] = {name: [] for name in names}
    faults: dict[str, list[float]] = {name: [] for name in names}
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for repeat in range(repeats):
            shift = repeat % len(names)
            for name in names[shift:] + names[:shift]:
                call, number = calls[name], numbers[name]
                faulted = _minor_faults()
                start = time.perf_counter()
                for _ in range(number):
                    call()
                samples[name].append((time.perf_counter() - start) / number)
                if faulted is not None:
                    faults[name].append(((_minor_faults() or 0) - faulted) / number)
    finally:
        if was_enabled:
            gc.enable()
    return {
        name: Timing(
            tuple(samples[name]),
            numbers[name],
            statistics.median(faults[name]) if faults[name] else None,
        )
        for name in names
    }


def _minor_faults() -> int | None:
    """Minor page faults of this process so far (first touches of fresh memory)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_minflt)


def ratio_quartiles(ours: Timing, theirs: Timing) -> tuple[float, float, float]:
    """Quartiles of the per-repeat ratios ``ours / theirs`` (pairs from the same repeat)."""
    ratios = sorted(a / b for a, b in zip(ours.samples, theirs.samples, strict=True))
    if len(ratios) == 1:
        return ratios[0], ratios[0], ratios[0]
    q1, q2, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
    return q1, q2, q3
