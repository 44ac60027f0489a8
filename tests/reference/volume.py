"""Naive twins of ``candlescan.kernels.volume`` (same names and signatures).

Written from the textbook definitions, independent of the kernel code: plain loops,
slow on purpose. The NaN rule is applied the obvious way: split the inputs into runs
of bars where every input is non-NaN and compute each run as a series of its own.
"""

from __future__ import annotations

import math

import numpy as np

from tests.reference.overlap import F64, per_run

NAN = math.nan


def obv(real: F64, volume: F64) -> F64:
    """Signed cumulative volume, starting at the first bar's volume (TA-Lib's seed)."""

    def one(price: F64, vol: F64) -> F64:
        out = np.empty(len(price))
        total = vol[0]
        out[0] = total
        for t in range(1, len(price)):
            if price[t] > price[t - 1]:
                total += vol[t]
            elif price[t] < price[t - 1]:
                total -= vol[t]
            out[t] = total
        return out

    return per_run(one, real, volume)


def _ad_line(high: F64, low: F64, close: F64, volume: F64) -> F64:
    out = np.empty(len(close))
    total = 0.0
    for t in range(len(close)):
        spread = high[t] - low[t]
        multiplier = ((close[t] - low[t]) - (high[t] - close[t])) / spread if spread > 0 else 0.0
        total += multiplier * volume[t]
        out[t] = total
    return out


def ad(high: F64, low: F64, close: F64, volume: F64) -> F64:
    """Cumulative money-flow volume from 0."""
    return per_run(_ad_line, high, low, close, volume)


def adosc(
    high: F64, low: F64, close: F64, volume: F64, fastperiod: int = 3, slowperiod: int = 10
) -> F64:
    """EMA(ad, fast) - EMA(ad, slow), both EMAs seeded with the first A/D value."""
    first = max(fastperiod, slowperiod) - 1

    def one(h: F64, lo: F64, c: F64, v: F64) -> F64:
        line = _ad_line(h, lo, c, v)
        out = np.full(len(line), NAN)
        fast = slow = line[0]
        for t in range(1, len(line)):
            fast += 2 / (fastperiod + 1) * (line[t] - fast)
            slow += 2 / (slowperiod + 1) * (line[t] - slow)
            if t >= first:
                out[t] = fast - slow
        return out

    return per_run(one, high, low, close, volume)
