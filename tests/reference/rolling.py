"""Naive NumPy twins of ``candlescan.kernels.rolling`` (same names and signatures).

Each window is sliced and reduced with NumPy; the NaN rule is applied by computing every
run of non-NaN bars separately. Index kernels return absolute positions as float.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def _windows(real: F64, n: int, reduce: Callable[[F64, int], float]) -> F64:
    """``reduce(window, first_index)`` over every full window inside a clean run."""
    x = np.asarray(real, dtype=float)
    out = np.full(len(x), np.nan)
    for t in range(n - 1, len(x)):
        window = x[t - n + 1 : t + 1]
        if not np.isnan(window).any():
            out[t] = reduce(window, t - n + 1)
    return out


def max(real: F64, timeperiod: int = 30) -> F64:
    """Largest value of each window."""
    return _windows(real, timeperiod, lambda w, _: float(w.max()))


def min(real: F64, timeperiod: int = 30) -> F64:
    """Smallest value of each window."""
    return _windows(real, timeperiod, lambda w, _: float(w.min()))


def sum(real: F64, timeperiod: int = 30) -> F64:
    """Sum of each window."""
    return _windows(real, timeperiod, lambda w, _: float(np.sum(w)))


def _tracked_index(real: F64, n: int, sign: float) -> F64:
    """Index of the window's extreme with TA-Lib's tie rule: a new bar equal to the tracked
    extreme takes over; when the tracked bar leaves the window, the oldest extreme of the
    new window (``argmax`` returns the first of equal values) is tracked.
    """
    x = sign * np.asarray(real, dtype=float)
    out = np.full(len(x), np.nan)
    best = -1
    start = 0
    for t in range(len(x)):
        if np.isnan(x[t]):
            best, start = -1, t + 1
            continue
        if t - start < n - 1:
            continue
        lo = t - n + 1
        if best < lo:
            window = x[lo : t + 1]
            best = lo + int(np.argmax(window))  # argmax: first (oldest) of equal maxima
        elif x[t] >= x[best]:
            best = t
        out[t] = float(best)
    return out


def maxindex(real: F64, timeperiod: int = 30) -> F64:
    """Absolute index of each window's maximum (TA-Lib's tie rule)."""
    return _tracked_index(real, timeperiod, 1.0)


def minindex(real: F64, timeperiod: int = 30) -> F64:
    """Absolute index of each window's minimum (TA-Lib's tie rule)."""
    return _tracked_index(real, timeperiod, -1.0)


def highest(real: F64, timeperiod: int = 30) -> F64:
    """Alias of :func:`max`."""
    return max(real, timeperiod)


def lowest(real: F64, timeperiod: int = 30) -> F64:
    """Alias of :func:`min`."""
    return min(real, timeperiod)
