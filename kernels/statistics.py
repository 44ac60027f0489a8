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
from candlescan.kernels._runs import _any_nan, _run1, _run2
from candlescan.kernels._unsigned import _u

__all__: list[str] = ["beta", "correl", "linearreg", "linearreg_slope"]

#: The running window sums are rebuilt from scratch on values shifted by the window's
#: first value every ``max(_RESYNC, 4 * period)`` bars: often enough that rounding cannot
#: build up, rarely enough that the rebuild costs at most a quarter read per bar.
_RESYNC = 1024


# --- linear regression ------------------------------------------------------------------


@njit
def _linreg_run(x: F64Array, s: int, e: int, period: int, slope_only: bool, out: F64Array) -> bool:
    """Least-squares line over each window of ``[s, e)``: its end value or its slope.

    Positions are counted back from the newest bar (``j = 0`` newest, ``period - 1``
    oldest) as in TA-Lib. The sums are slid in O(1) per bar on values shifted by the
    window's first value (each bar moves the shift in O(1), so the price level never
    eats the precision of the slope) and rebuilt from scratch every block of bars
    (see :data:`_RESYNC`) so rounding cannot build up. A flat window has a slope of
    exactly 0. Returns False (with garbage written) when it met a NaN.
    """
    if e - s < period:
        return True
    p = float(period)
    sum_x = p * (p - 1.0) * 0.5
    sum_x2 = p * (p - 1.0) * (2.0 * p - 1.0) / 6.0
    inv_divisor = 1.0 / (sum_x * sum_x - p * sum_x2)
    inv_p = 1.0 / p
    # The last bar that differs from the one before it: a window starting at or after
    # it is flat (slope exactly 0).
    last_change = s
    for i in range(s + 1, s + period - 1):
        if x[_u(i)] != x[_u(i - 1)]:
            last_change = i
    block = max(_RESYNC, 4 * period)
    start = s + period - 1
    while start < e:
        # Sums of the window ending at ``start``, shifted by its first value.
        shift = x[_u(start - period + 1)]
        sum_y = 0.0
        sum_xy = 0.0
        for j in range(period):
            y = x[_u(start - j)] - shift
            sum_y += y
            sum_xy += j * y
        stop = min(start + block, e)
        i = start
        previous = x[_u(i - 1)]
        while True:
            value = x[_u(i)]
            if value != previous:
                last_change = i
            previous = value
            m = (p * sum_xy - sum_x * sum_y) * inv_divisor
            if last_change <= i - period + 1:
                m = 0.0
            if slope_only:
                out[_u(i)] = m
            else:
                out[_u(i)] = (sum_y - m * sum_x) * inv_p + m * (p - 1.0) + shift
            i += 1
            if i == stop:
                break
            # Slide: every bar moves one position back, and the oldest one (shifted
            # value 0) leaves; then move the shift to the new first value, ``step`` up:
            # sum(y - step) = sum_y - p * step, sum(j * (y - step)) = sum_xy - step * sum_x.
            first_value = x[_u(i - period + 1)]
            step = first_value - shift
            shift = first_value
            sum_xy += sum_y - step * sum_x
            sum_y += (x[_u(i)] - shift) - (p - 1.0) * step
        # A NaN stays in the sums until the rebuild: test them before it.
        if np.isnan(sum_y):
            return False
        start = i
    return True


@njit
def _linreg_into(real: F64Array, timeperiod: int, slope_only: bool, out: F64Array) -> None:
    n = len(real)
    out[: min(timeperiod - 1, n)] = np.nan
    # Optimistic one pass; on a NaN, redo run by run.
    if _linreg_run(real, 0, n, timeperiod, slope_only, out):
        return
    out[:] = np.nan
    s, e = _run1(real, 0)
    while s < n:
        _linreg_run(real, s, e, timeperiod, slope_only, out)
        s, e = _run1(real, e)


def _window_lookback(timeperiod: int) -> int:
    return timeperiod - 1


@indicator(
    inputs=("real",),
    lookback=_window_lookback,
    timeperiod=Param(14, 2, 100_000, doc="Window length ``n``."),
)
def linearreg(real: F64Array, timeperiod: int = 14) -> F64Array:
    """Linear regression: the least-squares line's value at the current bar.

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
    out = np.empty(len(real))
    _linreg_into(real, timeperiod, False, out)
    return out


@indicator(
    inputs=("real",),
    lookback=_window_lookback,
    timeperiod=Param(14, 2, 100_000, doc="Window length ``n``."),
)
def linearreg_slope(real: F64Array, timeperiod: int = 14) -> F64Array:
    """Linear regression slope: change per bar of the least-squares line.

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
    out = np.empty(len(real))
    _linreg_into(real, timeperiod, True, out)
    return out


# --- beta -------------------------------------------------------------------------------


@njit
def _return(price: float, previous: float) -> float:
    # TA-Lib: a zero previous price gives a zero return rather than a division by zero.
    return (price - previous) / previous if previous != 0.0 else 0.0


#: Re-sum a window when ``n*Sxx - Sx^2`` keeps less than 1e-4 of ``n*Sxx``.
_CANCELLATION = 1e-4


@njit
def _beta_of_window(xs: F64Array, ys: F64Array) -> float:
    """Beta of one window from its returns, centred (two passes, no cancellation).

    A window whose ``real0`` returns are all equal has no measurable beta: 0, as TA-Lib.
    """
    n = xs.shape[0]
    mean_x = 0.0
    mean_y = 0.0
    low = high = xs[0]
    for j in range(n):
        mean_x += xs[j]
        mean_y += ys[j]
        low = min(low, xs[j])
        high = max(high, xs[j])
    if low == high:
        return 0.0
    mean_x /= n
    mean_y /= n
    s_xx = 0.0
    s_xy = 0.0
    for j in range(n):
        dx = xs[j] - mean_x
        s_xx += dx * dx
        s_xy += dx * (ys[j] - mean_y)
    return s_xy / s_xx if s_xx != 0.0 else 0.0


@njit
def _beta_run(real0: F64Array, real1: F64Array, s: int, e: int, period: int, out: F64Array) -> bool:
    """Beta on ``[s, e)``; False when an input was NaN (it stays in the sums)."""
    if e - s <= period:
        return True
    p = float(period)
    # The window's returns, kept in a ring so each is computed once (TA-Lib recomputes
    # the leaving one; the values are the same).
    ring_x = np.empty(period)
    ring_y = np.empty(period)
    s_xx = 0.0
    s_xy = 0.0
    s_x = 0.0
    s_y = 0.0
    slot = 0  # where bar i's return goes: (i - s - 1) % period
    for i in range(s + 1, e):
        x = _return(real0[_u(i)], real0[_u(i - 1)])
        y = _return(real1[_u(i)], real1[_u(i - 1)])
        s_xx += x * x
        s_xy += x * y
        s_x += x
        s_y += y
        # It overwrites the return that left the window at the previous bar.
        ring_x[_u(slot)] = x
        ring_y[_u(slot)] = y
        slot += 1
        if slot == period:
            slot = 0
        if i >= s + period:
            denominator = p * s_xx - s_x * s_x
            if denominator <= _CANCELLATION * p * s_xx:
                # Nearly equal returns: the difference of the running sums has lost most
                # of its digits (seen: 4.7e-9 relative at period 2), so re-sum this window.
                out[_u(i)] = _beta_of_window(ring_x, ring_y)
            else:
                out[_u(i)] = (p * s_xy - s_x * s_y) / denominator
            # The oldest return (bar i - period + 1) leaves the window: next slot.
            x = ring_x[_u(slot)]
            y = ring_y[_u(slot)]
            s_xx -= x * x
            s_xy -= x * y
            s_x -= x
            s_y -= y
    return not np.isnan(s_x + s_y)


@njit
def _beta_into(real0: F64Array, real1: F64Array, timeperiod: int, out: F64Array) -> None:
    n = len(real0)
    out[: min(timeperiod, n)] = np.nan
    # Optimistic one pass; on a NaN, redo run by run.
    if _beta_run(real0, real1, 0, n, timeperiod, out):
        return
    out[:] = np.nan
    s, e = _run2(real0, real1, 0)
    while s < n:
        _beta_run(real0, real1, s, e, timeperiod, out)
        s, e = _run2(real0, real1, e)


def _beta_lookback(timeperiod: int) -> int:
    return timeperiod


@indicator(
    inputs=("real0", "real1"),
    about_inputs=(
        "``real0`` is the explanatory series (for a stock's beta: the index), ``real1`` the "
        "explained one (the stock), same length."
    ),
    lookback=_beta_lookback,
    timeperiod=Param(5, 1, 100_000, doc="Number of one-bar returns in the window."),
)
def beta(real0: F64Array, real1: F64Array, timeperiod: int = 5) -> F64Array:
    """Beta: slope of ``real1``'s returns regressed on ``real0``'s returns.

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
    out = np.empty(len(real0))
    _beta_into(real0, real1, timeperiod, out)
    return out


# --- correlation ------------------------------------------------------------------------


@njit
def _correl_run(
    real0: F64Array, real1: F64Array, s: int, e: int, period: int, out: F64Array
) -> bool:
    # Running sums slid in O(1) per bar, rebuilt every ``period`` bars on values shifted
    # by the window's first pair: plain sums of x^2 lose ~1e-9 to the price level.
    # Returns False (with garbage written) when it met a NaN.
    if e - s < period:
        return True
    inv_p = 1.0 / period
    k0 = 0.0
    k1 = 0.0
    sum_x = 0.0
    sum_y = 0.0
    sum_x2 = 0.0
    sum_y2 = 0.0
    sum_xy = 0.0
    if period == 1:  # one point has no correlation: 0, as TA-Lib
        for i in range(s, e):
            out[_u(i)] = 0.0
        return not _any_nan(real0, s, e) and not _any_nan(real1, s, e)
    # The last bar where each series changed: a window starting at or after it is flat.
    last0 = s
    last1 = s
    for i in range(s + 1, s + period - 1):
        if real0[_u(i)] != real0[_u(i - 1)]:
            last0 = i
        if real1[_u(i)] != real1[_u(i - 1)]:
            last1 = i
    rebuild = s + period - 1
    for i in range(s + period - 1, e):
        first = i - period + 1
        if i == rebuild:
            # A NaN stays in the sums until the rebuild: test them before it.
            if np.isnan(sum_x + sum_y):
                return False
            k0 = real0[_u(first)]
            k1 = real1[_u(first)]
            sum_x = 0.0
            sum_y = 0.0
            sum_x2 = 0.0
            sum_y2 = 0.0
            sum_xy = 0.0
            for j in range(first, i + 1):
                x = real0[_u(j)] - k0
                y = real1[_u(j)] - k1
                sum_x += x
                sum_x2 += x * x
                sum_xy += x * y
                sum_y += y
                sum_y2 += y * y
            rebuild += period
        else:
            # One addition per sum and bar (the new pair minus the one that left): a
            # shorter dependency chain than removing and then adding.
            x_old = real0[_u(first - 1)] - k0
            y_old = real1[_u(first - 1)] - k1
            x = real0[_u(i)] - k0
            y = real1[_u(i)] - k1
            sum_x += x - x_old
            sum_x2 += x * x - x_old * x_old
            sum_xy += x * y - x_old * y_old
            sum_y += y - y_old
            sum_y2 += y * y - y_old * y_old
        if real0[_u(i)] != real0[_u(i - 1)]:
            last0 = i
        if real1[_u(i)] != real1[_u(i - 1)]:
            last1 = i
        spread = (sum_x2 - sum_x * sum_x * inv_p) * (sum_y2 - sum_y * sum_y * inv_p)
        # A flat series has no correlation: 0 (neutral), as TA-Lib, and exactly 0 when
        # the window is flat, not rounding noise.
        if last0 <= first or last1 <= first or spread <= 0.0:
            out[_u(i)] = 0.0
        else:
            out[_u(i)] = (sum_xy - sum_x * sum_y * inv_p) / np.sqrt(spread)
    return not np.isnan(sum_x + sum_y)


@njit
def _correl_into(real0: F64Array, real1: F64Array, timeperiod: int, out: F64Array) -> None:
    n = len(real0)
    out[: min(timeperiod - 1, n)] = np.nan
    # Optimistic one pass; on a NaN, redo run by run.
    if _correl_run(real0, real1, 0, n, timeperiod, out):
        return
    out[:] = np.nan
    s, e = _run2(real0, real1, 0)
    while s < n:
        _correl_run(real0, real1, s, e, timeperiod, out)
        s, e = _run2(real0, real1, e)


@indicator(
    inputs=("real0", "real1"),
    lookback=_window_lookback,
    timeperiod=Param(30, 1, 100_000, doc="Window length ``n``."),
)
def correl(real0: F64Array, real1: F64Array, timeperiod: int = 30) -> F64Array:
    """Pearson correlation coefficient of two series over a rolling window.

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
    out = np.empty(len(real0))
    _correl_into(real0, real1, timeperiod, out)
    return out
