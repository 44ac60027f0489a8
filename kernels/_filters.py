"""Compiled loops of TA-Lib's triangular, adaptive and Tillson averages (trima, kama, t3).

Private; see :mod:`candlescan.kernels._averages` for the NaN rule and the dispatcher.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array
from candlescan.kernels._runs import _fma
from candlescan.kernels._unsigned import _u


@njit
def _next_run(x: F64Array, start: int) -> tuple[int, int]:
    """``(s, e)``: the first run ``x[s:e]`` of non-NaN values at or after ``start``."""
    n = len(x)
    s = start
    while s < n and np.isnan(x[s]):
        s += 1
    e = s
    # Skip whole blocks without a NaN: the branch-free OR over a block vectorises.
    while e + 256 <= n:
        bad = False
        for i in range(e, e + 256):
            bad |= x[i] != x[i]
        if bad:
            break
        e += 256
    while e < n and not np.isnan(x[e]):
        e += 1
    return s, e


@njit
def _nan_outside(out: F64Array, start: int, s: int, e: int, lookback: int) -> None:
    """NaN the bad bars ``[start, s)`` before a run and the run's warm-up."""
    for i in range(start, s):
        out[i] = np.nan
    for i in range(s, s + lookback if s + lookback < e else e):
        out[i] = np.nan


# --- TRIMA --------------------------------------------------------------------------------


@njit
def _trima_run(x: F64Array, s: int, e: int, period: int, out: F64Array) -> bool:
    # Triangular weights 1,2,..,peak,..,2,1 kept as three running sums (TA-Lib's scheme):
    # ``left`` = sum of the rising half, ``right`` = sum of the falling half. Returns
    # whether a NaN was read (then the caller redoes the series run by run).
    if e - s < period:
        return False
    half = period >> 1
    odd = period % 2 == 1
    if odd:
        factor = 1.0 / ((half + 1) * (half + 1))
        middle = s + half
    else:
        factor = 1.0 / (half * (half + 1))
        middle = s + half - 1
    today = middle + half
    numerator = 0.0
    left = 0.0
    for i in range(middle, s - 1, -1):
        left += x[i]
        numerator += left
    right = 0.0
    middle += 1
    for i in range(middle, today + 1):
        right += x[i]
        numerator += right
    out[today] = numerator * factor
    bad = numerator != numerator
    today += 1
    # TA-Lib's order of operations, kept: the sums integrate each other's rounding, so a
    # reassociated update drifts away from TA-Lib (1e-9 after 2e5 bars for n = 5).
    while today < e:
        numerator -= left
        left -= x[_u(today - period)]
        value = x[_u(middle)]
        middle += 1
        left += value
        if odd:
            numerator += right
            right -= value
        else:
            right -= value
            numerator += right
        value = x[_u(today)]
        bad |= value != value
        right += value
        numerator += value
        out[_u(today)] = numerator * factor
        today += 1
    return bad


@njit
def _trima_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    # The whole series as one run first (on clean data, one read of the input).
    _nan_outside(out, 0, 0, len(real), timeperiod - 1)
    if not _trima_run(real, 0, len(real), timeperiod, out):
        return
    end = 0
    s, e = _next_run(real, 0)
    while s < len(real):
        _nan_outside(out, end, s, e, timeperiod - 1)
        _trima_run(real, s, e, timeperiod, out)
        end = e
        s, e = _next_run(real, e)
    _nan_outside(out, end, len(real), len(real), 0)


@njit
def _trima(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _trima_into(real, timeperiod, out)
    return out


# --- KAMA ---------------------------------------------------------------------------------

_KAMA_SLOW = 2.0 / (30.0 + 1.0)
_KAMA_SPAN = 2.0 / (2.0 + 1.0) - _KAMA_SLOW
_TA_EPSILON = 1e-14  # TA-Lib's TA_IS_ZERO threshold
_RESUM_BELOW = 1e-9  # volatility / peak change under which the running sum is redone


@njit
def _kama_step(prev: float, value: float, change: float, volatility: float) -> float:
    # Efficiency ratio; TA-Lib compares the *signed* change with the volatility sum.
    if volatility <= change or (-_TA_EPSILON < volatility < _TA_EPSILON):
        ratio = 1.0
    else:
        ratio = abs(change / volatility)
    sc = ratio * _KAMA_SPAN + _KAMA_SLOW
    sc *= sc
    return _fma(value - prev, sc, prev)


@njit
def _window_sum(x: F64Array, start: int, stop: int) -> float:
    """``sum |x[i+1] - x[i]|`` for ``start <= i < stop``, added afresh."""
    total = 0.0
    for i in range(start, stop):
        total += abs(x[_u(i + 1)] - x[_u(i)])
    return total


@njit
def _kama_run(x: F64Array, s: int, e: int, period: int, out: F64Array) -> bool:
    # Returns whether a NaN was read (then the caller redoes the series run by run).
    if e - s < period + 1:
        return False
    # A window of flat bars has volatility exactly 0, but the running sum keeps the
    # rounding residue of the terms it added and removed (~1e-14 near 100, outside
    # TA-Lib's zero band), which turns ER = 1 into ER ~ 0. So a sum that gets small
    # next to the largest change seen (``peak``) is redone exactly; an exact 0 stays 0.
    volatility = 0.0
    peak = 0.0
    for i in range(s, s + period):
        step = abs(x[i] - x[i + 1])
        volatility += step
        peak = step if step > peak else peak
    today = s + period
    prev = _kama_step(x[today - 1], x[today], x[today] - x[s], volatility)
    out[today] = prev
    bad = prev != prev or volatility != volatility
    for today in range(s + period + 1, e):
        value = x[_u(today)]
        bad |= value != value
        trailing = today - period
        entering = abs(value - x[_u(today - 1)])
        volatility -= abs(x[_u(trailing - 1)] - x[_u(trailing)])
        volatility += entering
        peak = entering if entering > peak else peak
        # An exact 0 (a flat window after a redo) is kept as is.
        if volatility < _RESUM_BELOW * peak and volatility != 0.0:
            volatility = _window_sum(x, trailing, today)
        prev = _kama_step(prev, value, value - x[_u(trailing)], volatility)
        out[_u(today)] = prev
    return bad


@njit
def _kama_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    # The whole series as one run first (on clean data, one read of the input).
    _nan_outside(out, 0, 0, len(real), timeperiod)
    if not _kama_run(real, 0, len(real), timeperiod, out):
        return
    end = 0
    s, e = _next_run(real, 0)
    while s < len(real):
        _nan_outside(out, end, s, e, timeperiod)
        _kama_run(real, s, e, timeperiod, out)
        end = e
        s, e = _next_run(real, e)
    _nan_outside(out, end, len(real), len(real), 0)


@njit
def _kama(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _kama_into(real, timeperiod, out)
    return out


# --- T3 -----------------------------------------------------------------------------------


@njit
def _t3_run(x: F64Array, s: int, e: int, period: int, vfactor: float, out: F64Array) -> bool:
    # Six chained EMAs; each is seeded with the mean of its first ``period`` inputs, so
    # the first output needs 6*(period-1) + 1 bars (TA-Lib's T3). Returns whether a NaN
    # was read (then the caller redoes the series run by run).
    lookback = 6 * (period - 1)
    if e - s <= lookback:
        return False
    k = 2.0 / (period + 1.0)
    k1 = 1.0 - k
    ema = np.zeros(6)
    today = s
    total = 0.0
    for _ in range(period):
        total += x[today]
        today += 1
    ema[0] = total / period
    for level in range(1, 6):
        total = ema[level - 1]
        for _ in range(period - 1):
            ema[0] = _fma(k1, ema[0], k * x[today])
            for j in range(1, level):
                ema[j] = _fma(k1, ema[j], k * ema[j - 1])
            total += ema[level - 1]
            today += 1
        ema[level] = total / period
    v2 = vfactor * vfactor
    c1 = -(v2 * vfactor)
    c2 = 3.0 * (v2 - c1)
    c3 = -6.0 * v2 - 3.0 * (vfactor - c1)
    c4 = 1.0 + 3.0 * vfactor - c1 + 3.0 * v2
    out[today - 1] = c1 * ema[5] + c2 * ema[4] + c3 * ema[3] + c4 * ema[2]
    # Steady state in scalars: array slots would add a store/load to every recurrence.
    # Each step is fma(1-k, e, k*input): one fused operation on the dependency chain.
    e1, e2, e3, e4, e5, e6 = ema[0], ema[1], ema[2], ema[3], ema[4], ema[5]
    bad: bool = e1 != e1  # a NaN in the warm-up has reached the first EMA
    for i in range(today, e):
        value = x[_u(i)]
        bad |= value != value
        e1 = _fma(k1, e1, k * value)
        e2 = _fma(k1, e2, k * e1)
        e3 = _fma(k1, e3, k * e2)
        e4 = _fma(k1, e4, k * e3)
        e5 = _fma(k1, e5, k * e4)
        e6 = _fma(k1, e6, k * e5)
        # Fused: 4 operations instead of 7 (rounding only).
        out[_u(i)] = _fma(c1, e6, _fma(c2, e5, _fma(c3, e4, c4 * e3)))
    return bad


@njit
def _t3_into(real: F64Array, timeperiod: int, vfactor: float, out: F64Array) -> None:
    # The whole series as one run first (on clean data, one read of the input).
    _nan_outside(out, 0, 0, len(real), 6 * (timeperiod - 1))
    if not _t3_run(real, 0, len(real), timeperiod, vfactor, out):
        return
    end = 0
    s, e = _next_run(real, 0)
    while s < len(real):
        _nan_outside(out, end, s, e, 6 * (timeperiod - 1))
        _t3_run(real, s, e, timeperiod, vfactor, out)
        end = e
        s, e = _next_run(real, e)
    _nan_outside(out, end, len(real), len(real), 0)


@njit
def _t3(real: F64Array, timeperiod: int, vfactor: float) -> F64Array:
    out = np.empty(len(real))
    _t3_into(real, timeperiod, vfactor, out)
    return out
