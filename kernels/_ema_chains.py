"""Compiled loops of the EMA compositions: DEMA, TEMA (one pass per run) and ZLEMA.

Private; see :mod:`candlescan.kernels._averages` for the NaN rule and the dispatcher.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array
from candlescan.kernels._runs import _fma


@njit
def _ema_chain(real: F64Array, timeperiod: int, levels: int, out: F64Array) -> None:
    """DEMA (``levels=2``) or TEMA (``levels=3``) in one pass per clean run.

    Each EMA level is seeded, like TA-Lib's chained calls, with the mean of the first
    ``n`` values of the level below, so level ``j`` starts ``j*(n-1)`` bars into a run.
    Running the levels side by side overlaps their dependency chains.
    """
    size = len(real)
    n = timeperiod
    k = 2.0 / (n + 1)
    keep = 1.0 - k  # each step fma(e, 1-k, k*input): one fused op on its chain
    i = 0
    while i < size:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
            continue
        s = i
        e1 = e2 = e3 = 0.0
        sum1 = sum2 = sum3 = 0.0
        while i < size and not np.isnan(real[i]):
            age = i - s  # bars since the run started
            value = real[i]
            result = np.nan
            if age < n:
                sum1 += value
                if age == n - 1:
                    e1 = sum1 / n
            else:
                e1 = _fma(e1, keep, k * value)
            if age >= n - 1:
                if age < 2 * n - 1:
                    sum2 += e1
                    if age == 2 * n - 2:
                        e2 = sum2 / n
                else:
                    e2 = _fma(e2, keep, k * e1)
                if age >= 2 * n - 2:
                    if levels == 2:
                        result = 2.0 * e1 - e2
                    elif age < 3 * n - 2:
                        sum3 += e2
                        if age == 3 * n - 3:
                            e3 = sum3 / n
                            result = 3.0 * e1 - 3.0 * e2 + e3
                    else:
                        e3 = _fma(e3, keep, k * e2)
                        result = 3.0 * e1 - 3.0 * e2 + e3
            out[i] = result
            i += 1


@njit
def _dema_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    _ema_chain(real, timeperiod, 2, out)


@njit
def _dema(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _ema_chain(real, timeperiod, 2, out)
    return out


@njit
def _tema_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    _ema_chain(real, timeperiod, 3, out)


@njit
def _tema(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _ema_chain(real, timeperiod, 3, out)
    return out


@njit
def _zlema_from(x: F64Array, s: int, period: int, out: F64Array) -> int:
    # EMA of the de-lagged series d[t] = 2*x[t] - x[t-lag], lag = (n-1)//2 (TA-Lib's
    # ZLEMA), formed on the fly: d starts ``lag`` bars into the clean run (it needs
    # x[t-lag]) and the EMA seeds with the mean of its first n values.
    size = len(x)
    lag = (period - 1) // 2
    k = 2.0 / (period + 1)
    keep = 1.0 - k  # fma(prev, 1-k, k*input): one fused op on the chain
    seed_end = s + lag + period  # first bar after the seed window
    total = 0.0
    i = s
    while i < size and i < seed_end:
        value = x[i]
        if np.isnan(value):
            return i
        if i >= s + lag:
            total += 2.0 * value - x[i - lag]
        out[i] = np.nan
        i += 1
    if i < seed_end:
        return size
    prev = total / period
    out[i - 1] = prev
    while i < size:
        value = x[i]
        if np.isnan(value):
            return i
        prev = _fma(prev, keep, k * (2.0 * value - x[i - lag]))
        out[i] = prev
        i += 1
    return size


@njit
def _zlema_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    n = len(real)
    i = 0
    while i < n:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
        else:
            i = _zlema_from(real, i, timeperiod, out)


@njit
def _zlema(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _zlema_into(real, timeperiod, out)
    return out
