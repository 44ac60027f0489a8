"""Naive twins of ``candlescan.kernels.volatility`` (same names and signatures).

Written from the textbook definitions, independent of the kernel code: plain loops,
slow on purpose. The NaN rule is applied the obvious way: split the inputs into runs
of bars where every input is non-NaN and compute each run as a series of its own.
"""

from __future__ import annotations

import math

import numpy as np

from tests.reference.overlap import F64, per_run

NAN = math.nan


def _true_range(high: F64, low: F64, close: F64) -> F64:
    out = np.full(len(close), NAN)
    for t in range(1, len(close)):
        out[t] = max(high[t] - low[t], abs(high[t] - close[t - 1]), abs(low[t] - close[t - 1]))
    return out


def _wilder_atr(high: F64, low: F64, close: F64, n: int) -> F64:
    tr = _true_range(high, low, close)
    if n == 1:
        return tr
    out = np.full(len(close), NAN)
    if len(close) <= n:
        return out
    value = sum(tr[1 : n + 1]) / n
    out[n] = value
    for t in range(n + 1, len(close)):
        value = (value * (n - 1) + tr[t]) / n
        out[t] = value
    return out


def trange(high: F64, low: F64, close: F64) -> F64:
    """max(high - low, |high - prev close|, |low - prev close|)."""
    return per_run(_true_range, high, low, close)


def atr(high: F64, low: F64, close: F64, timeperiod: int = 14) -> F64:
    """Wilder's average of the true range, seeded with the mean of TR[1..n]."""
    return per_run(lambda h, lo, c: _wilder_atr(h, lo, c, timeperiod), high, low, close)


def natr(high: F64, low: F64, close: F64, timeperiod: int = 14) -> F64:
    """ATR / close * 100 (0 for a zero close; the raw true range for period 1)."""

    def one(h: F64, lo: F64, c: F64) -> F64:
        values = _wilder_atr(h, lo, c, timeperiod)
        if timeperiod == 1:  # TA-Lib returns the raw true range for period 1
            return values
        return np.array(
            [
                NAN if math.isnan(a) else (0.0 if p == 0 else a / p * 100)
                for a, p in zip(values, c, strict=True)
            ]
        )

    return per_run(one, high, low, close)


def _population_var(x: F64, n: int) -> F64:
    out = np.full(len(x), NAN)
    for t in range(n - 1, len(x)):
        window = [float(v) for v in x[t - n + 1 : t + 1]]
        mean = sum(window) / n
        out[t] = sum((v - mean) ** 2 for v in window) / n
    return out


def var(real: F64, timeperiod: int = 5, nbdev: float = 1.0) -> F64:
    """Population variance of the last ``timeperiod`` values (``nbdev`` ignored)."""
    return per_run(lambda x: _population_var(x, timeperiod), real)


def stddev(real: F64, timeperiod: int = 5, nbdev: float = 1.0) -> F64:
    """nbdev * population standard deviation of the last ``timeperiod`` values."""

    def one(x: F64) -> F64:
        values = _population_var(x, timeperiod)
        return np.array(
            [NAN if math.isnan(v) else (math.sqrt(v) * nbdev if v > 0 else 0.0) for v in values]
        )

    return per_run(one, real)
