"""Naive twins of ``candlescan.kernels.statistics`` (same names and signatures).

Written from the textbook (centred) least-squares and Pearson formulas, independent of
the kernel code: plain loops, slow on purpose. The NaN rule is applied the obvious way:
split the inputs into runs of non-NaN bars and compute each run as a series of its own.
"""

from __future__ import annotations

import math

import numpy as np

from tests.reference.overlap import F64, per_run

NAN = math.nan


def _fit(window: list[float]) -> tuple[float, float]:
    """(slope, fitted value at the last point) of the least-squares line through window."""
    n = len(window)
    x_mean = (n - 1) / 2
    y_mean = sum(window) / n
    sxy = sum((j - x_mean) * (y - y_mean) for j, y in enumerate(window))
    sxx = sum((j - x_mean) ** 2 for j in range(n))
    slope = sxy / sxx
    return slope, y_mean + slope * (n - 1 - x_mean)


def _rolling_fit(x: F64, n: int, pick: int) -> F64:
    out = np.full(len(x), NAN)
    for t in range(n - 1, len(x)):
        out[t] = _fit([float(v) for v in x[t - n + 1 : t + 1]])[pick]
    return out


def linearreg(real: F64, timeperiod: int = 14) -> F64:
    """Value at the newest bar of the least-squares line over the last ``timeperiod``."""
    return per_run(lambda x: _rolling_fit(x, timeperiod, 1), real)


def linearreg_slope(real: F64, timeperiod: int = 14) -> F64:
    """Slope of the least-squares line over the last ``timeperiod`` values."""
    return per_run(lambda x: _rolling_fit(x, timeperiod, 0), real)


def _returns(prices: F64) -> list[float]:
    out = [NAN]
    for t in range(1, len(prices)):
        previous = float(prices[t - 1])
        out.append((float(prices[t]) - previous) / previous if previous != 0 else 0.0)
    return out


def beta(real0: F64, real1: F64, timeperiod: int = 5) -> F64:
    """OLS slope of real1's one-bar returns on real0's, over ``timeperiod`` returns."""

    def one(a: F64, b: F64) -> F64:
        xs, ys = _returns(a), _returns(b)
        out = np.full(len(a), NAN)
        for t in range(timeperiod, len(a)):
            x = xs[t - timeperiod + 1 : t + 1]
            y = ys[t - timeperiod + 1 : t + 1]
            x_mean, y_mean = sum(x) / timeperiod, sum(y) / timeperiod
            sxx = sum((u - x_mean) ** 2 for u in x)
            sxy = sum((u - x_mean) * (w - y_mean) for u, w in zip(x, y, strict=True))
            out[t] = sxy / sxx if sxx > 0 else 0.0
        return out

    return per_run(one, real0, real1)


def correl(real0: F64, real1: F64, timeperiod: int = 30) -> F64:
    """Pearson correlation over the last ``timeperiod`` bars; 0 when a series is flat."""

    def one(a: F64, b: F64) -> F64:
        out = np.full(len(a), NAN)
        for t in range(timeperiod - 1, len(a)):
            x = [float(v) for v in a[t - timeperiod + 1 : t + 1]]
            y = [float(v) for v in b[t - timeperiod + 1 : t + 1]]
            x_mean, y_mean = sum(x) / timeperiod, sum(y) / timeperiod
            sxx = sum((u - x_mean) ** 2 for u in x)
            syy = sum((w - y_mean) ** 2 for w in y)
            sxy = sum((u - x_mean) * (w - y_mean) for u, w in zip(x, y, strict=True))
            out[t] = sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else 0.0
        return out

    return per_run(one, real0, real1)
