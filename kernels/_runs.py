"""Clean runs: the NaN rule of the volatility, volume and statistics kernels.

A kernel cuts its inputs into maximal runs of bars where *every* input is non-NaN and
computes each run as if it were a whole series of its own (TA-Lib's numbers on the run,
with a fresh warm-up of ``lookback`` bars). Bars outside a run, and the warm-up bars at
the start of each run, are NaN. On finite input there is one run: exactly TA-Lib.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array

__all__: list[str] = []

BoolArray = npt.NDArray[np.bool_]


@njit
def _bad2(a: F64Array, b: F64Array) -> BoolArray:
    return np.isnan(a) | np.isnan(b)


@njit
def _bad3(a: F64Array, b: F64Array, c: F64Array) -> BoolArray:
    return np.isnan(a) | np.isnan(b) | np.isnan(c)


@njit
def _bad4(a: F64Array, b: F64Array, c: F64Array, d: F64Array) -> BoolArray:
    return np.isnan(a) | np.isnan(b) | np.isnan(c) | np.isnan(d)


@njit
def _next_clean(bad: BoolArray, start: int) -> tuple[int, int]:
    """``(s, e)``: the first run ``[s, e)`` with ``bad`` all False, at or after ``start``.

    ``s == len(bad)`` when there is none left.
    """
    n = len(bad)
    s = start
    while s < n and bad[s]:
        s += 1
    e = s
    while e < n and not bad[e]:
        e += 1
    return s, e


@njit
def _zero_flat(x: F64Array, s: int, e: int, period: int, out: F64Array) -> None:
    """Write 0 at every bar of ``[s, e)`` whose ``period``-bar window of ``x`` is flat.

    Counts the bar-to-bar changes inside the window in O(1) per bar, so a window of equal
    values is recognised exactly, where running sums would leave rounding noise.
    """
    changes = 0
    for i in range(s, e):
        if i > s and x[i] != x[i - 1]:
            changes += 1
        # The window ending at i holds the changes at bars i-period+2 .. i.
        leaving = i - period + 1
        if leaving > s and x[leaving] != x[leaving - 1]:
            changes -= 1
        if i >= s + period - 1 and changes == 0:
            out[i] = 0.0
