"""MACD (Appel) in TA-Lib's three forms: macd, macdfix and macdext.

``macd = fast MA - slow MA`` of the price, ``macdsignal`` its moving average and
``macdhist`` the difference. macd and macdfix use EMAs with TA-Lib's late seed of the fast
one; macdext takes any ``matype`` for each line. The one-pass loops are in
:mod:`candlescan.kernels._spreads`.

NaN rule: the input is cut into runs of non-NaN bars and each run is computed as a whole
series (TA-Lib's seeding, a fresh warm-up of ``lookback`` bars); on finite input this is
TA-Lib. Outputs are allocated with NumPy in the wrappers and filled by the compiled loops
(an 8 MB array allocated inside Numba costs ~2,000 page faults per call here).

Warm-up (rules in :mod:`candlescan.kernels._warmup`): the line converges with its slower
average, then the signal with its own; macdext by its moving-average types (all-SMA is exact
at its lookback).
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._averages import _ma_lookback, _next_run
from candlescan.kernels._config import njit
from candlescan.kernels._ma_into import _ma_into
from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._spreads import _ema_lines, _ordered, _sma_spread
from candlescan.kernels._warmup import CROSSES_ZERO, decay_bars, ema_rate, ma_extra

__all__ = ["macd", "macdext", "macdfix"]

_MAX = 100_000


# The outputs are the rows of one NumPy block: a single mapping gets more of its pages as
# 2 MB huge pages than three 8 MB ones (on 10^6 bars, ~720 page faults instead of ~1,740
# after other large arrays were freed: ~1 ms a call).


def _macd_ema(
    real: F64Array, fast: int, slow: int, signal: int, fast_k: float, slow_k: float
) -> tuple[F64Array, F64Array, F64Array]:
    line, sig, hist = np.empty((3, real.shape[0]))  # rows of one block (above)
    _ema_lines(real, fast, fast_k, slow - fast, slow, slow_k, False, signal, line, sig, hist)
    return line, sig, hist


@njit
def _spread(
    real: F64Array,
    fast: int,
    fast_matype: int,
    fast_skip: int,
    slow: int,
    slow_matype: int,
    slow_skip: int,
    start: int,
    fast_ma: F64Array,
    slow_ma: F64Array,
    line: F64Array,
) -> None:
    """MACDEXT's ``fast MA - slow MA`` into ``line``, valid from ``start`` in each clean run.

    TA-Lib starts both averages so that they produce their first value together, at
    ``start``: each is computed on its run as if the series began ``*_skip`` bars late.
    ``fast_ma`` and ``slow_ma`` are scratch buffers of ``len(real)``.
    """
    line[:] = np.nan
    begin, end = _next_run(real, 0)
    while begin < real.shape[0]:
        if end - begin > start:
            fast_from, slow_from = begin + fast_skip, begin + slow_skip
            _ma_into(real[fast_from:end], fast, fast_matype, fast_ma[fast_from:end])
            _ma_into(real[slow_from:end], slow, slow_matype, slow_ma[slow_from:end])
            for i in range(begin + start, end):
                line[i] = fast_ma[i] - slow_ma[i]
        begin, end = _next_run(real, end)


@njit
def _signal_lines(line: F64Array, sig: F64Array, hist: F64Array) -> None:
    """``hist = line - sig``, and ``line`` blanked where ``sig`` is NaN (TA-Lib's alignment)."""
    for i in range(line.shape[0]):
        if np.isnan(sig[i]):
            line[i] = np.nan
        hist[i] = line[i] - sig[i]


def _macd_lookback(fastperiod: int, slowperiod: int, signalperiod: int) -> int:
    return max(fastperiod, slowperiod) - 1 + signalperiod - 1


# --- warm-ups (candlescan.kernels._warmup) --------------------------------------------------
# The line is fast minus slow average: it crosses zero and carries both averages' errors
# (gain 2 * CROSSES_ZERO), so it converges with the slower one; the signal, an average of
# the line, then forgets its own seed: the two stages add.


def _line_and_signal(line_rate: float, signal_rate: float, tolerance: float) -> int:
    line = decay_bars(line_rate, tolerance, 1, 2.0 * CROSSES_ZERO)
    return line + decay_bars(signal_rate, tolerance, 1, CROSSES_ZERO)


def _macd_warmup(tolerance: float, fastperiod: int, slowperiod: int, signalperiod: int) -> int:
    slowest = ema_rate(max(fastperiod, slowperiod))
    extra = _line_and_signal(slowest, ema_rate(signalperiod), tolerance)
    return _macd_lookback(fastperiod, slowperiod, signalperiod) + extra


def _macdfix_warmup(tolerance: float, signalperiod: int) -> int:
    extra = _line_and_signal(1.0 - 0.075, ema_rate(signalperiod), tolerance)
    return _macdfix_lookback(signalperiod) + extra


@indicator(
    inputs=("real",),
    about_inputs="Prices, usually ``close``.",
    lookback=_macd_lookback,
    warmup=_macd_warmup,
    outputs=("macd", "macdsignal", "macdhist"),
    fastperiod=Param(
        12, 2, _MAX, doc="EMA periods (swapped if ``slowperiod < fastperiod``, as TA-Lib does)."
    ),
    slowperiod=Param(
        26, 2, _MAX, doc="EMA periods (swapped if ``slowperiod < fastperiod``, as TA-Lib does)."
    ),
    signalperiod=Param(9, 1, _MAX, doc="EMA period of the signal line."),
)
def macd(
    real: F64Array, fastperiod: int = 12, slowperiod: int = 26, signalperiod: int = 9
) -> tuple[F64Array, F64Array, F64Array]:
    """Moving Average Convergence/Divergence (Appel), TA-Lib's seeding.

    Returns
    -------
    macd, macdsignal, macdhist : array of float64
        All NaN for the first ``slow - 1 + signalperiod - 1`` bars (33 with the defaults).

    Notes
    -----
    ``macd = EMA_fast - EMA_slow``, ``macdsignal = EMA_signal(macd)``,
    ``macdhist = macd - macdsignal`` with ``k = 2 / (n + 1)``. TA-Lib seeds both EMAs at
    bar ``slow - 1``: the slow one with the SMA of bars ``0..slow-1``, the fast one with
    the SMA of the ``fast`` bars ending there (not of the first ``fast`` bars), so
    ``macd`` differs from ``ema(12) - ema(26)`` early on. The signal EMA is seeded with
    the SMA of the first ``signalperiod`` MACD values. Reference: G. Appel, *The Moving
    Average Convergence-Divergence Trading Method*, 1985. NaN rule: a NaN bar starts a
    fresh warm-up of the whole lookback.

    Equivalent to ``talib.MACD(real, fastperiod, slowperiod, signalperiod)``.
    """
    fast, slow = _ordered(fastperiod, slowperiod)
    return _macd_ema(real, fast, slow, signalperiod, 2.0 / (fast + 1), 2.0 / (slow + 1))


def _macdfix_lookback(signalperiod: int) -> int:
    return 25 + signalperiod - 1


@indicator(
    inputs=("real",),
    about_inputs="Prices, usually ``close``.",
    lookback=_macdfix_lookback,
    warmup=_macdfix_warmup,
    outputs=("macd", "macdsignal", "macdhist"),
    signalperiod=Param(9, 1, _MAX, doc="EMA period of the signal line."),
)
def macdfix(real: F64Array, signalperiod: int = 9) -> tuple[F64Array, F64Array, F64Array]:
    """MACD 12/26 with the fixed smoothing factors 0.15 and 0.075.

    Returns
    -------
    macd, macdsignal, macdhist : array of float64
        All NaN for the first ``25 + signalperiod - 1`` bars (33 with the default).

    Notes
    -----
    As :func:`macd` with periods 12 and 26 (same SMA seeds), but the EMA factors are
    Appel's rounded 0.15 and 0.075 instead of ``2/13`` and ``2/27``. NaN rule as
    :func:`macd`.

    Equivalent to ``talib.MACDFIX(real, signalperiod)``.
    """
    return _macd_ema(real, 12, 26, signalperiod, 0.15, 0.075)


def _macdext_offsets(
    fastperiod: int, fastmatype: int, slowperiod: int, slowmatype: int
) -> tuple[int, int, int, int, int, int, int]:
    """Periods and types in TA-Lib's order, each average's skip, and the line's start."""
    if slowperiod < fastperiod:
        fastperiod, slowperiod = slowperiod, fastperiod
        fastmatype, slowmatype = slowmatype, fastmatype
    fast_lookback = _ma_lookback(fastperiod, fastmatype)
    slow_lookback = _ma_lookback(slowperiod, slowmatype)
    start = max(fast_lookback, slow_lookback)
    return (
        fastperiod,
        fastmatype,
        start - fast_lookback,
        slowperiod,
        slowmatype,
        start - slow_lookback,
        start,
    )


def _macdext_lookback(
    fastperiod: int,
    fastmatype: int,
    slowperiod: int,
    slowmatype: int,
    signalperiod: int,
    signalmatype: int,
) -> int:
    start = _macdext_offsets(fastperiod, fastmatype, slowperiod, slowmatype)[-1]
    return start + _ma_lookback(signalperiod, signalmatype)


def _macdext_warmup(
    tolerance: float,
    fastperiod: int,
    fastmatype: int,
    slowperiod: int,
    slowmatype: int,
    signalperiod: int,
    signalmatype: int,
) -> int:
    line = max(
        ma_extra(fastperiod, fastmatype, tolerance, 2.0 * CROSSES_ZERO),
        ma_extra(slowperiod, slowmatype, tolerance, 2.0 * CROSSES_ZERO),
    )
    signal = ma_extra(signalperiod, signalmatype, tolerance, CROSSES_ZERO)
    lookback = _macdext_lookback(
        fastperiod, fastmatype, slowperiod, slowmatype, signalperiod, signalmatype
    )
    return lookback + line + signal


@indicator(
    inputs=("real",),
    about_inputs="Prices, usually ``close``.",
    lookback=_macdext_lookback,
    warmup=_macdext_warmup,
    outputs=("macd", "macdsignal", "macdhist"),
    fastperiod=Param(
        12, 2, _MAX, doc="Periods (swapped with their types if ``slowperiod < fastperiod``)."
    ),
    fastmatype=Param(
        0, 0, 8, doc="Moving averages: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3."
    ),
    slowperiod=Param(
        26, 2, _MAX, doc="Periods (swapped with their types if ``slowperiod < fastperiod``)."
    ),
    slowmatype=Param(
        0, 0, 8, doc="Moving averages: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3."
    ),
    signalperiod=Param(9, 1, _MAX, doc="Period of the signal line."),
    signalmatype=Param(
        0, 0, 8, doc="Moving averages: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3."
    ),
)
def macdext(
    real: F64Array,
    fastperiod: int = 12,
    fastmatype: int = 0,
    slowperiod: int = 26,
    slowmatype: int = 0,
    signalperiod: int = 9,
    signalmatype: int = 0,
) -> tuple[F64Array, F64Array, F64Array]:
    """MACD with a choice of moving average for each line.

    Returns
    -------
    macd, macdsignal, macdhist : array of float64
        All NaN for the first ``max(fast, slow lookback) + signal lookback`` bars
        (33 with the defaults).

    Notes
    -----
    ``macd = MA_fast - MA_slow``, ``macdsignal = MA_signal(macd)``,
    ``macdhist = macd - macdsignal``. As in TA-Lib, both averages start producing at the
    larger of their lookbacks: the shorter one is computed as if the series began that
    many bars later. With EMA types this equals :func:`macd`. NaN rule as :func:`macd`.

    Equivalent to ``talib.MACDEXT(real, fastperiod, fastmatype, slowperiod, slowmatype,
    signalperiod, signalmatype)``.
    """
    fast, fast_type, fast_skip, slow, slow_type, slow_skip, start = _macdext_offsets(
        fastperiod, fastmatype, slowperiod, slowmatype
    )
    n = real.shape[0]
    line, sig, hist = np.empty((3, n))  # one block, as in _macd_ema
    if fast_type == slow_type == 0:
        _sma_spread(real, fast, fast_skip, slow, False, line)
    else:  # sig and hist serve as the averages' scratch buffers until they are written
        _spread(
            real, fast, fast_type, fast_skip, slow, slow_type, slow_skip, start, sig, hist, line
        )
    _ma_into(line, signalperiod, signalmatype, sig)
    _signal_lines(line, sig, hist)
    return line, sig, hist
