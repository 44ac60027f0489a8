"""Rolling-window reductions (max, min, sum, maxindex, minindex, highest, lowest).

NaN rule shared by every kernel here: the input is cut into runs of consecutive
non-NaN bars and each run is computed as a whole series of its own, so the output is
NaN while a NaN is inside the window and valid again ``timeperiod - 1`` bars after it
(the same fresh warm-up as at the start of the series). On finite input this is exactly
TA-Lib. Indices (``maxindex``, ``minindex``) are absolute positions in the input array.

Warm-up: windows, exact at their lookback, except maxindex and minindex, whose bar
positions count from the start of the input and so need the whole history.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._unsigned import _u
from candlescan.kernels._warmup import full_history
from candlescan.kernels._windows import _window_extreme_into

# ``max``, ``min`` and ``sum`` (TA-Lib's MAX, MIN, SUM) are kernels of this module but not
# in ``__all__``: ``from ... import *`` must not shadow the builtins. The catalogue finds
# kernels by their metadata, not by ``__all__``.
__all__: list[str] = ["highest", "lowest", "maxindex", "minindex"]


# TA-Lib's extreme tracker (ta_MAX.c / ta_MAXINDEX.c): keep the extreme's index and rescan
# the window only when it falls out. Ties: a rescan keeps the oldest extreme, a new bar
# equal to the current extreme takes over (this fixes MAXINDEX/MININDEX). Amortised O(1)
# per bar on market data. Written once per direction so the comparison is not a runtime
# branch, in the single-pass ``*_from`` form (see ``_averages``): each call fills
# ``out[s:e]`` and returns ``e``, the NaN that ended the run (or ``len(x)``).


@njit
def _max_from(x: F64Array, s: int, period: int, as_index: bool, out: F64Array) -> int:
    n = len(x)
    best_idx = -1
    best = 0.0
    for i in range(s, n):
        value = x[i]
        if np.isnan(value):
            return i
        trailing = i - period + 1
        if trailing < s:
            out[i] = np.nan
            continue
        if best_idx < trailing:
            best_idx = trailing
            best = x[trailing]
            for j in range(trailing + 1, i + 1):
                if x[j] > best:
                    best_idx = j
                    best = x[j]
        elif value >= best:
            best_idx = i
            best = value
        out[i] = best_idx if as_index else best
    return n


@njit
def _min_from(x: F64Array, s: int, period: int, as_index: bool, out: F64Array) -> int:
    n = len(x)
    best_idx = -1
    best = 0.0
    for i in range(s, n):
        value = x[i]
        if np.isnan(value):
            return i
        trailing = i - period + 1
        if trailing < s:
            out[i] = np.nan
            continue
        if best_idx < trailing:
            best_idx = trailing
            best = x[trailing]
            for j in range(trailing + 1, i + 1):
                if x[j] < best:
                    best_idx = j
                    best = x[j]
        elif value <= best:
            best_idx = i
            best = value
        out[i] = best_idx if as_index else best
    return n


@njit
def _extreme(real: F64Array, timeperiod: int, want_max: bool, as_index: bool) -> F64Array:
    """Window max/min (value, or absolute index as float); NaN warm-ups, run by run."""
    n = len(real)
    out = np.empty(n)
    i = 0
    while i < n:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
        elif want_max:
            i = _max_from(real, i, timeperiod, as_index, out)
        else:
            i = _min_from(real, i, timeperiod, as_index, out)
    return out


@njit
def _rolling_max(real: F64Array, timeperiod: int) -> F64Array:
    """Rolling max for compiled callers (the public kernels use :func:`_window_extreme`)."""
    return _extreme(real, timeperiod, True, False)


@njit
def _rolling_min(real: F64Array, timeperiod: int) -> F64Array:
    """Rolling min for compiled callers."""
    return _extreme(real, timeperiod, False, False)


@njit
def _sum_from(x: F64Array, s: int, period: int, out: F64Array) -> int:
    # Running sum stepped by ``x[t] - x[t-n]``: the difference is off the dependency
    # chain (one add a bar where TA-Lib's ``ta_SUM.c`` has two); same values up to
    # rounding (~1e-13 relative after 10^6 bars).
    n = len(x)
    total = 0.0
    i = s
    while i < n and i < s + period:
        value = x[i]
        if np.isnan(value):
            return i
        total += value
        out[i] = np.nan
        i += 1
    if i < s + period:
        return n
    out[i - 1] = total
    while i < n:
        value = x[_u(i)]
        if np.isnan(value):
            return i
        total += value - x[_u(i - period)]
        out[_u(i)] = total
        i += 1
    return n


@njit
def _rolling_sum_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    n = len(real)
    i = 0
    while i < n:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
        else:
            i = _sum_from(real, i, timeperiod, out)


def _lookback(timeperiod: int) -> int:
    return timeperiod - 1


def _window_extreme(real: F64Array, timeperiod: int, want_max: bool) -> F64Array:
    # Window max/min *values* (no tie rule needed) by van Herk / Gil-Werman blocks (see
    # ``_windows``), into a NumPy buffer: NumPy asks for huge pages on large buffers,
    # Numba's allocator does not (~2k page faults per fresh 8 MB buffer on this machine).
    out = np.empty(len(real))
    _window_extreme_into(real, timeperiod, want_max, out)
    return out


@indicator(
    inputs=("real",),
    lookback=_lookback,
    timeperiod=Param(30, 2, 100_000, doc="Window length ``n``."),
)
def max(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Highest value over the last ``timeperiod`` bars (current bar included).

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    ``max[t] = max(x[t-n+1..t])`` (TA-Lib ``ta_MAX.c``). NaN rule: NaN while a NaN is
    inside the window, then a fresh warm-up of ``n - 1`` bars.

    Equivalent to ``talib.MAX(real, timeperiod=timeperiod)``.
    """
    return _window_extreme(real, timeperiod, True)


@indicator(
    inputs=("real",),
    lookback=_lookback,
    timeperiod=Param(30, 2, 100_000, doc="Window length ``n``."),
)
def min(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Lowest value over the last ``timeperiod`` bars (current bar included).

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    ``min[t] = min(x[t-n+1..t])`` (TA-Lib ``ta_MIN.c``). NaN rule: NaN while a NaN is
    inside the window, then a fresh warm-up of ``n - 1`` bars.

    Equivalent to ``talib.MIN(real, timeperiod=timeperiod)``.
    """
    return _window_extreme(real, timeperiod, False)


@indicator(
    inputs=("real",),
    lookback=_lookback,
    timeperiod=Param(30, 2, 100_000, doc="Window length ``n``."),
)
def sum(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Sum of the last ``timeperiod`` values.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    ``sum[t] = x[t-n+1] + ... + x[t]`` with a running sum stepped by ``x[t] - x[t-n]``
    (TA-Lib's ``ta_SUM.c`` adds then subtracts: the same value up to rounding). NaN rule:
    NaN while a NaN is inside the window, then a fresh warm-up of ``n - 1`` bars.

    Equivalent to ``talib.SUM(real, timeperiod=timeperiod)``.
    """
    out = np.empty(len(real))  # NumPy buffer: see _window_extreme
    _rolling_sum_into(real, timeperiod, out)
    return out


# The index outputs count bars from the start of the input, so a cut history shifts them:
# only the whole history gives the chart's index (candlescan.kernels._warmup).
@indicator(
    inputs=("real",),
    lookback=_lookback,
    warmup=full_history,
    outputs=("integer",),
    timeperiod=Param(30, 2, 100_000, doc="Window length ``n``."),
)
def maxindex(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Absolute index of the highest value over the last ``timeperiod`` bars.

    Returns
    -------
    numpy.ndarray
        float64 indices into ``real`` (0-based, from the start of the array), same length
        as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    Ties follow TA-Lib's tracker: a bar equal to the running maximum becomes the new
    index; after the maximum leaves the window the rescan keeps the oldest of equal
    values. TA-Lib returns ``int32`` with ``0`` in the warm-up; here the values are the
    same indices as float64 and the warm-up is NaN, so it composes with other kernels.
    NaN rule: NaN while a NaN is inside the window, then a fresh warm-up of ``n - 1``.

    Equivalent to ``talib.MAXINDEX(real, timeperiod=timeperiod)`` after the warm-up.
    """
    return _extreme(real, timeperiod, True, True)


@indicator(
    inputs=("real",),
    lookback=_lookback,
    warmup=full_history,
    outputs=("integer",),
    timeperiod=Param(30, 2, 100_000, doc="Window length ``n``."),
)
def minindex(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Absolute index of the lowest value over the last ``timeperiod`` bars.

    Returns
    -------
    numpy.ndarray
        float64 indices into ``real`` (0-based, from the start of the array), same length
        as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    Mirror of :func:`maxindex` (ties: a new bar equal to the running minimum takes over;
    a rescan keeps the oldest). TA-Lib returns ``int32`` with ``0`` in the warm-up; here
    float64 with NaN. NaN rule: NaN while a NaN is inside the window, then re-seed.

    Equivalent to ``talib.MININDEX(real, timeperiod=timeperiod)`` after the warm-up.
    """
    return _extreme(real, timeperiod, False, True)


@indicator(
    inputs=("real",),
    about_inputs="Input series, usually ``high`` or ``close``.",
    lookback=_lookback,
    timeperiod=Param(
        30, 2, 100_000, doc="Window length ``n`` (252 is one trading year of daily bars)."
    ),
)
def highest(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Highest value over the last ``timeperiod`` bars: :func:`max` under a screener name.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    Same values as ``max(real, timeperiod)``; the name formulas use, e.g. a 52-week
    breakout ``close > highest(high, 252)[1]`` (``[1]``: the window ending one bar ago,
    so today's bar is not compared with itself). NaN rule: as :func:`max`.

    Equivalent to ``talib.MAX(real, timeperiod=timeperiod)``.
    """
    return _window_extreme(real, timeperiod, True)


@indicator(
    inputs=("real",),
    about_inputs="Input series, usually ``low`` or ``close``.",
    lookback=_lookback,
    timeperiod=Param(
        30, 2, 100_000, doc="Window length ``n`` (252 is one trading year of daily bars)."
    ),
)
def lowest(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Lowest value over the last ``timeperiod`` bars: :func:`min` under a screener name.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    Same values as ``min(real, timeperiod)``; the name formulas use, e.g.
    ``close < lowest(low, 20)[1]`` for a new 20-bar low. NaN rule: as :func:`min`.

    Equivalent to ``talib.MIN(real, timeperiod=timeperiod)``.
    """
    return _window_extreme(real, timeperiod, False)
