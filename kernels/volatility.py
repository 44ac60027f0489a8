"""Volatility measures (atr, natr, trange, stddev, var); the ATR channels are in
:mod:`candlescan.kernels.channels`.

NaN rule shared by every kernel here (see :mod:`candlescan.kernels._runs`): the inputs
are cut into runs of bars where every input is non-NaN, and each run is computed as if
it were a whole series of its own, with a fresh warm-up of ``lookback`` bars. A NaN bar
is NaN in the output, and so is every bar whose window (or recursive seed) would reach
back across it. On finite input this is exactly TA-Lib.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._runs import _fma, _run1, _run3
from candlescan.kernels._unsigned import _u
from candlescan.kernels._warmup import decay_bars, wilder_rate

__all__: list[str] = ["atr", "natr", "stddev", "trange", "var"]

#: TA-Lib's bound for real-valued parameters (TA_REAL_MAX).
_REAL_MAX = 3e37


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


def _trange_lookback() -> int:
    return 1


def _atr_lookback(timeperiod: int) -> int:
    return timeperiod


def _atr_warmup(tolerance: float, timeperiod: int) -> int:
    # Wilder's average of the true range keeps 1 - 1/n a bar after its SMA seed
    # (candlescan.kernels._warmup); NATR divides it by the close, which adds no error.
    return timeperiod + decay_bars(wilder_rate(timeperiod), tolerance)


@indicator(inputs=("high", "low", "close"), lookback=_trange_lookback)
def trange(high: F64Array, low: F64Array, close: F64Array) -> F64Array:
    """True range.

    Parameters
    ----------
    high, low, close : array_like
        Bar prices, same length.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; the first value is NaN (no previous close).

    Notes
    -----
    ``tr[t] = max(high[t] - low[t], |high[t] - close[t-1]|, |low[t] - close[t-1]|)``.
    Reference: J. Welles Wilder, *New Concepts in Technical Trading Systems* (1978);
    TA-Lib ``ta_TRANGE.c``. NaN rule: a bar with a NaN input is NaN, and so is the next
    bar (its previous close is missing).

    Equivalent to ``talib.TRANGE(high, low, close)``.
    """
    out = np.empty(len(close))
    _trange_into(high, low, close, out)
    return out


@indicator(
    inputs=("high", "low", "close"),
    lookback=_atr_lookback,
    warmup=_atr_warmup,
    timeperiod=Param(14, 1, 100_000),
)
def atr(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Average true range (Wilder).

    Parameters
    ----------
    high, low, close : array_like
        Bar prices, same length.
    timeperiod : int, default 14
        Smoothing period ``n``, 1..100000.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; the first ``timeperiod`` values are NaN.

    Notes
    -----
    The true range starts at bar 1 (bar 0 has no previous close). The first ATR, at bar
    ``n``, is the mean of the true ranges of bars ``1..n``; then
    ``atr[t] = (atr[t-1] * (n - 1) + tr[t]) / n``. ``timeperiod=1`` gives the true range.
    Reference: Wilder (1978); TA-Lib ``ta_ATR.c`` (unstable period 0). NaN rule: a NaN
    bar is NaN; the ATR then re-seeds on the next clean bars exactly as at the start of
    the series (``timeperiod + 1`` bars later).

    Equivalent to ``talib.ATR(high, low, close, timeperiod=timeperiod)``.
    """
    out = np.empty(len(close))
    _atr_into(high, low, close, timeperiod, False, out)
    return out


@indicator(
    inputs=("high", "low", "close"),
    lookback=_atr_lookback,
    warmup=_atr_warmup,
    timeperiod=Param(14, 1, 100_000),
)
def natr(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Normalized average true range: ATR as a percentage of the close.

    Parameters
    ----------
    high, low, close : array_like
        Bar prices, same length.
    timeperiod : int, default 14
        Smoothing period, 1..100000. With 1, TA-Lib returns the plain true range, not
        normalized by the close, and so do we (parity); divide :func:`trange` by the
        close yourself for a one-bar normalized range.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``natr[t] = atr[t] / close[t] * 100`` (see :func:`atr`); a close of exactly 0 gives
    0, as in TA-Lib. Reference: TA-Lib ``ta_NATR.c``. NaN rule as for :func:`atr`.

    Equivalent to ``talib.NATR(high, low, close, timeperiod=timeperiod)``.
    """
    out = np.empty(len(close))
    # TA-Lib's quirk, kept for parity: NATR(1) is the raw true range, not normalized.
    _atr_into(high, low, close, timeperiod, timeperiod > 1, out)
    return out


# --- variance and standard deviation ----------------------------------------------------


#: Running window sums are rebuilt from scratch (on values shifted by the window's first
#: value) every ``max(_RESYNC, 4 * period)`` bars: rounding cannot build up, the price
#: level cannot eat the precision, and the rebuild costs at most a quarter read per bar.
_RESYNC = 1024


@njit
def _var_run(x: F64Array, s: int, e: int, period: int, nbdev: float | None, out: F64Array) -> bool:
    """Population variance (``nbdev=None``) or ``nbdev`` * its square root (the standard
    deviation) of each window in ``[s, e)``.

    Writes ``out[s + period - 1:e]``; returns False (with garbage written) when it met a
    NaN, so a caller can run it optimistically on the whole series. The sums of
    ``x - shift`` and its square are kept with ``shift`` the window's first value: each
    bar moves the shift to the next window's first value in O(1) (the sums of squares
    stay at the scale of the window's own spread, never of the price level), and every
    block of bars rebuilds them from scratch (see :data:`_RESYNC`) so rounding cannot
    build up. A window of equal values (no change since its first bar) gives exactly 0.
    """
    if e - s < period:
        return True
    inv = 1.0 / period
    kept = period - 1.0  # bars that stay in the window when it slides
    # The last bar that differs from the one before it: a window starting at or after
    # it is flat. (Indices are typed unsigned, see _u: all are >= s here.)
    last_change = s
    for i in range(s + 1, s + period - 1):
        if x[_u(i)] != x[_u(i - 1)]:
            last_change = i
    block = max(_RESYNC, 4 * period)
    start = s + period - 1
    while start < e:
        # Sums of the p - 1 bars before ``start``, shifted by the window's first value.
        shift = x[_u(start - period + 1)]
        total1 = 0.0
        total2 = 0.0
        for j in range(start - period + 2, start):
            d = x[_u(j)] - shift
            total1 += d
            total2 += d * d
        stop = min(start + block, e)
        previous = x[_u(start - 1)]
        for i in range(start, stop):
            value = x[_u(i)]
            if value != previous:
                last_change = i
            previous = value
            first = i - period + 1
            d = value - shift
            sum1 = total1 + d
            sum2 = total2 + d * d
            mean1 = sum1 * inv
            variance = _fma(-mean1, mean1, sum2 * inv)
            # Rounding never makes a variance negative; a flat window is exactly 0.
            if last_change <= first or variance <= 0.0:
                variance = 0.0
            # ``is None`` on an argument is decided at compile time: var's loop has no sqrt.
            out[_u(i)] = variance if nbdev is None else np.sqrt(variance) * nbdev
            # The oldest bar (shifted value 0) leaves; shift the sums to the next
            # window's first value: sum(y - step) and sum((y - step)^2) over kept bars,
            # grouped so that each sum's own dependency chain is one addition per bar.
            following = x[_u(first + 1)]
            step = following - shift
            shift = following
            # (Not fused: with two bars, d * d - step * d is then exactly 0.)
            total1 += d - kept * step
            total2 += d * d - step * (2.0 * sum1 - kept * step)
        # A NaN stays in the sums until the rebuild: test them before it.
        if np.isnan(total1):
            return False
        start = stop
    return True


@njit
def _var_into(real: F64Array, timeperiod: int, nbdev: float | None, out: F64Array) -> None:
    n = len(real)
    if timeperiod == 1:
        # One value has no spread: 0 on clean bars, NaN on missing ones.
        for i in range(n):
            out[i] = np.nan if np.isnan(real[i]) else 0.0
        return
    out[: min(timeperiod - 1, n)] = np.nan
    # Optimistic one pass; on a NaN, redo run by run.
    if _var_run(real, 0, n, timeperiod, nbdev, out):
        return
    out[:] = np.nan
    s, e = _run1(real, 0)
    while s < n:
        _var_run(real, s, e, timeperiod, nbdev, out)
        s, e = _run1(real, e)


def _window_lookback(timeperiod: int, nbdev: float = 1.0) -> int:
    return timeperiod - 1


@indicator(
    inputs=("real",),
    lookback=_window_lookback,
    timeperiod=Param(5, 2, 100_000),
    nbdev=Param(1.0, -_REAL_MAX, _REAL_MAX),
)
def stddev(real: F64Array, timeperiod: int = 5, nbdev: float = 1.0) -> F64Array:
    """Rolling population standard deviation, times ``nbdev``.

    Parameters
    ----------
    real : array_like
        Input series.
    timeperiod : int, default 5
        Window length ``n``, 2..100000.
    nbdev : float, default 1.0
        Multiplier applied to the standard deviation.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``timeperiod - 1`` values are NaN.

    Notes
    -----
    ``stddev[t] = nbdev * sqrt(mean(x^2) - mean(x)^2)`` over the last ``n`` values
    (population, ddof = 0), with the variance of :func:`var`; a window of equal values
    gives exactly 0. Reference: TA-Lib ``ta_STDDEV.c``. NaN rule: NaN while a
    NaN is inside the window, then a fresh warm-up of ``timeperiod - 1`` bars.

    Equivalent to ``talib.STDDEV(real, timeperiod=timeperiod, nbdev=nbdev)``.
    """
    out = np.empty(len(real))
    _var_into(real, timeperiod, nbdev, out)
    return out


@indicator(
    inputs=("real",),
    lookback=_window_lookback,
    timeperiod=Param(5, 1, 100_000),
    nbdev=Param(1.0, -_REAL_MAX, _REAL_MAX),
)
def var(real: F64Array, timeperiod: int = 5, nbdev: float = 1.0) -> F64Array:
    """Rolling population variance.

    Parameters
    ----------
    real : array_like
        Input series.
    timeperiod : int, default 5
        Window length ``n``, 1..100000.
    nbdev : float, default 1.0
        Accepted for TA-Lib compatibility and ignored, as TA-Lib ignores it.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``timeperiod - 1`` values are NaN.

    Notes
    -----
    ``var[t] = mean(x^2) - mean(x)^2`` over the last ``n`` values (population, ddof = 0),
    computed from running sums of the values minus a reference value that is reset (and
    the sums rebuilt) every ``n`` bars: O(n), no drift, no cancellation against the
    price level. A window of equal values gives exactly 0, and rounding never makes a
    variance negative (it is clamped at 0; TA-Lib's can be). TA-Lib 0.8.1 uses its own
    summation: values agree within about 1e-11 relative, and both are within rounding
    of the exact variance (TA-Lib's error reaches ~4e-9 relative where two near-equal
    closes make the variance tiny, e.g. ``timeperiod=2``). Reference: TA-Lib ``ta_VAR.c``.
    NaN rule: NaN while a NaN is inside the window, then a fresh warm-up of
    ``timeperiod - 1`` bars.

    Equivalent to ``talib.VAR(real, timeperiod=timeperiod, nbdev=nbdev)``.
    """
    out = np.empty(len(real))
    _var_into(real, timeperiod, None, out)
    return out
