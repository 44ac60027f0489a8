"""Compiled loops of the linearly weighted averages: WMA and Hull's HMA.

Private; see :mod:`candlescan.kernels._averages` for the NaN rule and the dispatcher. Each
``*_from`` loop fills ``out`` from a clean bar ``s`` until the NaN that ends the run and
returns its index (or ``len(x)``).
"""

from __future__ import annotations

import math

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array
from candlescan.kernels._unsigned import _u

_RESYNC = 128  # bars between exact re-sums of a running window sum: drift stays ~1e-14


@njit
def _wma_sums(x: F64Array, first: int, period: int) -> tuple[float, float]:
    """Exact ``(sum, weighted sum)`` of the window ``x[first:first+period]`` (weights 1..n)."""
    plain = 0.0
    weighted = 0.0
    for j in range(period):
        value = x[first + j]
        plain += value
        weighted += value * (j + 1)
    return plain, weighted


@njit
def _wma_from(x: F64Array, s: int, period: int, out: F64Array) -> int:
    # O(1) update of the weighted sum (add n*x[t], subtract the previous plain sum: every
    # weight moves down by one), re-synchronised with an exact O(n) sum every
    # ``_RESYNC`` bars (at least n). TA-Lib 0.8's WMA does not drift (it agrees with the
    # exact sums to ~1e-14 after 3e5 bars, where the plain running update of ta_WMA.c is
    # ~1e-9 away), so neither may this.
    n = len(x)
    divider = (period * (period + 1)) // 2
    i = s
    while i < n and i < s + period - 1:
        if np.isnan(x[i]):
            return i
        out[i] = np.nan
        i += 1
    inv = 1.0 / divider  # a multiply, not a division, per bar (rounding only)
    every = period if period > _RESYNC else _RESYNC
    while i < n:
        if np.isnan(x[i]):
            return i
        plain, weighted = _wma_sums(x, i - period + 1, period)
        out[i] = weighted * inv
        stop = i + every if i + every < n else n
        for t in range(i + 1, stop):
            value = x[_u(t)]
            if np.isnan(value):
                return t
            # One add a bar on each sum's dependency chain; the rest is computed aside.
            weighted += value * period - plain
            plain += value - x[_u(t - period)]
            out[_u(t)] = weighted * inv
        i = stop
    return n


@njit
def _wma_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    n = len(real)
    i = 0
    while i < n:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
        else:
            i = _wma_from(real, i, timeperiod, out)


@njit
def _wma(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _wma_into(real, timeperiod, out)
    return out


@njit
def _hma_periods(timeperiod: int) -> tuple[int, int]:
    """``(n // 2, floor(sqrt(n)))``, each at least 1 (a 1-bar WMA is the identity)."""
    half = max(timeperiod // 2, 1)
    root = max(int(math.sqrt(timeperiod)), 1)  # sqrt of a square is exact: floor
    return half, root


@njit
def _hma_from(
    x: F64Array, s: int, half: int, period: int, root: int, ring: F64Array, out: F64Array
) -> int:
    # One pass, three WMAs (see _wma_from, re-synchronised the same way): WMA(x, half)
    # and WMA(x, period) give raw = 2*fast - slow, and WMA(raw, root) keeps its window of
    # raw values in a ring of ``root`` slots instead of a full-length temporary.
    n = len(x)
    # Reciprocals of the WMA dividers: a multiply, not a division, per bar (rounding only).
    inv_f = 1.0 / ((half * (half + 1)) // 2)
    inv_s = 1.0 / ((period * (period + 1)) // 2)
    inv_r = 1.0 / ((root * (root + 1)) // 2)
    plain_f = weighted_f = plain_s = weighted_s = plain_r = weighted_r = 0.0
    countdown = 0  # one re-sync clock for the two WMAs over x
    count_r = 0
    slot = 0  # ring slot for the next raw value; after a store it is the oldest
    for i in range(s, n):
        value = x[_u(i)]
        if np.isnan(value):
            return i
        age = i - s
        if age < period - 1:  # period >= half: nothing to emit before the slow WMA
            out[i] = np.nan
            continue
        if countdown == 0:
            plain_f, weighted_f = _wma_sums(x, i - half + 1, half)
            plain_s, weighted_s = _wma_sums(x, i - period + 1, period)
            countdown = period if period > _RESYNC else _RESYNC
        else:  # one add a bar on each sum's chain, as _wma_from
            weighted_f += value * half - plain_f
            plain_f += value - x[_u(i - half)]
            weighted_s += value * period - plain_s
            plain_s += value - x[_u(i - period)]
        countdown -= 1
        raw = 2.0 * (weighted_f * inv_f) - weighted_s * inv_s
        leaving = ring[_u(slot)]  # the raw value that leaves the root window (once full)
        ring[_u(slot)] = raw
        slot = slot + 1 if slot + 1 < root else 0
        raw_age = age - (period - 1)
        if raw_age < root - 1:
            out[i] = np.nan
            continue
        if count_r == 0:
            plain_r = 0.0
            weighted_r = 0.0
            for j in range(root):  # oldest first: the ring from ``slot`` on
                r = ring[slot + j if slot + j < root else slot + j - root]
                plain_r += r
                weighted_r += r * (j + 1)
            count_r = root if root > _RESYNC else _RESYNC
        else:
            weighted_r += raw * root - plain_r
            plain_r += raw - leaving
        count_r -= 1
        out[_u(i)] = weighted_r * inv_r
    return n


@njit
def _hma_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    half, root = _hma_periods(timeperiod)
    ring = np.empty(root)
    n = len(real)
    i = 0
    while i < n:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
        else:
            i = _hma_from(real, i, half, timeperiod, root, ring, out)


@njit
def _hma(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _hma_into(real, timeperiod, out)
    return out
