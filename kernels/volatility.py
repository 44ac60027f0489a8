"""Volatility measures (atr, natr, trange, stddev, var); the ATR channels are in
:mod:`candlescan.kernels.channels`.

NaN rule shared by every kernel here (see :mod:`candlescan.kernels._runs`): the inputs
are cut into runs of bars where every input is non-NaN, and each run is computed as if
it were a whole series of its own, with a fresh warm-up of ``lookback`` bars. A NaN bar
is NaN in the output, and so is every bar whose window (or recursive seed) would reach
back across it. On finite input this is exactly TA-Lib.

Warm-up (rules in :mod:`candlescan.kernels._warmup`): atr and natr converge as Wilder's
average forgets its seed; trange, stddev and var are exact at their lookback.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import REAL_MAX, F64Array, Param, indicator
from candlescan.kernels._runs import _fma, _run1
from candlescan.kernels._unsigned import _u
from candlescan.kernels._volatility import _atr_into, _trange_into
from candlescan.kernels._warmup import decay_bars, wilder_rate

__all__: list[str] = ["atr", "natr", "stddev", "trange", "var"]


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
    timeperiod=Param(14, 1, 100_000, doc="Smoothing period ``n``."),
)
def atr(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Average true range (Wilder).

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
    timeperiod=Param(
        14,
        1,
        100_000,
        doc=(
            "Smoothing period. With 1, TA-Lib returns the plain true range, not normalized by the"
            " close, and so do we (parity); divide :func:`trange` by the close yourself for a "
            "one-bar normalized range."
        ),
    ),
)
def natr(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Normalized average true range: ATR as a percentage of the close.

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
    timeperiod=Param(5, 2, 100_000, doc="Window length ``n``."),
    nbdev=Param(1.0, -REAL_MAX, REAL_MAX, doc="Multiplier applied to the standard deviation."),
)
def stddev(real: F64Array, timeperiod: int = 5, nbdev: float = 1.0) -> F64Array:
    """Rolling population standard deviation, times ``nbdev``.

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
    timeperiod=Param(5, 1, 100_000, doc="Window length ``n``."),
    nbdev=Param(
        1.0,
        -REAL_MAX,
        REAL_MAX,
        doc="Accepted for TA-Lib compatibility and ignored, as TA-Lib ignores it.",
    ),
)
def var(real: F64Array, timeperiod: int = 5, nbdev: float = 1.0) -> F64Array:
    """Rolling population variance.

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
