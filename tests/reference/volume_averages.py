"""Naive twins of ``candlescan.kernels.volume_averages`` (same names and signatures).

Written from the textbook definitions, independent of the kernel code: plain loops,
slow on purpose. The NaN rule is applied the obvious way: split the inputs into runs
of bars where every input is non-NaN and compute each run as a series of its own.
"""

from __future__ import annotations

import math

import numpy as np

from tests.reference.overlap import F64, per_run, runs

NAN = math.nan


def _weighted_mean(prices: F64, weights: F64) -> float:
    total = float(sum(weights))
    if total == 0:
        return NAN
    return float(sum(p * w for p, w in zip(prices, weights, strict=True))) / total


def vwap(high: F64, low: F64, close: F64, volume: F64, timeperiod: int = 0) -> F64:
    """Volume-weighted typical price: cumulative (0) or over the last ``timeperiod`` bars."""

    def one(h: F64, lo: F64, c: F64, v: F64) -> F64:
        typical = (h + lo + c) / 3
        out = np.full(len(c), NAN)
        for t in range(len(c)):
            start = 0 if timeperiod == 0 else t - timeperiod + 1
            if start >= 0:
                out[t] = _weighted_mean(typical[start : t + 1], v[start : t + 1])
        return out

    return per_run(one, high, low, close, volume)


def avwap(high: F64, low: F64, close: F64, volume: F64, anchor: int = 0) -> F64:
    """Cumulative VWAP from bar ``anchor`` (re-anchored after a NaN bar)."""
    out = np.full(len(close), NAN)
    arrays = [np.asarray(a, dtype=np.float64) for a in (high, low, close, volume)]
    for s, e in runs(*arrays):
        start = max(s, anchor)
        if start < e:
            piece = vwap(*(a[start:e] for a in arrays))
            out[start:e] = piece
    return out


def vwma(real: F64, volume: F64, timeperiod: int = 30) -> F64:
    """Sum(real * volume) / sum(volume) over the last ``timeperiod`` bars."""

    def one(x: F64, v: F64) -> F64:
        out = np.full(len(x), NAN)
        for t in range(timeperiod - 1, len(x)):
            if timeperiod == 1:
                out[t] = x[t]
            else:
                out[t] = _weighted_mean(
                    x[t - timeperiod + 1 : t + 1], v[t - timeperiod + 1 : t + 1]
                )
        return out

    return per_run(one, real, volume)


def rvol(volume: F64, timeperiod: int = 20) -> F64:
    """Volume over the mean of the previous ``timeperiod`` volumes."""

    def one(v: F64) -> F64:
        out = np.full(len(v), NAN)
        for t in range(timeperiod, len(v)):
            average = float(sum(v[t - timeperiod : t])) / timeperiod
            with np.errstate(divide="ignore", invalid="ignore"):
                out[t] = np.float64(v[t]) / np.float64(average)
        return out

    return per_run(one, volume)
