"""Volume-weighted averages and relative volume (vwap, avwap, vwma, rvol).

NaN rule shared by every kernel here (see :mod:`candlescan.kernels._runs`): the inputs
are cut into runs of bars where every input is non-NaN, and each run is computed as if
it were a whole series of its own, with a fresh warm-up of ``lookback`` bars. On finite
input this is TA-Lib's result. For the cumulative ones (vwap, avwap) the running totals
restart at the first clean bar after a gap.

Warm-up: a cumulative vwap and avwap (its anchor is a position) need the whole history;
the rolling forms are windows.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._runs import _run1, _run2, _run4
from candlescan.kernels._unsigned import _u
from candlescan.kernels._warmup import FULL_HISTORY, full_history

__all__: list[str] = ["avwap", "rvol", "vwap", "vwma"]

#: The typical price's 1/3 as a multiplication (a division costs ~4x more; the values
#: differ from TA-Lib's ``/ 3`` by rounding only).
_THIRD = 1.0 / 3.0

#: Largest bar index accepted as an anchor.
_MAX_ANCHOR = 2**31 - 1


# --- VWAP -------------------------------------------------------------------------------


@njit
def _cumulative_vwap(
    high: F64Array, low: F64Array, close: F64Array, volume: F64Array, s: int, e: int, out: F64Array
) -> float:
    """Writes ``out[s:e]``; returns the final totals' sum, NaN when an input was NaN."""
    total_pv = 0.0
    total_v = 0.0
    for i in range(s, e):
        total_pv += (high[_u(i)] + low[_u(i)] + close[_u(i)]) * _THIRD * volume[_u(i)]
        total_v += volume[_u(i)]
        # No volume yet: the average is undefined (TA-Lib writes 0 here).
        out[_u(i)] = total_pv / total_v if total_v != 0.0 else np.nan
    return total_pv + total_v


@njit
def _rolling_vwap(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    volume: F64Array,
    s: int,
    e: int,
    period: int,
    out: F64Array,
) -> None:
    if e - s < period:
        return
    # Sums are rebuilt every ``period`` bars so add/subtract drift cannot build up.
    first = s
    while first + period - 1 < e:
        total_pv = 0.0
        total_v = 0.0
        for i in range(first, first + period - 1):
            total_pv += (high[_u(i)] + low[_u(i)] + close[_u(i)]) * _THIRD * volume[_u(i)]
            total_v += volume[_u(i)]
        trailing = first
        for i in range(first + period - 1, min(first + 2 * period - 1, e)):
            total_pv += (high[_u(i)] + low[_u(i)] + close[_u(i)]) * _THIRD * volume[_u(i)]
            total_v += volume[_u(i)]
            out[_u(i)] = total_pv / total_v if total_v != 0.0 else np.nan
            j = trailing
            total_pv -= (high[_u(j)] + low[_u(j)] + close[_u(j)]) * _THIRD * volume[_u(j)]
            total_v -= volume[_u(j)]
            trailing += 1
        first += period


@njit
def _vwap_into(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    volume: F64Array,
    timeperiod: int,
    out: F64Array,
) -> None:
    n = len(close)
    # Cumulative: one optimistic pass (a NaN input stays in the totals to the end).
    if timeperiod == 0 and not np.isnan(_cumulative_vwap(high, low, close, volume, 0, n, out)):
        return
    out[:] = np.nan
    s, e = _run4(high, low, close, volume, 0)
    while s < n:
        if timeperiod == 0:
            _cumulative_vwap(high, low, close, volume, s, e, out)
        else:
            _rolling_vwap(high, low, close, volume, s, e, timeperiod, out)
        s, e = _run4(high, low, close, volume, e)


@njit
def _avwap_into(
    high: F64Array, low: F64Array, close: F64Array, volume: F64Array, anchor: int, out: F64Array
) -> None:
    n = len(close)
    start = min(anchor, n)
    out[:start] = np.nan
    # Optimistic one pass from the anchor (a NaN input stays in the totals to the end).
    if not np.isnan(_cumulative_vwap(high, low, close, volume, start, n, out)):
        return
    out[:] = np.nan
    s, e = _run4(high, low, close, volume, start)
    while s < n:
        _cumulative_vwap(high, low, close, volume, s, e, out)
        s, e = _run4(high, low, close, volume, e)


def _vwap_lookback(timeperiod: int) -> int:
    return max(timeperiod - 1, 0)


def _avwap_lookback(anchor: int) -> int:
    return anchor


def _vwap_warmup(tolerance: float, timeperiod: int) -> int:
    # Cumulative (0): sums from the first bar, so the whole history; rolling: a window.
    return FULL_HISTORY if timeperiod == 0 else _vwap_lookback(timeperiod)


@indicator(
    inputs=("high", "low", "close", "volume"),
    lookback=_vwap_lookback,
    warmup=_vwap_warmup,
    timeperiod=Param(
        0,
        0,
        100_000,
        doc=(
            "0 (the default, TA-Lib's VWAP): cumulative from the first bar. ``n >= 1``: rolling "
            "over the last ``n`` bars (``n`` up to 100000)."
        ),
    ),
)
def vwap(
    high: F64Array, low: F64Array, close: F64Array, volume: F64Array, timeperiod: int = 0
) -> F64Array:
    """Volume-weighted average price of the typical price: cumulative or rolling.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; no warm-up when cumulative, else the first
        ``timeperiod - 1`` values are NaN.

    Notes
    -----
    ``tp = (high + low + close) / 3``; ``vwap = sum(tp * volume) / sum(volume)`` over all
    bars so far (``timeperiod=0``) or over the last ``timeperiod`` bars. A window whose
    total volume is 0 gives NaN (the average is undefined; TA-Lib's cumulative VWAP
    writes 0 there). The rolling form is the ``ta`` library's ``VolumeWeightedAverage
    Price(window=14)`` after its 13-bar expanding start (fixture ``cs-vwap.csv``); for a
    VWAP anchored at a chosen bar (session, earnings day) see :func:`avwap`. Reference:
    Berkowitz, Logue & Noser, "The Total Cost of Transactions on the NYSE", *Journal of
    Finance* 43 (1988); TA-Lib ``ta_VWAP.c``. NaN rule: each run of clean bars is
    computed as a series of its own (the cumulative sums restart after a gap).

    Equivalent to ``talib.VWAP(high, low, close, volume)`` when ``timeperiod=0`` and some
    volume has traded.
    """
    out = np.empty(len(close))
    _vwap_into(high, low, close, volume, timeperiod, out)
    return out


@indicator(
    inputs=("high", "low", "close", "volume"),
    lookback=_avwap_lookback,
    # ``anchor`` counts bars from the start of the input: the whole history fixes it.
    warmup=full_history,
    anchor=Param(
        0,
        0,
        _MAX_ANCHOR,
        doc="Index of the first bar of the average (0-based position in the arrays).",
    ),
)
def avwap(
    high: F64Array, low: F64Array, close: F64Array, volume: F64Array, anchor: int = 0
) -> F64Array:
    """Anchored VWAP: cumulative VWAP of the typical price from bar ``anchor`` on.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; NaN before ``anchor`` (all NaN when the
        anchor is past the end).

    Notes
    -----
    ``avwap[t] = sum(tp * volume) / sum(volume)`` over bars ``anchor..t``, with
    ``tp = (high + low + close) / 3``; NaN while no volume has traded. ``anchor=0`` is
    ``vwap(timeperiod=0)``. The anchor is a bar position, so a caller that anchors on a
    date or event looks its index up first. Reference: Brian Shannon, *Maximum Trading
    Gains with Anchored VWAP* (2023). NaN rule: a NaN bar at or after the anchor is NaN
    and the average re-anchors at the next clean bar (as if the series started there).
    """
    out = np.empty(len(close))
    _avwap_into(high, low, close, volume, anchor, out)
    return out


# --- VWMA and relative volume ------------------------------------------------------------


@njit
def _divide(a: float, b: float) -> float:
    # IEEE division (x/0 = +-inf, 0/0 = NaN), as TA-Lib's C: Numba's ``/`` raises instead.
    if b == 0.0:
        if a == 0.0 or np.isnan(a):
            return np.nan
        return np.inf if (a > 0.0) == (not np.signbit(b)) else -np.inf
    return a / b


@njit
def _vwma_run(
    real: F64Array, volume: F64Array, s: int, e: int, period: int, out: F64Array
) -> float:
    """VWMA on ``[s, e)`` (period >= 2); returns the final totals' sum (NaN after a NaN)."""
    if e - s < period:
        return 0.0
    # TA-Lib's running sums: add the new bar, snapshot, drop the oldest one.
    total_pv = 0.0
    total_v = 0.0
    for i in range(s, s + period - 1):
        total_pv += real[_u(i)] * volume[_u(i)]
        total_v += volume[_u(i)]
    trailing = s
    for i in range(s + period - 1, e):
        total_pv += real[_u(i)] * volume[_u(i)]
        total_v += volume[_u(i)]
        # 0/0 (no volume in the window) is NaN, as in TA-Lib. The 1/n of both averages
        # cancels: one division instead of TA-Lib's three (values differ by rounding).
        out[_u(i)] = _divide(total_pv, total_v)
        total_pv -= real[_u(trailing)] * volume[_u(trailing)]
        total_v -= volume[_u(trailing)]
        trailing += 1
    return total_pv + total_v


@njit
def _vwma_into(real: F64Array, volume: F64Array, timeperiod: int, out: F64Array) -> None:
    n = len(real)
    if timeperiod > 1:
        # Optimistic one pass: a NaN input stays in the running totals to the end.
        out[: min(timeperiod - 1, n)] = np.nan
        if not np.isnan(_vwma_run(real, volume, 0, n, timeperiod, out)):
            return
    out[:] = np.nan
    s, e = _run2(real, volume, 0)
    while s < n:
        if timeperiod == 1:  # TA-Lib: no averaging at period 1, even with zero volume
            for i in range(s, e):
                out[i] = real[i]
        else:
            _vwma_run(real, volume, s, e, timeperiod, out)
        s, e = _run2(real, volume, e)


@njit
def _rvol_run(volume: F64Array, s: int, e: int, period: int, out: F64Array) -> float:
    """RVOL on ``[s, e)``; returns the final running total (NaN after a NaN volume)."""
    if e - s <= period:
        return 0.0
    total = 0.0
    for i in range(s, s + period):
        total += volume[_u(i)]
    for i in range(s + period, e):
        # The average excludes the current bar: x/0 is inf and 0/0 NaN, as TA-Lib.
        # v / (total / n) as v * n / total: one division instead of two.
        out[_u(i)] = _divide(volume[_u(i)] * period, total)
        total += volume[_u(i)] - volume[_u(i - period)]
    return total


@njit
def _rvol_into(volume: F64Array, timeperiod: int, out: F64Array) -> None:
    n = len(volume)
    out[: min(timeperiod, n)] = np.nan
    # Optimistic one pass: a NaN volume stays in the running total to the end.
    if not np.isnan(_rvol_run(volume, 0, n, timeperiod, out)):
        return
    out[:] = np.nan
    s, e = _run1(volume, 0)
    while s < n:
        _rvol_run(volume, s, e, timeperiod, out)
        s, e = _run1(volume, e)


def _vwma_lookback(timeperiod: int) -> int:
    return timeperiod - 1


def _rvol_lookback(timeperiod: int) -> int:
    return timeperiod


@indicator(
    inputs=("real", "volume"),
    lookback=_vwma_lookback,
    timeperiod=Param(30, 1, 100_000, doc="Window length (TA-Lib's default)."),
)
def vwma(real: F64Array, volume: F64Array, timeperiod: int = 30) -> F64Array:
    """Volume-weighted moving average.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; the first ``timeperiod - 1`` values are NaN.

    Notes
    -----
    ``vwma[t] = sum(real * volume) / sum(volume)`` over the last ``timeperiod`` bars,
    from TA-Lib's running sums. A window with no volume gives NaN (0/0, as TA-Lib);
    ``timeperiod=1`` returns ``real``. Reference: Buff Dormeier, *Investing with Volume
    Analysis* (2011); TA-Lib ``ta_VWMA.c``. NaN rule: NaN while a NaN is inside the
    window, then a fresh warm-up.

    Equivalent to ``talib.VWMA(real, volume, timeperiod=timeperiod)``.
    """
    out = np.empty(len(real))
    _vwma_into(real, volume, timeperiod, out)
    return out


@indicator(
    inputs=("volume",),
    lookback=_rvol_lookback,
    timeperiod=Param(20, 1, 100_000, doc="Number of previous bars averaged."),
)
def rvol(volume: F64Array, timeperiod: int = 20) -> F64Array:
    """Relative volume: today's volume over the average of the previous ``timeperiod``.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``volume``; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``rvol[t] = volume[t] / mean(volume[t-n .. t-1])``: the average *excludes* the
    current bar, so a spike is measured against the days before it (2.0 = twice the
    usual volume). After ``n`` bars of zero volume the ratio is ``inf`` (or NaN when the
    current volume is 0 too), as in TA-Lib. Reference: TA-Lib ``ta_RVOL.c``. NaN rule:
    NaN while a NaN is inside ``t-n .. t``, then a fresh warm-up of ``n`` bars.

    Equivalent to ``talib.RVOL(volume, timeperiod=timeperiod)``.
    """
    out = np.empty(len(volume))
    _rvol_into(volume, timeperiod, out)
    return out
