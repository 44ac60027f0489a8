"""Naive twins of ``candlescan.kernels.channels`` (same names and signatures).

Written from the textbook definitions, independent of the kernel code: plain loops,
slow on purpose. The NaN rule is applied the obvious way: split the inputs into runs
of bars where every input is non-NaN and compute each run as a series of its own.
"""

from __future__ import annotations

import math

import numpy as np

from tests.reference.overlap import F64, per_run_multi
from tests.reference.volatility import _wilder_atr

NAN = math.nan


def _ema(x: F64, n: int) -> F64:
    out = np.full(len(x), NAN)
    if len(x) < n:
        return out
    value = sum(x[:n]) / n
    out[n - 1] = value
    alpha = 2.0 / (n + 1)
    for t in range(n, len(x)):
        value = alpha * x[t] + (1 - alpha) * value
        out[t] = value
    return out


def keltner(
    high: F64,
    low: F64,
    close: F64,
    timeperiod: int = 20,
    multiplier: float = 2.0,
    atr_period: int = 10,
) -> tuple[F64, F64, F64]:
    """EMA(close) +/- multiplier * ATR, all three from max(timeperiod - 1, atr_period)."""
    first = max(timeperiod - 1, atr_period)

    def one(h: F64, lo: F64, c: F64) -> tuple[F64, F64, F64]:
        middle = _ema(c, timeperiod)
        width = _wilder_atr(h, lo, c, atr_period)
        middle[:first] = NAN
        return middle + multiplier * width, middle, middle - multiplier * width

    upper, middle, lower = per_run_multi(one, 3, high, low, close)
    return upper, middle, lower


def donchian(high: F64, low: F64, timeperiod: int = 20) -> tuple[F64, F64, F64]:
    """Highest high, midpoint, lowest low of the last ``timeperiod`` bars."""

    def one(h: F64, lo: F64) -> tuple[F64, F64, F64]:
        upper = np.full(len(h), NAN)
        lower = np.full(len(h), NAN)
        for t in range(timeperiod - 1, len(h)):
            upper[t] = max(h[t - timeperiod + 1 : t + 1])
            lower[t] = min(lo[t - timeperiod + 1 : t + 1])
        return upper, (upper + lower) / 2, lower

    upper, middle, lower = per_run_multi(one, 3, high, low)
    return upper, middle, lower


def supertrend(
    high: F64, low: F64, close: F64, timeperiod: int = 10, multiplier: float = 3.0
) -> tuple[F64, F64]:
    """hl2 +/- multiplier * ATR with ratcheting final bands; trend +1 up, -1 down."""

    def one(h: F64, lo: F64, c: F64) -> tuple[F64, F64]:
        width = _wilder_atr(h, lo, c, timeperiod)
        line = np.full(len(c), NAN)
        trend = np.full(len(c), NAN)
        upper = lower = NAN
        rising = True
        for t in range(timeperiod, len(c)):
            basic_upper = (h[t] + lo[t]) / 2 + multiplier * width[t]
            basic_lower = (h[t] + lo[t]) / 2 - multiplier * width[t]
            if t == timeperiod:
                upper, lower, rising = basic_upper, basic_lower, True
            else:
                if basic_upper < upper or c[t - 1] > upper:
                    upper = basic_upper
                if basic_lower > lower or c[t - 1] < lower:
                    lower = basic_lower
                if rising and c[t] < lower:
                    rising = False
                elif not rising and c[t] > upper:
                    rising = True
            line[t] = lower if rising else upper
            trend[t] = 1.0 if rising else -1.0
        return line, trend

    line, trend = per_run_multi(one, 2, high, low, close)
    return line, trend
