"""Private loops of the volatility family: the true range and Wilder's ATR (and NATR).

:mod:`candlescan.kernels.channels` builds Keltner and SuperTrend on :func:`_atr_run` and
:func:`_tr`, so they live here, not in the public family module.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array
from candlescan.kernels._runs import _fma, _run3
from candlescan.kernels._unsigned import _u

# --- true range and ATR -----------------------------------------------------------------


@njit
def _tr(high: F64Array, low: F64Array, close: F64Array, i: int) -> float:
    """The true range of bar ``i``: NaN when ``high[i]``, ``low[i]`` or ``close[i-1]`` is."""
    previous: float = close[_u(i - 1)]
    hi: float = high[_u(i)]
    lo: float = low[_u(i)]
    if hi >= lo:
        # On a well-formed bar TA-Lib's max of the three distances is the span from the
        # lower of (low, previous) to the higher of (high, previous): the same one
        # subtraction, with two selects instead of two abs and two compares. A NaN
        # previous close wins both selects and reaches the result.
        top = hi if hi > previous else previous
        bottom = lo if lo < previous else previous
        return top - bottom
    # High below low, or a NaN high/low: TA-Lib's order, high-low then the two distances.
    greatest = hi - lo
    val2 = abs(previous - hi)
    if val2 > greatest:
        greatest = val2
    val3 = abs(previous - lo)
    if val3 > greatest:
        greatest = val3
    # + 0 * previous: a NaN previous close (which the comparisons skip) reaches the result.
    return greatest + 0.0 * previous


@njit
def _atr_value(atr: float, close: float, percent: bool) -> float:
    if not percent:
        return atr
    # NATR. TA-Lib writes 0 rather than dividing by a zero close (0 * atr: still NaN when
    # atr is, so the one-pass fast path sees a NaN input).
    return (atr / close) * 100.0 if close != 0.0 else 0.0 * atr


@njit
def _atr_run(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    s: int,
    e: int,
    period: int,
    out: F64Array,
    percent: bool = False,
) -> None:
    """ATR on the run ``[s, e)``: TR from ``s + 1``; seed = mean of the first ``period`` TRs.

    With ``percent``, writes NATR instead: ``atr / close * 100`` (0 for a zero close).
    Writes ``out[s + period:e]`` only. A NaN input propagates through the recursion to
    ``out[e - 1]`` (the one-pass fast paths rely on it).
    """
    if e - s <= period:
        return
    total = 0.0
    for i in range(s + 1, s + period + 1):
        total += _tr(high, low, close, i)
    prev = total / period
    # Wilder's (prev * (n-1) + tr) / n as prev * a + tr * b with one fused multiply-add
    # (the Wilder step of overlap's rma): a division in the recursion's dependency chain
    # would cost ~4x TA-Lib's time. Within ~1e-15 of TA-Lib's values; with period 1
    # (a = 0, b = 1) it is the true range itself, as TA-Lib's ATR(1).
    a = (period - 1) / period
    b = 1.0 / period
    out[_u(s + period)] = _atr_value(prev, close[_u(s + period)], percent)
    for i in range(s + period + 1, e):
        prev = _fma(prev, a, _tr(high, low, close, i) * b)
        out[_u(i)] = _atr_value(prev, close[_u(i)], percent)


@njit
def _trange_into(high: F64Array, low: F64Array, close: F64Array, out: F64Array) -> None:
    n = len(close)
    if n == 0:
        return
    # Optimistic one pass: right unless an input holds a NaN (then redo by runs).
    out[0] = np.nan
    found = False
    for i in range(1, n):
        value = _tr(high, low, close, i)
        out[_u(i)] = value
        found |= value != value
    if not (found or np.isnan(high[0] + low[0] + close[_u(n - 1)])):
        return
    out[:] = np.nan
    s, e = _run3(high, low, close, 0)
    while s < n:
        for i in range(s + 1, e):
            out[_u(i)] = _tr(high, low, close, i)
        s, e = _run3(high, low, close, e)


@njit
def _atr_into(
    high: F64Array, low: F64Array, close: F64Array, timeperiod: int, percent: bool, out: F64Array
) -> None:
    n = len(close)
    out[: min(timeperiod, n)] = np.nan
    if n > timeperiod:
        # Optimistic one pass: a NaN input anywhere propagates through the recursion to
        # the last value (bar 0's high/low and the last close are not read: test them).
        _atr_run(high, low, close, 0, n, timeperiod, out, percent)
        if not np.isnan(out[n - 1] + high[0] + low[0] + close[n - 1]):
            return
    out[:] = np.nan
    s, e = _run3(high, low, close, 0)
    while s < n:
        _atr_run(high, low, close, s, e, timeperiod, out, percent)
        s, e = _run3(high, low, close, e)
