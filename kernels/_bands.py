"""Compiled loops of the non-average overlap studies: bbands, midpoint, midprice, sar.

Private module; the documented kernels are in :mod:`candlescan.kernels.overlap`. Same
NaN rule: each run of clean bars (every input non-NaN) is computed as a whole series.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._averages import _ma, _next_run
from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array
from candlescan.kernels._runs import _fma
from candlescan.kernels._unsigned import _u
from candlescan.kernels._windows import _next_run2


@njit
def _stddev_run(x: F64Array, s: int, e: int, period: int, out: F64Array) -> None:
    # Population variance mean(d^2) - mean(d)^2 of d = x - K, from running sums, with the
    # pivot K re-centred on a window's first value (and the sums rebuilt) every ``period``
    # bars: O(n), no drift, and no cancellation at the price level. A window whose values
    # are all equal (no change in its last period-1 steps) is exactly 0, as TA-Lib 0.8
    # reports: rounding residue would otherwise give a ~1e-7 band width after sqrt.
    if e - s < period:
        return
    last_change = s  # last bar (in this run) that differs from the bar before it
    for i in range(s + 1, s + period - 1):
        if x[i] != x[i - 1]:
            last_change = i
    inv = 1.0 / period  # a multiply, not two divisions, per bar (the SMA keeps TA-Lib's /n)
    first = s
    while first + period - 1 < e:
        pivot = x[first]
        total = 0.0
        total2 = 0.0
        for i in range(first, first + period - 1):
            d = x[i] - pivot
            total += d
            total2 += d * d
        trailing = first
        for i in range(first + period - 1, min(first + 2 * period - 1, e)):
            d = x[i] - pivot
            total += d
            total2 += d * d
            if x[i] != x[i - 1]:
                last_change = i
            mean = total * inv
            variance = total2 * inv - mean * mean
            flat = last_change <= i - period + 1
            out[i] = np.sqrt(variance) if (variance > 0.0 and not flat) else 0.0
            d = x[trailing] - pivot
            total -= d
            total2 -= d * d
            trailing += 1
        first += period


@njit
def _stddev_pop(real: F64Array, timeperiod: int) -> F64Array:
    """Rolling population standard deviation (ddof=0), TA-Lib's STDDEV with nbdev 1."""
    out = np.full(len(real), np.nan)
    s, e = _next_run(real, 0)
    while s < len(real):
        _stddev_run(real, s, e, timeperiod, out)
        s, e = _next_run(real, e)
    return out


@njit
def _bbands_into(
    real: F64Array,
    timeperiod: int,
    nbdevup: float,
    nbdevdn: float,
    matype: int,
    upper: F64Array,
    lower: F64Array,
) -> F64Array:
    """Fill ``upper`` and ``lower`` (the deviation goes into ``lower`` first); return middle.

    The public kernel passes NumPy-allocated bands: NumPy asks for transparent huge pages
    on large buffers and Numba's allocator does not, and on this class of machine each
    fresh 8 MB buffer from Numba costs ~2k page faults (several ms per call at 1e6 bars).
    """
    middle = _ma(real, timeperiod, matype)
    n = len(real)
    lower[:] = np.nan
    s, e = _next_run(real, 0)
    while s < n:
        _stddev_run(real, s, e, timeperiod, lower)
        s, e = _next_run(real, e)
    for i in range(n):
        deviation = lower[i]
        if np.isnan(deviation) or np.isnan(middle[i]):
            middle[i] = np.nan
            upper[i] = np.nan
            lower[i] = np.nan
        else:
            upper[i] = middle[i] + deviation * nbdevup
            lower[i] = middle[i] - deviation * nbdevdn
    return middle


@njit
def _bbands_sma_from(
    x: F64Array,
    s: int,
    period: int,
    nbdevup: float,
    nbdevdn: float,
    upper: F64Array,
    middle: F64Array,
    lower: F64Array,
) -> int:
    # matype 0 in one pass: mean and deviation from pivot-shifted sums (d = x - pivot) that
    # move by one add a bar and are rebuilt around a window's first value every
    # max(n, 1024) bars, so rounding cannot build up and prices far from 0 do not cancel.
    # The middle band is pivot + mean(d): TA-Lib's SMA up to rounding (~1e-15).
    n = len(x)
    inv = 1.0 / period
    i = s
    while i < n and i < s + period - 1:
        if np.isnan(x[i]):
            return i
        upper[i] = middle[i] = lower[i] = np.nan
        i += 1
    last_change = s  # last bar that differs from the one before (flat-window test)
    for j in range(s + 1, i):
        if x[j] != x[j - 1]:
            last_change = j
    every = period if period > 1024 else 1024
    pivot = 0.0
    shifted = shifted2 = 0.0
    countdown = 0
    while i < n:
        value = x[_u(i)]
        if np.isnan(value):
            return i
        if i > s and value != x[_u(i - 1)]:
            last_change = i
        if countdown == 0:
            pivot = x[i - period + 1]
            shifted = shifted2 = 0.0
            for j in range(i - period + 1, i + 1):
                d = x[j] - pivot
                shifted += d
                shifted2 += d * d
            countdown = every
        else:
            d = value - pivot
            old = x[_u(i - period)] - pivot
            shifted += d - old
            shifted2 += d * d - old * old
        countdown -= 1
        centre = shifted * inv
        mean = pivot + centre
        variance = shifted2 * inv - centre * centre
        flat = last_change <= i - period + 1  # all equal: exactly 0, as TA-Lib
        deviation = np.sqrt(variance) if (variance > 0.0 and not flat) else 0.0
        middle[_u(i)] = mean
        upper[_u(i)] = mean + deviation * nbdevup
        lower[_u(i)] = mean - deviation * nbdevdn
        i += 1
    return n


@njit
def _bbands_sma_into(
    real: F64Array,
    timeperiod: int,
    nbdevup: float,
    nbdevdn: float,
    upper: F64Array,
    middle: F64Array,
    lower: F64Array,
) -> None:
    n = len(real)
    i = 0
    while i < n:
        if np.isnan(real[i]):
            upper[i] = middle[i] = lower[i] = np.nan
            i += 1
        else:
            i = _bbands_sma_from(real, i, timeperiod, nbdevup, nbdevdn, upper, middle, lower)


@njit
def _bbands(
    real: F64Array, timeperiod: int, nbdevup: float, nbdevdn: float, matype: int
) -> tuple[F64Array, F64Array, F64Array]:
    upper = np.empty(len(real))
    lower = np.empty(len(real))
    middle = _bbands_into(real, timeperiod, nbdevup, nbdevdn, matype, upper, lower)
    return upper, middle, lower


@njit
def _sar_run(
    high: F64Array, low: F64Array, s: int, e: int, accel: float, maximum: float, out: F64Array
) -> bool:
    """SAR over the clean run ``[s, e)`` into ``out[s+1:e]``; True if a NaN was read."""
    if e - s < 2:
        return False
    accel = min(accel, maximum)  # TA-Lib caps the step at the maximum
    af = accel
    # Initial direction from the first two bars' -DM(1): short only when the low fell
    # by more than the high rose (TA-Lib ta_SAR.c).
    down = low[s] - low[s + 1]
    up = high[s + 1] - high[s]
    is_long = not (down > 0.0 and up < down)
    if is_long:
        ep = high[s + 1]
        sar = low[s]
    else:
        ep = low[s + 1]
        sar = high[s]
    new_low = low[s + 1]
    new_high = high[s + 1]
    bad: bool = np.isnan(high[s] + low[s] + high[s + 1] + low[s + 1])
    for today in range(s + 1, e):
        prev_low = new_low
        prev_high = new_high
        new_low = low[_u(today)]
        new_high = high[_u(today)]
        bad |= (new_low + new_high) != (new_low + new_high)
        if is_long:
            if new_low <= sar:  # reversal to short: SAR jumps to the extreme point
                is_long = False
                sar = max(ep, prev_high, new_high)
                out[_u(today)] = sar
                af = accel
                ep = new_low
                sar = _fma(af, ep - sar, sar)
                sar = max(sar, prev_high, new_high)
            else:
                out[_u(today)] = sar
                if new_high > ep:
                    ep = new_high
                    af = min(af + accel, maximum)
                sar = _fma(af, ep - sar, sar)
                sar = min(sar, prev_low, new_low)
        elif new_high >= sar:  # reversal to long
            is_long = True
            sar = min(ep, prev_low, new_low)
            out[_u(today)] = sar
            af = accel
            ep = new_high
            sar = _fma(af, ep - sar, sar)
            sar = min(sar, prev_low, new_low)
        else:
            out[_u(today)] = sar
            if new_low < ep:
                ep = new_low
                af = min(af + accel, maximum)
            sar = _fma(af, ep - sar, sar)
            sar = max(sar, prev_high, new_high)
    return bad


@njit
def _sar_into(
    high: F64Array, low: F64Array, acceleration: float, maximum: float, out: F64Array
) -> None:
    """Fill ``out`` with the SAR: the whole series as one run first (no NaN pre-fill pass:
    on clean data only bar 0 is NaN)."""
    n = len(high)
    if n > 0:
        out[0] = np.nan
    if not _sar_run(high, low, 0, n, acceleration, maximum, out):
        return
    out[:] = np.nan
    s, e = _next_run2(high, low, 0)
    while s < n:
        _sar_run(high, low, s, e, acceleration, maximum, out)
        s, e = _next_run2(high, low, e)
