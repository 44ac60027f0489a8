"""Stochastic oscillators: stoch, stochf and stochrsi (Lane's %K and %D).

%K places the close in the range of the last ``n`` bars; %D smooths it with one of
TA-Lib's ``matype`` moving averages. NaN rule: a bar with a NaN in any input is NaN and
the indicator restarts on the next clean bar with a fresh warm-up of its whole lookback
(the moving averages re-seed at the first valid %K, as in TA-Lib's composite functions).
On finite input the output is TA-Lib's, except on flat windows (documented: 50, not 0).

Speed: the wrappers allocate every output and intermediate with NumPy and the compiled
loops fill them (see :mod:`candlescan.kernels._ma_into`).

Warm-up (rules in :mod:`candlescan.kernels._warmup`): raw %K is a window; each average over
it adds its type's bars; stochrsi first waits for RSI to converge.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._averages import _ma_lookback
from candlescan.kernels._config import njit
from candlescan.kernels._ma_into import _ma_into
from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._momentum import _wilder
from candlescan.kernels._warmup import CROSSES_ZERO, decay_bars, ma_extra, wilder_rate
from candlescan.kernels._windows import _max_span, _min_span

__all__ = ["stoch", "stochf", "stochrsi"]

_MAX = 100_000

#: A window whose range is within this fraction of its values is flat (%K 50). Equal
#: prices give a range of exactly 0, but an RSI that is mathematically unchanged (an
#: unchanged close scales both Wilder averages alike) can move by a few ulps, and dividing
#: by such a range turns rounding into 0 or 100 (it did for 2 in 5 unchanged closes).
_FLAT = 1e-12


@njit
def _percent_k(now: float, top: float, bottom: float) -> float:
    """``100 * (now - bottom) / (top - bottom)``; 50 for a flat window; NaN stays NaN."""
    span = top - bottom
    if span <= _FLAT * max(abs(top), abs(bottom)):
        return 50.0
    return (now - bottom) / span * 100.0


@njit
def _fastk(high: F64Array, low: F64Array, close: F64Array, period: int, out: F64Array) -> None:
    """Raw %K into ``out`` in one pass; 50 on a flat window (TA-Lib: 0).

    A bar with a NaN in any input is NaN and restarts the count of clean bars, so each
    clean run gets a fresh warm-up of ``period - 1`` bars.
    """
    clean = 0  # clean bars in the current run
    hi_at = lo_at = -1
    highest = lowest = 0.0
    for today in range(close.shape[0]):
        if np.isnan(high[today]) or np.isnan(low[today]) or np.isnan(close[today]):
            clean = 0
            out[today] = np.nan
            continue
        clean += 1
        if clean < period:
            out[today] = np.nan
            continue
        first = today - period + 1
        # The extremes are re-scanned only when they leave the window, as TA-Lib does
        # (after a gap they are always older than the window, so never stale).
        if lo_at < first:
            lo_at = first
            lowest = low[first]
            for j in range(first + 1, today + 1):
                if low[j] < lowest:
                    lowest = low[j]
                    lo_at = j
        elif low[today] <= lowest:
            lowest = low[today]
            lo_at = today
        if hi_at < first:
            hi_at = first
            highest = high[first]
            for j in range(first + 1, today + 1):
                if high[j] > highest:
                    highest = high[j]
                    hi_at = j
        elif high[today] >= highest:
            highest = high[today]
            hi_at = today
        out[today] = _percent_k(close[today], highest, lowest)


@njit
def _fastk_into(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    period: int,
    out: F64Array,
    highest: F64Array,
    lowest: F64Array,
) -> None:
    """Raw %K into ``out`` from window extremes by van Herk / Gil-Werman blocks.

    O(1) a bar whatever the data; TA-Lib's rescan (:func:`_fastk`) mispredicts a branch
    whenever an extreme leaves a short window, which on a random walk is most bars. Max
    and min are exact, so %K is the same bit for bit. ``highest`` and ``lowest`` are
    scratch buffers of ``len(close)``; either may be ``out`` itself. The leading bars
    with a NaN (an RSI's warm-up) are skipped; a NaN after them sends the call to
    :func:`_fastk`, which applies the NaN rule run by run.
    """
    n = close.shape[0]
    s = 0
    while s < n and np.isnan(high[s] + low[s] + close[s]):
        out[s] = np.nan
        s += 1
    suffix = np.empty(2 * (period + 1))
    seen_nan = _max_span(high, s, n, period, highest, suffix)
    seen_nan |= _min_span(low, s, n, period, lowest, suffix)
    for i in range(s, n):
        top = highest[i]
        bottom = lowest[i]
        now = close[i]
        seen_nan |= now != now
        out[i] = _percent_k(now, top, bottom)
    if seen_nan:
        _fastk(high, low, close, period, out)


@njit
def _blank_before(values: F64Array, other: F64Array) -> None:
    """Set ``values`` to NaN in place wherever ``other`` is NaN (TA-Lib aligns outputs)."""
    for i in range(values.shape[0]):
        if np.isnan(other[i]):
            values[i] = np.nan


def _stochf(
    high: F64Array, low: F64Array, close: F64Array, fastk: int, fastd: int, fastd_matype: int
) -> tuple[F64Array, F64Array]:
    # Rows of one block: a single mapping gets more of its pages as 2 MB huge pages (on
    # 10^6 bars ~1 ms less in page faults than two arrays, after large arrays were freed).
    k, d = np.empty((2, close.shape[0]))
    _fastk_into(high, low, close, fastk, k, k, d)  # d: scratch until the average
    _ma_into(k, fastd, fastd_matype, d)
    _blank_before(k, d)
    return k, d


def _stoch(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    fastk: int,
    slowk: int,
    slowk_matype: int,
    slowd: int,
    slowd_matype: int,
) -> tuple[F64Array, F64Array]:
    k, d = np.empty((2, close.shape[0]))  # one block, as in _stochf
    _fastk_into(high, low, close, fastk, d, k, d)  # raw %K in d (k: scratch)
    _ma_into(d, slowk, slowk_matype, k)  # then d is free for slow %D
    _ma_into(k, slowd, slowd_matype, d)
    _blank_before(k, d)
    return k, d


def _stoch_lookback(
    fastk_period: int, slowk_period: int, slowk_matype: int, slowd_period: int, slowd_matype: int
) -> int:
    return (
        fastk_period
        - 1
        + _ma_lookback(slowk_period, slowk_matype)
        + _ma_lookback(slowd_period, slowd_matype)
    )


def _stochf_lookback(fastk_period: int, fastd_period: int, fastd_matype: int) -> int:
    return fastk_period - 1 + _ma_lookback(fastd_period, fastd_matype)


def _stochrsi_lookback(
    timeperiod: int, fastk_period: int, fastd_period: int, fastd_matype: int
) -> int:
    return timeperiod + _stochf_lookback(fastk_period, fastd_period, fastd_matype)


# --- warm-ups (candlescan.kernels._warmup) --------------------------------------------------
# Raw %K is a window (exact); each average over it adds its own bars, judged as an output
# in 0..100 that reaches 0 (CROSSES_ZERO). STOCHRSI first needs RSI converged: %K
# rescales RSI by its window's range (assumed >= 1 % of RSI's level: gain 100), on top of
# RSI's own gain 2 and the zero crossing.


def _stoch_warmup(
    tolerance: float,
    fastk_period: int,
    slowk_period: int,
    slowk_matype: int,
    slowd_period: int,
    slowd_matype: int,
) -> int:
    lookback = _stoch_lookback(fastk_period, slowk_period, slowk_matype, slowd_period, slowd_matype)
    slowk = ma_extra(slowk_period, slowk_matype, tolerance, CROSSES_ZERO)
    return lookback + slowk + ma_extra(slowd_period, slowd_matype, tolerance, CROSSES_ZERO)


def _stochf_warmup(
    tolerance: float, fastk_period: int, fastd_period: int, fastd_matype: int
) -> int:
    lookback = _stochf_lookback(fastk_period, fastd_period, fastd_matype)
    return lookback + ma_extra(fastd_period, fastd_matype, tolerance, CROSSES_ZERO)


def _stochrsi_warmup(
    tolerance: float, timeperiod: int, fastk_period: int, fastd_period: int, fastd_matype: int
) -> int:
    rsi = decay_bars(wilder_rate(timeperiod), tolerance, 1, 2.0 * 100.0 * CROSSES_ZERO)
    fastd = ma_extra(fastd_period, fastd_matype, tolerance, CROSSES_ZERO)
    return _stochrsi_lookback(timeperiod, fastk_period, fastd_period, fastd_matype) + rsi + fastd


@indicator(
    inputs=("high", "low", "close"),
    lookback=_stoch_lookback,
    warmup=_stoch_warmup,
    outputs=("slowk", "slowd"),
    fastk_period=Param(5, 1, _MAX, doc="Window ``n`` of the raw %K."),
    slowk_period=Param(3, 1, _MAX, doc="Smoothing of the raw %K into slow %K."),
    slowk_matype=Param(
        0,
        0,
        8,
        doc=(
            "Moving average for slow %K: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA "
            "8=T3."
        ),
    ),
    slowd_period=Param(3, 1, _MAX, doc="Smoothing of slow %K into slow %D."),
    slowd_matype=Param(0, 0, 8, doc="Moving average for slow %D (same codes)."),
)
def stoch(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    fastk_period: int = 5,
    slowk_period: int = 3,
    slowk_matype: int = 0,
    slowd_period: int = 3,
    slowd_matype: int = 0,
) -> tuple[F64Array, F64Array]:
    """Slow stochastic oscillator (Lane): smoothed %K and its signal %D.

    Returns
    -------
    slowk, slowd : array of float64
        In [0, 100]; both NaN for the first ``stoch.lookback(...)`` bars
        (``fastk_period - 1`` plus both averages' lookbacks; 8 with the defaults).

    Notes
    -----
    ``fastk = 100 * (close - LL) / (HH - LL)`` with ``HH``/``LL`` the highest high and
    lowest low of the last ``n`` bars; ``slowk = MA(fastk)``, ``slowd = MA(slowk)``.
    Reference: G. Lane, "Lane's Stochastics", *Technical Analysis of Stocks &
    Commodities*, 1984. On a flat window (``HH - LL <= 1e-12 * max(|HH|, |LL|)``: equal
    prices, or values equal up to rounding) raw %K is 50 (neutral); TA-Lib returns 0
    there, which reads as "oversold". NaN rule: a bar with a NaN in any input is NaN and
    starts a fresh warm-up of the whole lookback.

    Equivalent to ``talib.STOCH(high, low, close, fastk_period, slowk_period,
    slowk_matype, slowd_period, slowd_matype)``.
    """
    return _stoch(
        high, low, close, fastk_period, slowk_period, slowk_matype, slowd_period, slowd_matype
    )


@indicator(
    inputs=("high", "low", "close"),
    lookback=_stochf_lookback,
    warmup=_stochf_warmup,
    outputs=("fastk", "fastd"),
    fastk_period=Param(5, 1, _MAX, doc="Window ``n`` of %K."),
    fastd_period=Param(3, 1, _MAX, doc="Smoothing of %K into %D."),
    fastd_matype=Param(
        0,
        0,
        8,
        doc="Moving average for %D: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3.",
    ),
)
def stochf(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    fastk_period: int = 5,
    fastd_period: int = 3,
    fastd_matype: int = 0,
) -> tuple[F64Array, F64Array]:
    """Fast stochastic oscillator: raw %K and its moving average %D.

    Returns
    -------
    fastk, fastd : array of float64
        In [0, 100]; both NaN for the first ``fastk_period - 1`` plus the average's
        lookback bars (6 with the defaults): TA-Lib aligns %K with %D.

    Notes
    -----
    ``fastk = 100 * (close - LL) / (HH - LL)`` over the last ``n`` bars,
    ``fastd = MA(fastk)``; 50 on a flat window, as in :func:`stoch` (TA-Lib: 0).
    Reference: G. Lane, 1984.
    NaN rule as for :func:`stoch`.

    Equivalent to ``talib.STOCHF(high, low, close, fastk_period, fastd_period,
    fastd_matype)``.
    """
    return _stochf(high, low, close, fastk_period, fastd_period, fastd_matype)


@indicator(
    inputs=("real",),
    about_inputs="Prices, usually ``close``.",
    lookback=_stochrsi_lookback,
    warmup=_stochrsi_warmup,
    outputs=("fastk", "fastd"),
    timeperiod=Param(14, 2, _MAX, doc="RSI period."),
    fastk_period=Param(5, 1, _MAX, doc="Stochastic window over the RSI."),
    fastd_period=Param(3, 1, _MAX, doc="Smoothing of %K into %D."),
    fastd_matype=Param(
        0,
        0,
        8,
        doc="Moving average for %D: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3.",
    ),
)
def stochrsi(
    real: F64Array,
    timeperiod: int = 14,
    fastk_period: int = 5,
    fastd_period: int = 3,
    fastd_matype: int = 0,
) -> tuple[F64Array, F64Array]:
    """Stochastic RSI (Chande and Kroll): the fast stochastic of RSI.

    Returns
    -------
    fastk, fastd : array of float64
        In [0, 100]; NaN for the first ``timeperiod`` plus :func:`stochf`'s lookback bars
        (20 with the defaults).

    Notes
    -----
    ``stochf(r, r, r, fastk_period, fastd_period, fastd_matype)`` with
    ``r = rsi(real, timeperiod)`` (TA-Lib applies STOCHF, not STOCH). Reference:
    T. Chande and S. Kroll, *The New Technical Trader*, 1994. Where the RSI window is
    flat, %K is 50 (TA-Lib: 0), also when the RSIs differ by rounding only (after an
    unchanged close the RSI is unchanged in exact arithmetic; TA-Lib then returns 0 or
    100 at random). NaN rule as for :func:`rsi`.

    Equivalent to ``talib.STOCHRSI(real, timeperiod, fastk_period, fastd_period,
    fastd_matype)``.
    """
    r = np.empty(real.shape[0])
    _wilder(real, timeperiod, False, r)
    return _stochf(r, r, r, fastk_period, fastd_period, fastd_matype)
