"""Overlap studies: moving averages and bands (sma, ema, wma, dema, tema, kama, bbands ...).

NaN rule shared by every kernel here: the input is cut into runs of consecutive
non-NaN bars and each run is computed as if it were a whole series of its own (TA-Lib's
numbers on the run, with a fresh warm-up of ``lookback`` bars). A NaN bar is NaN in the
output, and so is every bar whose window (or recursive seed) would reach back across it.
On finite input this is exactly TA-Lib.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator

__all__: list[str] = ["ema", "sma"]


# --- segments ---------------------------------------------------------------------------


@njit
def _next_run(x: F64Array, start: int) -> tuple[int, int]:
    """``(s, e)``: the first run ``x[s:e]`` of non-NaN values at or after ``start``."""
    n = len(x)
    s = start
    while s < n and np.isnan(x[s]):
        s += 1
    e = s
    while e < n and not np.isnan(x[e]):
        e += 1
    return s, e


# --- SMA --------------------------------------------------------------------------------


@njit
def _sma_run(x: F64Array, s: int, e: int, period: int, out: F64Array) -> None:
    # TA-Lib's running sum: add the new bar, emit, then drop the oldest one.
    if e - s < period:
        return
    total = 0.0
    for i in range(s, s + period - 1):
        total += x[i]
    trailing = s
    for i in range(s + period - 1, e):
        total += x[i]
        out[i] = total / period
        total -= x[trailing]
        trailing += 1


@njit
def _sma(real: F64Array, timeperiod: int) -> F64Array:
    out = np.full(len(real), np.nan)
    s, e = _next_run(real, 0)
    while s < len(real):
        _sma_run(real, s, e, timeperiod, out)
        s, e = _next_run(real, e)
    return out


def _sma_lookback(timeperiod: int) -> int:
    return timeperiod - 1


@indicator(inputs=("real",), lookback=_sma_lookback, timeperiod=Param(30, 2, 100_000))
def sma(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Simple moving average.

    Parameters
    ----------
    real : array_like
        Input series.
    timeperiod : int, default 30
        Window length, 2..100000.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``timeperiod - 1`` values are NaN.

    Notes
    -----
    ``sma[t] = (x[t-n+1] + ... + x[t]) / n``, computed with TA-Lib's running sum.
    Reference: TA-Lib ``ta_SMA.c``. NaN rule: NaN while a NaN is inside the window, then a
    fresh warm-up of ``timeperiod - 1`` bars (see the module docstring).

    Equivalent to ``talib.SMA(real, timeperiod=timeperiod)``.
    """
    return _sma(real, timeperiod)


# --- EMA --------------------------------------------------------------------------------


@njit
def _ema_run(x: F64Array, s: int, e: int, period: int, k: float, out: F64Array) -> None:
    # TA-Lib seeds with the SMA of the first ``period`` bars, then ``prev + k*(x - prev)``.
    if e - s < period:
        return
    total = 0.0
    for i in range(s, s + period):
        total += x[i]
    prev = total / period
    out[s + period - 1] = prev
    for i in range(s + period, e):
        prev = (x[i] - prev) * k + prev
        out[i] = prev


@njit
def _ema_k(real: F64Array, timeperiod: int, k: float) -> F64Array:
    out = np.full(len(real), np.nan)
    s, e = _next_run(real, 0)
    while s < len(real):
        _ema_run(real, s, e, timeperiod, k, out)
        s, e = _next_run(real, e)
    return out


@njit
def _ema(real: F64Array, timeperiod: int) -> F64Array:
    return _ema_k(real, timeperiod, 2.0 / (timeperiod + 1))


def _ema_lookback(timeperiod: int) -> int:
    return timeperiod - 1


@indicator(inputs=("real",), lookback=_ema_lookback, timeperiod=Param(30, 2, 100_000))
def ema(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Exponential moving average, seeded with the SMA of the first ``timeperiod`` bars.

    Parameters
    ----------
    real : array_like
        Input series.
    timeperiod : int, default 30
        Period ``n``, 2..100000; smoothing factor ``k = 2 / (n + 1)``.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``timeperiod - 1`` values are NaN.

    Notes
    -----
    ``ema[n-1] = mean(x[0..n-1])``, then ``ema[t] = ema[t-1] + k * (x[t] - ema[t-1])``.
    Reference: TA-Lib ``ta_EMA.c`` (unstable period 0, classic seeding). NaN rule: a NaN
    bar is NaN; the average then re-seeds with the SMA of the next ``timeperiod`` clean
    bars, exactly as at the start of the series.

    Equivalent to ``talib.EMA(real, timeperiod=timeperiod)``.
    """
    return _ema(real, timeperiod)
