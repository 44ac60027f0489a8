"""Naive twins of ``candlescan.kernels.momentum``: same names and signatures, textbook loops.

Each twin splits the input into runs of clean bars with :func:`_runs` and applies the
textbook definition to each run as a whole series (the project's NaN rule).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def _runs(*arrays: F64) -> list[tuple[int, int]]:
    """``[begin, end)`` of each maximal run where no input is NaN."""
    bad = np.zeros(len(arrays[0]), dtype=bool)
    for array in arrays:
        bad |= np.isnan(np.asarray(array, dtype=np.float64))
    runs: list[tuple[int, int]] = []
    begin = None
    for i, flag in enumerate(bad):
        if not flag and begin is None:
            begin = i
        elif flag and begin is not None:
            runs.append((begin, i))
            begin = None
    if begin is not None:
        runs.append((begin, len(bad)))
    return runs


def _per_run(real: F64, function: Callable[[F64], F64]) -> F64:
    real = np.asarray(real, dtype=np.float64)
    out = np.full(len(real), np.nan)
    for begin, end in _runs(real):
        out[begin:end] = function(real[begin:end])
    return out


def _wilder_averages(real: F64, n: int) -> tuple[F64, F64]:
    """Wilder's average gain and loss, defined from index ``n`` on (NaN before)."""
    gains = np.full(len(real), np.nan)
    losses = np.full(len(real), np.nan)
    if len(real) <= n:
        return gains, losses
    change = np.diff(real)
    up = np.where(change > 0, change, 0.0)
    down = np.where(change < 0, -change, 0.0)
    gains[n] = up[:n].sum() / n
    losses[n] = down[:n].sum() / n
    for t in range(n + 1, len(real)):
        gains[t] = (gains[t - 1] * (n - 1) + up[t - 1]) / n
        losses[t] = (losses[t - 1] * (n - 1) + down[t - 1]) / n
    return gains, losses


def rsi(real: F64, timeperiod: int = 14) -> F64:
    """RSI = 100 * avg_gain / (avg_gain + avg_loss); 50 when there is no movement."""

    def one(x: F64) -> F64:
        gain, loss = _wilder_averages(x, timeperiod)
        total = gain + loss
        with np.errstate(invalid="ignore", divide="ignore"):
            value = 100.0 * gain / total
        return np.where(np.abs(total) < 1e-8, 50.0, value)

    return _per_run(real, one)
