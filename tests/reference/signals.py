"""Naive twins of ``candlescan.kernels.signals`` (same names and signatures)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def _cross(a: F64, b: F64, above: bool) -> F64:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    out = np.full(len(a), np.nan)
    for t in range(1, len(a)):
        values = (a[t - 1], b[t - 1], a[t], b[t])
        if any(np.isnan(v) for v in values):
            continue
        was, now = a[t - 1] - b[t - 1], a[t] - b[t]
        hit = (now > 0 and was <= 0) if above else (now < 0 and was >= 0)
        out[t] = 1.0 if hit else 0.0
    return out


def cross_above(real0: F64, real1: F64) -> F64:
    """1 where real0 goes from <= real1 to > real1."""
    return _cross(real0, real1, True)


def cross_below(real0: F64, real1: F64) -> F64:
    """1 where real0 goes from >= real1 to < real1."""
    return _cross(real0, real1, False)


def shift(real: F64, periods: int = 1) -> F64:
    """real[t - periods], NaN for the first ``periods`` bars."""
    x = np.asarray(real, dtype=float)
    out = np.full(len(x), np.nan)
    if periods < len(x):
        out[periods:] = x[: len(x) - periods]
    return out
