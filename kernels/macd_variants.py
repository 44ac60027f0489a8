"""MACD (Appel) in TA-Lib's three forms: macd, macdfix and macdext.

``macd = fast MA - slow MA`` of the price, ``macdsignal`` its moving average and
``macdhist`` the difference. macd and macdfix use EMAs with TA-Lib's late seed of the fast
one; macdext takes any ``matype`` for each line. The one-pass loops here also serve
apo and ppo (:mod:`candlescan.kernels.ma_oscillators`), MACD's line without a signal.

NaN rule: the input is cut into runs of non-NaN bars and each run is computed as a whole
series (TA-Lib's seeding, a fresh warm-up of ``lookback`` bars); on finite input this is
TA-Lib. Outputs are allocated with NumPy in the wrappers and filled by the compiled loops
(an 8 MB array allocated inside Numba costs ~2,000 page faults per call here).
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._averages import _ma_lookback, _next_run
from candlescan.kernels._config import njit
from candlescan.kernels._ma_into import _ma_into
from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._runs import _fma

__all__ = ["macd", "macdext", "macdfix"]

_MAX = 100_000
#: TA-Lib's ``TA_IS_ZERO`` threshold (PPO's zero slow average).
_EPSILON = 1e-14
_MATYPE = Param(0, 0, 8)


# --- one-pass lines ----------------------------------------------------------------------------


@njit
def _ema_feed(
    seen: int, total: float, ema: float, x: float, period: int, k: float
) -> tuple[int, float, float]:
    """One input to TA-Lib's EMA, streamed: the first ``period`` inputs are summed for the
    SMA seed, then ``ema = ema * (1 - k) + x * k``; ``ema`` is valid once ``seen >= period``.

    TA-Lib's EMA one bar at a time, so that MACD and TRIX run their chained EMAs in one
    pass without intermediate arrays (5-7x faster). The step is the same as
    :func:`candlescan.kernels._averages._ema_from`'s: one fused multiply-add on the
    dependency chain (TA-Lib's ``(x - ema) * k + ema`` puts a subtraction before it, 7
    cycles a bar instead of 4); it differs from TA-Lib by rounding only (~1e-16 relative,
    the recursion is contractive).
    """
    seen += 1
    if seen < period:
        return seen, total + x, ema
    if seen == period:
        total += x
        return seen, total, total / period
    return seen, total, _fma(ema, 1.0 - k, x * k)


@njit
def _po_value(fast: float, slow: float, ratio: bool) -> float:
    if not ratio:
        return fast - slow
    if -_EPSILON < slow < _EPSILON:
        return 0.0  # TA-Lib's PPO for a zero slow average
    return ((fast - slow) / slow) * 100.0


@njit
def _ema_lines(
    real: F64Array,
    fast: int,
    fast_k: float,
    fast_skip: int,
    slow: int,
    slow_k: float,
    ratio: bool,
    signal: int,
    line: F64Array,
    sig: F64Array,
    hist: F64Array,
) -> None:
    """EMA spread (APO/PPO) and, when ``signal > 0``, MACD's signal and histogram, in one pass.

    The fast EMA sees its first input ``fast_skip`` bars into each clean run: MACD uses
    ``slow - fast`` so both EMAs are seeded at bar ``slow - 1`` (TA-Lib's MACD), APO/PPO
    use 0. All outputs start together, at the first signal value (TA-Lib's alignment).
    """
    signal_k = 2.0 / (signal + 1)
    fast_keep, slow_keep, signal_keep = 1.0 - fast_k, 1.0 - slow_k, 1.0 - signal_k
    n = real.shape[0]
    count = fs = ss = gs = 0
    ft = st = gt = fe = se = ge = 0.0
    i = 0
    while i < n:
        line[i] = np.nan
        if signal > 0:
            sig[i] = np.nan
            hist[i] = np.nan
        x = real[i]
        i += 1
        if np.isnan(x):  # the next clean bar starts a fresh series
            count = fs = ss = gs = 0
            ft = st = gt = 0.0
            continue
        if count >= fast_skip:
            fs, ft, fe = _ema_feed(fs, ft, fe, x, fast, fast_k)
        count += 1
        ss, st, se = _ema_feed(ss, st, se, x, slow, slow_k)
        if ss < slow:
            continue
        value = _po_value(fe, se, ratio)
        if signal > 0:
            gs, gt, ge = _ema_feed(gs, gt, ge, value, signal, signal_k)
            if gs < signal:
                continue
            sig[i - 1] = ge
            hist[i - 1] = value - ge
        line[i - 1] = value
        # Steady state: every EMA is seeded; plain recurrences until the next NaN.
        while i < n:
            x = real[i]
            if np.isnan(x):
                break
            fe = _fma(fe, fast_keep, x * fast_k)
            se = _fma(se, slow_keep, x * slow_k)
            value = _po_value(fe, se, ratio)
            line[i] = value
            if signal > 0:
                ge = _fma(ge, signal_keep, value * signal_k)
                sig[i] = ge
                hist[i] = value - ge
            i += 1


# --- macd, macdfix, macdext -------------------------------------------------------------------


def _ordered(fast: int, slow: int) -> tuple[int, int]:
    # TA-Lib swaps the periods when slow < fast.
    return (slow, fast) if slow < fast else (fast, slow)


def _macd_ema(
    real: F64Array, fast: int, slow: int, signal: int, fast_k: float, slow_k: float
) -> tuple[F64Array, F64Array, F64Array]:
    line, sig, hist = (np.empty(real.shape[0]) for _ in range(3))
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
def _sma_spread(
    real: F64Array, fast: int, fast_skip: int, slow: int, ratio: bool, line: F64Array
) -> None:
    """``SMA_fast - SMA_slow`` (or PPO's ratio) into ``line`` in one pass, from ``slow - 1``.

    Both running sums follow TA-Lib's SMA step for step (add the bar, emit, drop the
    oldest, as ``ta_SMA.c``), so each average has TA-Lib's rounding, bit for bit;
    side by side, their two dependency chains overlap instead of running one after the
    other. The fast sum starts ``fast_skip`` bars into each clean run (MACDEXT's late
    start, ``slow - fast``; APO/PPO: 0).
    """
    n = real.shape[0]
    fast_first = fast_skip + fast - 1  # first bar of each run with a fast average
    i = 0
    while i < n:
        if np.isnan(real[i]):
            line[i] = np.nan
            i += 1
            continue
        begin = i
        fast_sum = slow_sum = 0.0
        while i < n:
            x = real[i]
            if np.isnan(x):
                break  # the next clean bar starts a fresh run
            bar = i - begin
            if bar >= fast_skip:
                fast_sum += x
            slow_sum += x
            if bar >= slow - 1:
                line[i] = _po_value(fast_sum / fast, slow_sum / slow, ratio)
                slow_sum -= real[i - slow + 1]
            else:
                line[i] = np.nan
            if bar >= fast_first:
                fast_sum -= real[i - fast + 1]
            i += 1


@njit
def _signal_lines(line: F64Array, sig: F64Array, hist: F64Array) -> None:
    """``hist = line - sig``, and ``line`` blanked where ``sig`` is NaN (TA-Lib's alignment)."""
    for i in range(line.shape[0]):
        if np.isnan(sig[i]):
            line[i] = np.nan
        hist[i] = line[i] - sig[i]


def _macd_lookback(fastperiod: int, slowperiod: int, signalperiod: int) -> int:
    return max(fastperiod, slowperiod) - 1 + signalperiod - 1


@indicator(
    inputs=("real",),
    lookback=_macd_lookback,
    outputs=("macd", "macdsignal", "macdhist"),
    fastperiod=Param(12, 2, _MAX),
    slowperiod=Param(26, 2, _MAX),
    signalperiod=Param(9, 1, _MAX),
)
def macd(
    real: F64Array, fastperiod: int = 12, slowperiod: int = 26, signalperiod: int = 9
) -> tuple[F64Array, F64Array, F64Array]:
    """Moving Average Convergence/Divergence (Appel), TA-Lib's seeding.

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    fastperiod, slowperiod : int, default 12, 26
        EMA periods, 2..100000 (swapped if ``slowperiod < fastperiod``, as TA-Lib does).
    signalperiod : int, default 9
        EMA period of the signal line, 1..100000.

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
    lookback=_macdfix_lookback,
    outputs=("macd", "macdsignal", "macdhist"),
    signalperiod=Param(9, 1, _MAX),
)
def macdfix(real: F64Array, signalperiod: int = 9) -> tuple[F64Array, F64Array, F64Array]:
    """MACD 12/26 with the fixed smoothing factors 0.15 and 0.075.

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    signalperiod : int, default 9
        EMA period of the signal line, 1..100000.

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


@indicator(
    inputs=("real",),
    lookback=_macdext_lookback,
    outputs=("macd", "macdsignal", "macdhist"),
    fastperiod=Param(12, 2, _MAX),
    fastmatype=_MATYPE,
    slowperiod=Param(26, 2, _MAX),
    slowmatype=_MATYPE,
    signalperiod=Param(9, 1, _MAX),
    signalmatype=_MATYPE,
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

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    fastperiod, slowperiod : int, default 12, 26
        Periods, 2..100000 (swapped with their types if ``slowperiod < fastperiod``).
    fastmatype, slowmatype, signalmatype : int, default 0
        Moving averages: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3.
    signalperiod : int, default 9
        Period of the signal line, 1..100000.

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
    line, sig, hist = np.empty(n), np.empty(n), np.empty(n)
    if fast_type == slow_type == 0:
        _sma_spread(real, fast, fast_skip, slow, False, line)
    else:  # sig and hist serve as the averages' scratch buffers until they are written
        _spread(
            real, fast, fast_type, fast_skip, slow, slow_type, slow_skip, start, sig, hist, line
        )
    _ma_into(line, signalperiod, signalmatype, sig)
    _signal_lines(line, sig, hist)
    return line, sig, hist
