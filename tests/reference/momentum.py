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
        return np.where(total == 0.0, 50.0, value)

    return _per_run(real, one)


def cmo(real: F64, timeperiod: int = 14) -> F64:
    """CMO = 100 * (avg_gain - avg_loss) / (avg_gain + avg_loss); 0 with no movement."""

    def one(x: F64) -> F64:
        gain, loss = _wilder_averages(x, timeperiod)
        total = gain + loss
        with np.errstate(invalid="ignore", divide="ignore"):
            value = 100.0 * (gain - loss) / total
        return np.where(total == 0.0, 0.0, value)

    return _per_run(real, one)


def ma(real: F64, timeperiod: int, matype: int) -> F64:
    """TA-Lib's MA by type code, from the overlap family's twins; period 1 is a copy."""
    from tests.reference import overlap

    real = np.asarray(real, dtype=np.float64)
    if timeperiod == 1:
        return real.copy()
    names = {0: "sma", 1: "ema", 2: "wma", 3: "dema", 4: "tema", 5: "trima", 6: "kama"}
    if matype in names:
        return np.asarray(getattr(overlap, names[matype])(real, timeperiod))
    if matype == 7:
        return np.asarray(overlap.mama(real, 0.5, 0.05)[0])
    if matype == 8:
        return np.asarray(overlap.t3(real, timeperiod, 0.7))
    raise ValueError(f"matype {matype}")


def _shifted(real: F64, n: int, formula: Callable[[float, float], float]) -> F64:
    def one(x: F64) -> F64:
        out = np.full(len(x), np.nan)
        for t in range(n, len(x)):
            out[t] = formula(x[t], x[t - n])
        return out

    return _per_run(real, one)


def mom(real: F64, timeperiod: int = 10) -> F64:
    """real[t] - real[t-n]."""
    return _shifted(real, timeperiod, lambda now, then: now - then)


def roc(real: F64, timeperiod: int = 10) -> F64:
    """100 * (real[t] / real[t-n] - 1); 0 for a zero base."""
    return _shifted(real, timeperiod, lambda now, then: (now / then - 1) * 100 if then else 0.0)


def rocp(real: F64, timeperiod: int = 10) -> F64:
    """(real[t] - real[t-n]) / real[t-n]; 0 for a zero base."""
    return _shifted(real, timeperiod, lambda now, then: (now - then) / then if then else 0.0)


def rocr(real: F64, timeperiod: int = 10) -> F64:
    """real[t] / real[t-n]; 1 for a zero base."""
    return _shifted(real, timeperiod, lambda now, then: now / then if then else 1.0)
