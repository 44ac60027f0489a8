"""Channels around price (keltner, donchian, supertrend).

NaN rule shared by every kernel here (see :mod:`candlescan.kernels._runs`): the inputs
are cut into runs of bars where every input is non-NaN, and each run is computed as if
it were a whole series of its own, with a fresh warm-up of ``lookback`` bars. A NaN bar
is NaN in the output, and so is every bar whose window (or recursive seed) would reach
back across it. On finite input this is exactly TA-Lib.

Warm-up (rules in :mod:`candlescan.kernels._warmup`): keltner converges with its EMA and
ATR; supertrend's ratcheting bands need the whole history; donchian is a window.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._averages import _ema_run
from candlescan.kernels._config import njit
from candlescan.kernels._meta import REAL_MAX, F64Array, Param, indicator
from candlescan.kernels._runs import _fma, _run2, _run3
from candlescan.kernels._unsigned import _u
from candlescan.kernels._volatility import _atr_run, _tr
from candlescan.kernels._warmup import (
    CROSSES_ZERO,
    decay_bars,
    ema_rate,
    full_history,
    wilder_rate,
)
from candlescan.kernels._windows import _max_span, _min_span

__all__: list[str] = ["donchian", "keltner", "supertrend"]


# --- Keltner channel --------------------------------------------------------------------


@njit
def _keltner_run(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    s: int,
    e: int,
    timeperiod: int,
    multiplier: float,
    atr_period: int,
    upper: F64Array,
    middle: F64Array,
    lower: F64Array,
) -> None:
    """The channel on ``[s, e)``; writes ``[s + first, e)`` (``upper`` holds the ATR first)."""
    first = max(timeperiod - 1, atr_period)
    if e - s <= first:
        return
    # One EMA implementation in the codebase: overlap's private loop.
    _ema_run(close, s, e, timeperiod, 2.0 / (timeperiod + 1), middle)
    _atr_run(high, low, close, s, e, atr_period, upper)
    # All three lines start together, at the later of the two warm-ups.
    for i in range(s + first, e):
        band = multiplier * upper[_u(i)]
        upper[_u(i)] = middle[_u(i)] + band
        lower[_u(i)] = middle[_u(i)] - band


@njit
def _keltner_into(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    timeperiod: int,
    multiplier: float,
    atr_period: int,
    upper: F64Array,
    middle: F64Array,
    lower: F64Array,
) -> None:
    n = len(close)
    head = min(max(timeperiod - 1, atr_period), n)
    # Optimistic one pass: a NaN input reaches the last EMA or ATR value, or is one of the
    # bars the ATR does not read (bar 0's high and low).
    _keltner_run(high, low, close, 0, n, timeperiod, multiplier, atr_period, upper, middle, lower)
    upper[:head] = np.nan
    middle[:head] = np.nan
    lower[:head] = np.nan
    if n == 0 or not np.isnan(upper[n - 1] + high[0] + low[0]):
        return
    upper[:] = np.nan
    middle[:] = np.nan
    lower[:] = np.nan
    s, e = _run3(high, low, close, 0)
    while s < n:
        _keltner_run(
            high, low, close, s, e, timeperiod, multiplier, atr_period, upper, middle, lower
        )
        # The EMA and ATR write their own (shorter) warm-ups' last bars: blank them.
        for i in range(s, min(s + max(timeperiod - 1, atr_period), e)):
            upper[_u(i)] = np.nan
            middle[_u(i)] = np.nan
        s, e = _run3(high, low, close, e)


def _keltner_lookback(timeperiod: int, multiplier: float, atr_period: int) -> int:
    return max(timeperiod - 1, atr_period)


def _keltner_warmup(tolerance: float, timeperiod: int, multiplier: float, atr_period: int) -> int:
    # The EMA middle and Wilder's ATR converge side by side (candlescan.kernels._warmup);
    # a band is their sum, judged near zero as a lower band can reach it.
    gain = (1.0 + multiplier) * CROSSES_ZERO
    middle = decay_bars(ema_rate(timeperiod), tolerance, 1, gain)
    atr = decay_bars(wilder_rate(atr_period), tolerance, 1, gain)
    return _keltner_lookback(timeperiod, multiplier, atr_period) + max(middle, atr)


@indicator(
    inputs=("high", "low", "close"),
    lookback=_keltner_lookback,
    warmup=_keltner_warmup,
    outputs=("upperband", "middleband", "lowerband"),
    timeperiod=Param(20, 2, 100_000, doc="EMA period of the middle line."),
    multiplier=Param(2.0, 0.0, REAL_MAX, doc="Band width in ATRs."),
    atr_period=Param(10, 1, 100_000, doc="ATR period."),
)
def keltner(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    timeperiod: int = 20,
    multiplier: float = 2.0,
    atr_period: int = 10,
) -> tuple[F64Array, F64Array, F64Array]:
    """Keltner channel: EMA of the close with ATR bands (StockCharts definition).

    Returns
    -------
    upperband, middleband, lowerband : numpy.ndarray
        float64, same length as the inputs; the first
        ``max(timeperiod - 1, atr_period)`` values of all three are NaN.

    Notes
    -----
    ``middle = EMA(close, timeperiod)`` (seeded with the SMA, as :func:`~candlescan.
    kernels.ema`), ``upper/lower = middle +/- multiplier * ATR(atr_period)`` (Wilder, as
    :func:`atr`). Reference: StockCharts ChartSchool, "Keltner Channels" (Linda Raschke's
    EMA/ATR version of Chester Keltner's 1960 channel). This is not ``talib.KC``, which
    centres an EMA of the typical price and seeds its ATR at the EMA's first bar.
    The bundled ``cs-kc.csv`` fixture seeds its EMA with the first close and its ATR with
    bar 0's high-low, so it agrees only as the seeds wash out. NaN rule: each run of bars
    with clean high, low and close is computed as a series of its own.
    """
    upper = np.empty(len(close))
    middle = np.empty(len(close))
    lower = np.empty(len(close))
    _keltner_into(high, low, close, timeperiod, multiplier, atr_period, upper, middle, lower)
    return upper, middle, lower


# --- Donchian channel -------------------------------------------------------------------


@njit
def _donchian_into(
    high: F64Array,
    low: F64Array,
    timeperiod: int,
    upper: F64Array,
    middle: F64Array,
    lower: F64Array,
) -> None:
    n = len(high)
    # The window extremes of max/min (van Herk blocks: O(1) a bar, exact), first over the
    # whole series; only if a NaN was read, again run by run.
    scratch = np.empty(2 * (timeperiod + 1))
    bad = _max_span(high, 0, n, timeperiod, upper, scratch)
    bad |= _min_span(low, 0, n, timeperiod, lower, scratch)
    if bad:
        upper[:] = np.nan
        lower[:] = np.nan
        s, e = _run2(high, low, 0)
        while s < n:
            _max_span(high, s, e, timeperiod, upper, scratch)
            _min_span(low, s, e, timeperiod, lower, scratch)
            s, e = _run2(high, low, e)
    for i in range(n):
        middle[i] = (upper[i] + lower[i]) / 2.0


def _donchian_lookback(timeperiod: int) -> int:
    return timeperiod - 1


@indicator(
    inputs=("high", "low"),
    lookback=_donchian_lookback,
    outputs=("upperband", "middleband", "lowerband"),
    timeperiod=Param(20, 2, 100_000, doc="Window length."),
)
def donchian(
    high: F64Array, low: F64Array, timeperiod: int = 20
) -> tuple[F64Array, F64Array, F64Array]:
    """Donchian channel: highest high, lowest low and their midpoint.

    Returns
    -------
    upperband, middleband, lowerband : numpy.ndarray
        float64, same length as the inputs; the first ``timeperiod - 1`` values are NaN.

    Notes
    -----
    ``upper = max(high[t-n+1..t])``, ``lower = min(low[t-n+1..t])``,
    ``middle = (upper + lower) / 2``; the window includes the current bar (offset 0).
    Reference: Richard Donchian's channel; StockCharts ChartSchool "Donchian Channels".
    NaN rule: NaN while a NaN is inside the window, then a fresh warm-up.

    Equivalent to ``talib.DONCHIAN(high, low, timeperiod=timeperiod)``.
    """
    upper = np.empty(len(high))
    middle = np.empty(len(high))
    lower = np.empty(len(high))
    _donchian_into(high, low, timeperiod, upper, middle, lower)
    return upper, middle, lower


# --- SuperTrend -------------------------------------------------------------------------


@njit
def _supertrend_run(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    s: int,
    e: int,
    period: int,
    multiplier: float,
    line: F64Array,
    trend: F64Array,
) -> float:
    """SuperTrend on the run ``[s, e)``, its ATR (as :func:`_atr_run`) computed in the same
    loop. Writes ``[s + period, e)``; returns the last ATR, NaN when an input was NaN
    (except bar ``s``'s high/low and the last close, which the ATR does not read)."""
    if e - s <= period:
        return 0.0
    total = 0.0
    for i in range(s + 1, s + period + 1):
        total += _tr(high, low, close, i)
    atr = total / period
    a = (period - 1) / period
    b = 1.0 / period
    first = s + period
    median = (high[_u(first)] + low[_u(first)]) / 2.0
    band = multiplier * atr
    final_upper = median + band
    final_lower = median - band
    # The first bar has no band to ratchet against: both bands start unclamped, trend up.
    up = True
    line[_u(first)] = final_lower
    trend[_u(first)] = 1.0
    for i in range(first + 1, e):
        atr = _fma(atr, a, _tr(high, low, close, i) * b)
        median = (high[_u(i)] + low[_u(i)]) / 2.0
        band = multiplier * atr
        basic_upper = median + band
        basic_lower = median - band
        # Each band ratchets toward price and is released by a close beyond it.
        if basic_upper < final_upper or close[_u(i - 1)] > final_upper:
            final_upper = basic_upper
        if basic_lower > final_lower or close[_u(i - 1)] < final_lower:
            final_lower = basic_lower
        # The trend is carried, not recovered from the bands: they can coincide.
        if up:
            if close[_u(i)] < final_lower:
                up = False
        elif close[_u(i)] > final_upper:
            up = True
        if up:
            line[_u(i)] = final_lower
            trend[_u(i)] = 1.0
        else:
            line[_u(i)] = final_upper
            trend[_u(i)] = -1.0
    return atr


@njit
def _supertrend_into(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    timeperiod: int,
    multiplier: float,
    line: F64Array,
    trend: F64Array,
) -> None:
    n = len(close)
    head = min(timeperiod, n)
    line[:head] = np.nan
    trend[:head] = np.nan
    # Optimistic one pass: a NaN input reaches the ATR, or is one of the bars it skips.
    last_atr = _supertrend_run(high, low, close, 0, n, timeperiod, multiplier, line, trend)
    if n == 0 or not np.isnan(last_atr + high[0] + low[0] + close[n - 1]):
        return
    line[:] = np.nan
    trend[:] = np.nan
    s, e = _run3(high, low, close, 0)
    while s < n:
        _supertrend_run(high, low, close, s, e, timeperiod, multiplier, line, trend)
        s, e = _run3(high, low, close, e)


def _supertrend_lookback(timeperiod: int, multiplier: float) -> int:
    return timeperiod


@indicator(
    inputs=("high", "low", "close"),
    lookback=_supertrend_lookback,
    # The final bands ratchet (a band only moves toward the price until the close crosses
    # it): a cut history rejoins the full one only after a common reset, after no bound
    # one can state; it needs the whole history (candlescan.kernels._warmup).
    warmup=full_history,
    outputs=("supertrend", "trend"),
    timeperiod=Param(10, 2, 100_000, doc="ATR period."),
    multiplier=Param(3.0, 0.0, REAL_MAX, doc="Band distance in ATRs."),
)
def supertrend(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    timeperiod: int = 10,
    multiplier: float = 3.0,
) -> tuple[F64Array, F64Array]:
    """SuperTrend: a trailing ATR stop that flips with the trend.

    Returns
    -------
    supertrend : numpy.ndarray
        The active band: the lower band in an uptrend, the upper band in a downtrend.
    trend : numpy.ndarray
        ``1.0`` in an uptrend, ``-1.0`` in a downtrend (TA-Lib returns int32 here).
        Both are float64, same length as the inputs; the first ``timeperiod`` values
        are NaN.

    Notes
    -----
    ``basic = (high + low) / 2 +/- multiplier * ATR(timeperiod)`` (Wilder ATR, as
    :func:`atr`). The final upper band only moves down unless the previous close was
    above it, the final lower band only moves up unless the previous close was below
    it. An uptrend turns down when the close falls below the final lower band, a
    downtrend turns up when it rises above the final upper band. The first bar starts
    in an uptrend with unclamped bands (the ta4j / TA-Lib convention). Reference: Olivier
    Seban's SuperTrend as documented by TradingView (``ta.supertrend``, whose direction
    sign is the opposite) and TA-Lib ``ta_SUPERTREND.c``. NaN rule: each run of bars
    with clean high, low and close is computed as a series of its own.

    Equivalent to ``talib.SUPERTREND(high, low, close, timeperiod, multiplier)``.
    """
    line = np.empty(len(close))
    trend = np.empty(len(close))
    _supertrend_into(high, low, close, timeperiod, multiplier, line, trend)
    return line, trend
