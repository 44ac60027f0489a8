"""Momentum of prices: rsi, cmo, stoch, stochf, stochrsi, mom, roc, rocp, rocr.

Every kernel applies the project's NaN rule the same way: the input is cut into
runs of clean bars (no NaN in any input), and the TA-Lib algorithm runs on each run
as if it were a whole series. Bars outside a run, and the first ``lookback`` bars of
each run, are NaN. On finite input there is one run, so the output is TA-Lib's.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._averages import _ma, _ma_lookback
from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator

__all__ = ["cmo", "mom", "roc", "rocp", "rocr", "rsi", "stoch", "stochf", "stochrsi"]

_MAX = 100_000


@njit
def _wilder(real: F64Array, timeperiod: int, cmo: bool) -> F64Array:
    """RSI (or CMO) in one pass; a NaN bar resets the state, so each clean run re-seeds."""
    out = np.empty(real.shape[0])
    # TA-Lib's RSI divides by multiplying with 1/n (bit-identical only this way); CMO divides.
    scale = 1.0 / timeperiod
    keep = timeperiod - 1
    count = 0  # clean bars seen in the current run
    prev = gain = loss = 0.0
    for i in range(real.shape[0]):
        x = real[i]
        if np.isnan(x):
            count = 0
            out[i] = np.nan
            continue
        change = x - prev
        prev = x
        if count < timeperiod:
            # Warm-up: the seed is the simple mean of changes 1..n.
            if count == 0:
                gain = loss = 0.0
            elif change < 0.0:
                loss -= change
            else:
                gain += change
            count += 1
            out[i] = np.nan
            continue
        if count == timeperiod:
            if change < 0.0:
                loss -= change
            else:
                gain += change
            count += 1
        else:
            # Branch-free (a random walk's signs defeat branch prediction); adding 0.0 to
            # the other side keeps it bit-identical to TA-Lib's if/else.
            gain = gain * keep + max(change, 0.0)
            loss = loss * keep + max(-change, 0.0)
        if cmo:
            gain /= timeperiod
            loss /= timeperiod
        else:
            gain *= scale
            loss *= scale
        total = gain + loss
        if total == 0.0:
            # No movement: neutral (RSI 50, CMO 0), where TA-Lib returns 0 for both.
            out[i] = 0.0 if cmo else 50.0
        elif cmo:
            out[i] = 100.0 * ((gain - loss) / total)
        else:
            out[i] = 100.0 * (gain / total)
    return out


@njit
def _rsi(real: F64Array, timeperiod: int) -> F64Array:
    return _wilder(real, timeperiod, False)


def _rsi_lookback(timeperiod: int) -> int:
    return timeperiod


@indicator(inputs=("real",), lookback=_rsi_lookback, timeperiod=Param(14, 2, _MAX))
def rsi(real: F64Array, timeperiod: int = 14) -> F64Array:
    """Relative Strength Index (Wilder).

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    timeperiod : int, default 14
        Smoothing period ``n``, 2..100000.

    Returns
    -------
    array of float64
        RSI in [0, 100], same length as ``real``; the first ``timeperiod`` values
        are NaN (RSI needs ``n + 1`` prices).

    Notes
    -----
    With ``d[t] = real[t] - real[t-1]``, gains ``g = max(d, 0)`` and losses
    ``l = max(-d, 0)``, the averages start as the simple means of ``g[1..n]`` and
    ``l[1..n]`` and then follow Wilder's smoothing
    ``avg[t] = (avg[t-1] * (n - 1) + x[t]) / n``;
    ``RSI = 100 * avg_gain / (avg_gain + avg_loss)``.
    Reference: J. Welles Wilder, *New Concepts in Technical Trading Systems*, 1978.

    Equivalent to ``talib.RSI(real, timeperiod)`` on finite data, except where
    ``avg_gain + avg_loss == 0`` (no movement, e.g. flat prices): this kernel
    returns 50 (neutral), TA-Lib returns 0, which reads as "oversold".

    NaN rule: a NaN makes the output NaN at that bar; the next clean bar starts a
    fresh series (``timeperiod`` more NaN, then a new simple-mean seed), so one bad
    bar does not poison the rest (TA-Lib returns 0 for ever after it).
    """
    return _rsi(real, timeperiod)


# --- cmo -------------------------------------------------------------------------------------


@njit
def _cmo(real: F64Array, timeperiod: int) -> F64Array:
    return _wilder(real, timeperiod, True)


@indicator(inputs=("real",), lookback=_rsi_lookback, timeperiod=Param(14, 2, _MAX))
def cmo(real: F64Array, timeperiod: int = 14) -> F64Array:
    """Chande Momentum Oscillator (TA-Lib's Wilder-smoothed form).

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    timeperiod : int, default 14
        Smoothing period ``n``, 2..100000.

    Returns
    -------
    array of float64
        CMO in [-100, 100]; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``CMO = 100 * (avg_gain - avg_loss) / (avg_gain + avg_loss)`` with the averages of
    :func:`rsi` (simple-mean seed, then Wilder smoothing), as TA-Lib computes it; Chande's
    original uses plain sums over ``n`` bars. Reference: T. Chande and S. Kroll,
    *The New Technical Trader*, 1994. With no movement (both averages 0) CMO is 0
    (neutral), as in TA-Lib. NaN rule as for :func:`rsi`.

    Equivalent to ``talib.CMO(real, timeperiod)``.
    """
    return _cmo(real, timeperiod)


# --- mom, roc, rocp, rocr ---------------------------------------------------------------------

# Which difference _change computes.
_MOM, _ROC, _ROCP, _ROCR = 0, 1, 2, 3


@njit
def _change(real: F64Array, timeperiod: int, kind: int) -> F64Array:
    out = np.empty(real.shape[0])
    last_nan = -1  # valid only when no NaN lies in [i - n, i]: a fresh warm-up after a gap
    for i in range(real.shape[0]):
        now = real[i]
        if np.isnan(now):
            last_nan = i
        if i - last_nan <= timeperiod:
            out[i] = np.nan
            continue
        then = real[i - timeperiod]
        if kind == _MOM:
            out[i] = now - then
        elif then == 0.0:
            # Undefined ratio: "no change" (TA-Lib: 0 for all three, ROCR included).
            out[i] = 1.0 if kind == _ROCR else 0.0
        elif kind == _ROC:
            out[i] = ((now / then) - 1.0) * 100.0
        elif kind == _ROCP:
            out[i] = (now - then) / then
        else:
            out[i] = now / then
    return out


def _change_lookback(timeperiod: int) -> int:
    return timeperiod


@indicator(inputs=("real",), lookback=_change_lookback, timeperiod=Param(10, 1, _MAX))
def mom(real: F64Array, timeperiod: int = 10) -> F64Array:
    """Momentum: the change over ``timeperiod`` bars.

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    timeperiod : int, default 10
        Distance ``n`` in bars, 1..100000.

    Returns
    -------
    array of float64
        Same length as ``real``; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``mom[t] = real[t] - real[t-n]``. Reference: TA-Lib ``ta_MOM.c``.
    NaN rule: NaN at a NaN bar and for the ``n`` bars after it (a fresh warm-up).

    Equivalent to ``talib.MOM(real, timeperiod)``.
    """
    return _change(real, timeperiod, _MOM)


@indicator(inputs=("real",), lookback=_change_lookback, timeperiod=Param(10, 1, _MAX))
def roc(real: F64Array, timeperiod: int = 10) -> F64Array:
    """Rate of change in percent.

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    timeperiod : int, default 10
        Distance ``n`` in bars, 1..100000.

    Returns
    -------
    array of float64
        Same length as ``real``; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``roc[t] = (real[t] / real[t-n] - 1) * 100``; 0 where ``real[t-n] == 0`` (as TA-Lib).
    Reference: TA-Lib ``ta_ROC.c``. NaN rule as for :func:`mom`.

    Equivalent to ``talib.ROC(real, timeperiod)``.
    """
    return _change(real, timeperiod, _ROC)


@indicator(inputs=("real",), lookback=_change_lookback, timeperiod=Param(10, 1, _MAX))
def rocp(real: F64Array, timeperiod: int = 10) -> F64Array:
    """Rate of change as a fraction: ``(real - prev) / prev``.

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    timeperiod : int, default 10
        Distance ``n`` in bars, 1..100000.

    Returns
    -------
    array of float64
        Same length as ``real``; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``rocp[t] = (real[t] - real[t-n]) / real[t-n]``; 0 where ``real[t-n] == 0`` (as TA-Lib).
    Reference: TA-Lib ``ta_ROCP.c``. NaN rule as for :func:`mom`.

    Equivalent to ``talib.ROCP(real, timeperiod)``.
    """
    return _change(real, timeperiod, _ROCP)


@indicator(inputs=("real",), lookback=_change_lookback, timeperiod=Param(10, 1, _MAX))
def rocr(real: F64Array, timeperiod: int = 10) -> F64Array:
    """Rate of change as a ratio: ``real / prev``.

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    timeperiod : int, default 10
        Distance ``n`` in bars, 1..100000.

    Returns
    -------
    array of float64
        Same length as ``real``; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``rocr[t] = real[t] / real[t-n]``. Where ``real[t-n] == 0`` the ratio is undefined:
    this kernel returns 1 ("no change", consistent with ROC and ROCP returning 0), TA-Lib
    returns 0. Reference: TA-Lib ``ta_ROCR.c``. NaN rule as for :func:`mom`.

    Equivalent to ``talib.ROCR(real, timeperiod)`` wherever ``real[t-n] != 0``.
    """
    return _change(real, timeperiod, _ROCR)


# --- stochastics -----------------------------------------------------------------------------


@njit
def _fastk(high: F64Array, low: F64Array, close: F64Array, period: int) -> F64Array:
    """Raw %K in one pass; 50 where the window's range is 0 (TA-Lib: 0).

    A bar with a NaN in any input is NaN and restarts the count of clean bars, so each
    clean run gets a fresh warm-up of ``period - 1`` bars.
    """
    out = np.empty(close.shape[0])
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
        span = highest - lowest
        out[today] = 50.0 if span == 0.0 else (close[today] - lowest) / span * 100.0
    return out


@njit
def _blank_before(values: F64Array, other: F64Array) -> F64Array:
    """``values``, set to NaN in place wherever ``other`` is NaN (TA-Lib aligns outputs)."""
    for i in range(values.shape[0]):
        if np.isnan(other[i]):
            values[i] = np.nan
    return values


@njit
def _stochf(
    high: F64Array, low: F64Array, close: F64Array, fastk: int, fastd: int, fastd_matype: int
) -> tuple[F64Array, F64Array]:
    k = _fastk(high, low, close, fastk)
    d = _ma(k, fastd, fastd_matype)
    return _blank_before(k, d), d


@njit
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
    k = _ma(_fastk(high, low, close, fastk), slowk, slowk_matype)
    d = _ma(k, slowd, slowd_matype)
    return _blank_before(k, d), d


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


_MATYPE = Param(0, 0, 8)


@indicator(
    inputs=("high", "low", "close"),
    lookback=_stoch_lookback,
    outputs=("slowk", "slowd"),
    fastk_period=Param(5, 1, _MAX),
    slowk_period=Param(3, 1, _MAX),
    slowk_matype=_MATYPE,
    slowd_period=Param(3, 1, _MAX),
    slowd_matype=_MATYPE,
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

    Parameters
    ----------
    high, low, close : array of float64
        Bar prices, same length.
    fastk_period : int, default 5
        Window ``n`` of the raw %K, 1..100000.
    slowk_period : int, default 3
        Smoothing of the raw %K into slow %K, 1..100000.
    slowk_matype : int, default 0
        Moving average for slow %K: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3.
    slowd_period : int, default 3
        Smoothing of slow %K into slow %D, 1..100000.
    slowd_matype : int, default 0
        Moving average for slow %D (same codes).

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
    Commodities*, 1984. Where ``HH == LL`` (flat window) raw %K is 50 (neutral); TA-Lib
    returns 0 there, which reads as "oversold". NaN rule: a bar with a NaN in any input
    is NaN and starts a fresh warm-up of the whole lookback.

    Equivalent to ``talib.STOCH(high, low, close, fastk_period, slowk_period,
    slowk_matype, slowd_period, slowd_matype)``.
    """
    return _stoch(
        high, low, close, fastk_period, slowk_period, slowk_matype, slowd_period, slowd_matype
    )


@indicator(
    inputs=("high", "low", "close"),
    lookback=_stochf_lookback,
    outputs=("fastk", "fastd"),
    fastk_period=Param(5, 1, _MAX),
    fastd_period=Param(3, 1, _MAX),
    fastd_matype=_MATYPE,
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

    Parameters
    ----------
    high, low, close : array of float64
        Bar prices, same length.
    fastk_period : int, default 5
        Window ``n`` of %K, 1..100000.
    fastd_period : int, default 3
        Smoothing of %K into %D, 1..100000.
    fastd_matype : int, default 0
        Moving average for %D: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3.

    Returns
    -------
    fastk, fastd : array of float64
        In [0, 100]; both NaN for the first ``fastk_period - 1`` plus the average's
        lookback bars (6 with the defaults): TA-Lib aligns %K with %D.

    Notes
    -----
    ``fastk = 100 * (close - LL) / (HH - LL)`` over the last ``n`` bars,
    ``fastd = MA(fastk)``; 50 where ``HH == LL`` (TA-Lib: 0). Reference: G. Lane, 1984.
    NaN rule as for :func:`stoch`.

    Equivalent to ``talib.STOCHF(high, low, close, fastk_period, fastd_period,
    fastd_matype)``.
    """
    return _stochf(high, low, close, fastk_period, fastd_period, fastd_matype)


@indicator(
    inputs=("real",),
    lookback=_stochrsi_lookback,
    outputs=("fastk", "fastd"),
    timeperiod=Param(14, 2, _MAX),
    fastk_period=Param(5, 1, _MAX),
    fastd_period=Param(3, 1, _MAX),
    fastd_matype=_MATYPE,
)
def stochrsi(
    real: F64Array,
    timeperiod: int = 14,
    fastk_period: int = 5,
    fastd_period: int = 3,
    fastd_matype: int = 0,
) -> tuple[F64Array, F64Array]:
    """Stochastic RSI (Chande and Kroll): the fast stochastic of RSI.

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    timeperiod : int, default 14
        RSI period, 2..100000.
    fastk_period : int, default 5
        Stochastic window over the RSI, 1..100000.
    fastd_period : int, default 3
        Smoothing of %K into %D, 1..100000.
    fastd_matype : int, default 0
        Moving average for %D: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3.

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
    flat, %K is 50 (TA-Lib: 0). NaN rule as for :func:`rsi`.

    Equivalent to ``talib.STOCHRSI(real, timeperiod, fastk_period, fastd_period,
    fastd_matype)``.
    """
    r = _rsi(real, timeperiod)
    return _stochf(r, r, r, fastk_period, fastd_period, fastd_matype)
