"""Statistics (linearreg, linearreg_slope, beta, correl).

NaN rule shared by every kernel here (see :mod:`candlescan.kernels._runs`): the inputs
are cut into runs of bars where every input is non-NaN, and each run is computed as if
it were a whole series of its own, with a fresh warm-up of ``lookback`` bars: NaN while
a NaN is inside the window. On finite input this is TA-Lib's result.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._runs import _bad2, _next_clean, _zero_flat

__all__: list[str] = ["beta", "correl", "linearreg", "linearreg_slope"]


# --- linear regression ------------------------------------------------------------------


@njit
def _linreg_run(x: F64Array, s: int, e: int, period: int, slope_only: bool, out: F64Array) -> None:
    """Least-squares line over each window of ``[s, e)``: its end value or its slope.

    Positions are counted back from the newest bar (``j = 0`` newest, ``period - 1``
    oldest) as in TA-Lib. The sums are slid in O(1) per bar and rebuilt every ``period``
    bars on values shifted by the window's first value, so neither drift nor the price
    level eats the precision of the slope.
    """
    if e - s < period:
        return
    p = float(period)
    sum_x = p * (p - 1.0) * 0.5
    sum_x2 = p * (p - 1.0) * (2.0 * p - 1.0) / 6.0
    divisor = sum_x * sum_x - p * sum_x2
    first = s
    while first + period - 1 < e:
        shift = x[first]
        sum_y = 0.0
        sum_xy = 0.0
        last = first + period - 1
        for j in range(period):
            y = x[last - j] - shift
            sum_y += y
            sum_xy += j * y
        for t in range(last, min(last + period, e)):
            if t > last:
                # Every bar moves one position back; the oldest one leaves the window.
                old = x[t - period] - shift
                sum_xy += sum_y - p * old
                sum_y += (x[t] - shift) - old
            m = (p * sum_xy - sum_x * sum_y) / divisor
            if slope_only:
                out[t] = m
            else:
                out[t] = (sum_y - m * sum_x) / p + m * (p - 1.0) + shift
        first += period


@njit
def _linreg(real: F64Array, timeperiod: int, slope_only: bool) -> F64Array:
    out = np.full(len(real), np.nan)
    bad = np.isnan(real)
    s, e = _next_clean(bad, 0)
    while s < len(real):
        _linreg_run(real, s, e, timeperiod, slope_only, out)
        if slope_only:
            _zero_flat(real, s, e, timeperiod, out)  # exactly 0, not rounding noise
        s, e = _next_clean(bad, e)
    return out


def _window_lookback(timeperiod: int) -> int:
    return timeperiod - 1


@indicator(inputs=("real",), lookback=_window_lookback, timeperiod=Param(14, 2, 100_000))
def linearreg(real: F64Array, timeperiod: int = 14) -> F64Array:
    """Linear regression: the least-squares line's value at the current bar.

    Parameters
    ----------
    real : array_like
        Input series.
    timeperiod : int, default 14
        Window length ``n``, 2..100000.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``timeperiod - 1`` values are NaN.

    Notes
    -----
    Fits ``y = a + m * j`` by least squares to the last ``n`` values (``j = 0..n-1``,
    oldest first) and returns ``a + m * (n - 1)``, the fitted value at the newest bar.
    Reference: TA-Lib ``ta_LINEARREG.c``. The sums are rebuilt every ``n`` bars on
    values shifted by the window's first value, so the result is within about 1e-13
    relative of TA-Lib and at least as close to the exact fit. NaN rule: NaN while a
    NaN is inside the window, then a fresh warm-up of ``timeperiod - 1`` bars.

    Equivalent to ``talib.LINEARREG(real, timeperiod=timeperiod)``.
    """
    return _linreg(real, timeperiod, False)


@indicator(inputs=("real",), lookback=_window_lookback, timeperiod=Param(14, 2, 100_000))
def linearreg_slope(real: F64Array, timeperiod: int = 14) -> F64Array:
    """Linear regression slope: change per bar of the least-squares line.

    Parameters
    ----------
    real : array_like
        Input series.
    timeperiod : int, default 14
        Window length ``n``, 2..100000.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``timeperiod - 1`` values are NaN.

    Notes
    -----
    ``m = (n * sum(j*y) - sum(j) * sum(y)) / (n * sum(j^2) - sum(j)^2)`` over the last
    ``n`` values, ``j = 0..n-1`` oldest first. A flat window gives exactly 0 (TA-Lib's
    running sums can leave noise of about 1e-11 there). Reference: TA-Lib
    ``ta_LINEARREG_SLOPE.c``. NaN rule: NaN while a NaN is inside the window, then a
    fresh warm-up of ``timeperiod - 1`` bars.

    Equivalent to ``talib.LINEARREG_SLOPE(real, timeperiod=timeperiod)``.
    """
    return _linreg(real, timeperiod, True)


# --- beta -------------------------------------------------------------------------------


@njit
def _return(price: float, previous: float) -> float:
    # TA-Lib: a zero previous price gives a zero return rather than a division by zero.
    return (price - previous) / previous if previous != 0.0 else 0.0


@njit
def _beta(real0: F64Array, real1: F64Array, timeperiod: int) -> F64Array:
    n = len(real0)
    out = np.full(n, np.nan)
    bad = _bad2(real0, real1)
    p = float(timeperiod)
    s, e = _next_clean(bad, 0)
    while s < n:
        if e - s > timeperiod:
            # Running sums over the last ``timeperiod`` returns, in TA-Lib's order.
            s_xx = 0.0
            s_xy = 0.0
            s_x = 0.0
            s_y = 0.0
            for i in range(s + 1, s + timeperiod):
                x = _return(real0[i], real0[i - 1])
                y = _return(real1[i], real1[i - 1])
                s_xx += x * x
                s_xy += x * y
                s_x += x
                s_y += y
            trailing = s + 1
            for i in range(s + timeperiod, e):
                x = _return(real0[i], real0[i - 1])
                y = _return(real1[i], real1[i - 1])
                s_xx += x * x
                s_xy += x * y
                s_x += x
                s_y += y
                denominator = p * s_xx - s_x * s_x
                # No variance in real0's returns: TA-Lib writes 0 (no measurable beta).
                out[i] = (p * s_xy - s_x * s_y) / denominator if denominator != 0.0 else 0.0
                x = _return(real0[trailing], real0[trailing - 1])
                y = _return(real1[trailing], real1[trailing - 1])
                s_xx -= x * x
                s_xy -= x * y
                s_x -= x
                s_y -= y
                trailing += 1
        s, e = _next_clean(bad, e)
    return out


def _beta_lookback(timeperiod: int) -> int:
    return timeperiod


@indicator(inputs=("real0", "real1"), lookback=_beta_lookback, timeperiod=Param(5, 1, 100_000))
def beta(real0: F64Array, real1: F64Array, timeperiod: int = 5) -> F64Array:
    """Beta: slope of ``real1``'s returns regressed on ``real0``'s returns.

    Parameters
    ----------
    real0 : array_like
        The explanatory series (for a stock's beta: the index).
    real1 : array_like
        The explained series (the stock), same length.
    timeperiod : int, default 5
        Number of one-bar returns in the window, 1..100000.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; the first ``timeperiod`` values are NaN
        (``timeperiod`` returns need ``timeperiod + 1`` prices).

    Notes
    -----
    With ``x = real0[t] / real0[t-1] - 1`` and ``y = real1[t] / real1[t-1] - 1`` over
    the last ``n`` bars: ``beta = (n*sum(x*y) - sum(x)*sum(y)) / (n*sum(x^2) - sum(x)^2)``.
    A zero previous price gives a zero return, and a window in which ``real0`` does not
    move (zero variance of ``x``) gives 0, both as TA-Lib. Reference: Sharpe (1964),
    CAPM; TA-Lib ``ta_BETA.c``. NaN rule: NaN while a NaN is inside the
    ``timeperiod + 1`` prices of the window, then a fresh warm-up.

    Equivalent to ``talib.BETA(real0, real1, timeperiod=timeperiod)``.
    """
    return _beta(real0, real1, timeperiod)


# --- correlation ------------------------------------------------------------------------


@njit
def _correl_run(
    real0: F64Array, real1: F64Array, s: int, e: int, period: int, out: F64Array
) -> None:
    # Running sums slid in O(1) per bar, rebuilt every ``period`` bars on values shifted
    # by the window's first pair: plain sums of x^2 lose ~1e-9 to the price level.
    if e - s < period:
        return
    p = float(period)
    first = s
    while first + period - 1 < e:
        k0 = real0[first]
        k1 = real1[first]
        sum_x = 0.0
        sum_y = 0.0
        sum_x2 = 0.0
        sum_y2 = 0.0
        sum_xy = 0.0
        for i in range(first, first + period - 1):
            x = real0[i] - k0
            y = real1[i] - k1
            sum_x += x
            sum_x2 += x * x
            sum_xy += x * y
            sum_y += y
            sum_y2 += y * y
        last = min(first + 2 * period - 1, e)
        for i in range(first + period - 1, last):
            x = real0[i] - k0
            y = real1[i] - k1
            sum_x += x
            sum_x2 += x * x
            sum_xy += x * y
            sum_y += y
            sum_y2 += y * y
            spread = (sum_x2 - sum_x * sum_x / p) * (sum_y2 - sum_y * sum_y / p)
            # A flat series has no correlation: 0 (neutral), as TA-Lib.
            out[i] = (sum_xy - sum_x * sum_y / p) / np.sqrt(spread) if spread > 0.0 else 0.0
            x = real0[i - period + 1] - k0
            y = real1[i - period + 1] - k1
            sum_x -= x
            sum_x2 -= x * x
            sum_xy -= x * y
            sum_y -= y
            sum_y2 -= y * y
        first += period


@njit
def _correl(real0: F64Array, real1: F64Array, timeperiod: int) -> F64Array:
    n = len(real0)
    out = np.full(n, np.nan)
    bad = _bad2(real0, real1)
    s, e = _next_clean(bad, 0)
    while s < n:
        _correl_run(real0, real1, s, e, timeperiod, out)
        # A flat series in the window has no correlation: exactly 0, not rounding noise.
        _zero_flat(real0, s, e, timeperiod, out)
        _zero_flat(real1, s, e, timeperiod, out)
        s, e = _next_clean(bad, e)
    return out


@indicator(inputs=("real0", "real1"), lookback=_window_lookback, timeperiod=Param(30, 1, 100_000))
def correl(real0: F64Array, real1: F64Array, timeperiod: int = 30) -> F64Array:
    """Pearson correlation coefficient of two series over a rolling window.

    Parameters
    ----------
    real0, real1 : array_like
        The two series, same length.
    timeperiod : int, default 30
        Window length ``n``, 1..100000.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; the first ``timeperiod - 1`` values are NaN.

    Notes
    -----
    ``r = (sum(xy) - sum(x)sum(y)/n) / sqrt((sum(x^2) - sum(x)^2/n) (sum(y^2) - sum(y)^2/n))``
    over the last ``n`` bars. When either series is flat in
    the window the correlation is undefined; like TA-Lib we return 0 (neutral), never a
    spurious +/-1. Reference: Pearson (1895); TA-Lib ``ta_CORREL.c``. NaN rule: NaN while
    a NaN is inside the window, then a fresh warm-up of ``timeperiod - 1`` bars.

    Equivalent to ``talib.CORREL(real0, real1, timeperiod=timeperiod)``.
    """
    return _correl(real0, real1, timeperiod)
