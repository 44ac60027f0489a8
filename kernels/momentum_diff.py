"""Momentum from moving averages: trix, macd, macdfix, macdext, apo, ppo.

trix is the 1-bar rate of change of a triple EMA; the others are a fast minus a slow
moving average (apo), in percent (ppo), with a signal line (macd*). NaN rule: the input
is cut into runs of non-NaN bars and each run is computed as a whole series (TA-Lib's
seeding, a fresh warm-up of ``lookback`` bars); on finite input this is TA-Lib.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
from numba import types
from numba.extending import intrinsic

from candlescan.kernels._averages import _ma, _ma_lookback, _next_run
from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator

__all__ = ["apo", "macd", "macdext", "macdfix", "ppo", "trix"]

_MAX = 100_000
#: TA-Lib's ``TA_IS_ZERO`` threshold (PPO's zero slow average).
_EPSILON = 1e-14
_MATYPE = Param(0, 0, 8)


@intrinsic
def _fma_intrinsic(typingctx: Any, a: Any, b: Any, c: Any) -> Any:
    signature = types.float64(types.float64, types.float64, types.float64)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        return builder.fma(*args)

    return signature, codegen


#: ``a * b + c`` rounded once (LLVM's ``llvm.fma``), callable from ``@njit`` code.
#: TA-Lib's compiled EMA step ``(x - prev) * k + prev`` is a fused multiply-add; doing the
#: same makes MACD, MACDFIX, TRIX and EMA APO/PPO bit-identical to TA-Lib (the plain
#: expression drifts by an ulp now and then, which is large next to a zero crossing).
_fma = cast(Callable[[float, float, float], float], _fma_intrinsic)


# --- trix --------------------------------------------------------------------------------------


@njit
def _ema_feed(
    seen: int, total: float, ema: float, x: float, period: int, k: float
) -> tuple[int, float, float]:
    """One input to TA-Lib's EMA, streamed: the first ``period`` inputs are summed for the
    SMA seed, then ``ema = (x - ema) * k + ema``; ``ema`` is valid once ``seen >= period``.

    TA-Lib's EMA one bar at a time (with its fused multiply-add), so that MACD and TRIX
    run their chained EMAs in one pass without intermediate arrays (5-7x faster).
    """
    seen += 1
    if seen < period:
        return seen, total + x, ema
    if seen == period:
        total += x
        return seen, total, total / period
    return seen, total, _fma(x - ema, k, ema)


@njit
def _trix(real: F64Array, timeperiod: int) -> F64Array:
    n = real.shape[0]
    out = np.empty(n)
    k = 2.0 / (timeperiod + 1)
    s1 = s2 = s3 = 0
    t1 = t2 = t3 = e1 = e2 = e3 = previous = 0.0
    i = 0
    while i < n:
        out[i] = np.nan
        x = real[i]
        i += 1
        if np.isnan(x):  # re-seed all three EMAs from the next clean bar
            s1 = s2 = s3 = 0
            t1 = t2 = t3 = 0.0
            continue
        # Each EMA starts at the first valid value of the one inside it, as in TA-Lib.
        s1, t1, e1 = _ema_feed(s1, t1, e1, x, timeperiod, k)
        if s1 < timeperiod:
            continue
        s2, t2, e2 = _ema_feed(s2, t2, e2, e1, timeperiod, k)
        if s2 < timeperiod:
            continue
        s3, t3, e3 = _ema_feed(s3, t3, e3, e2, timeperiod, k)
        if s3 < timeperiod:
            continue
        if s3 == timeperiod:
            previous = e3  # the first triple EMA: TRIX starts one bar later
            continue
        out[i - 1] = _roc1(e3, previous)
        previous = e3
        # Steady state: plain recurrences until the next NaN.
        while i < n:
            x = real[i]
            if np.isnan(x):
                break
            e1 = _fma(x - e1, k, e1)
            e2 = _fma(e1 - e2, k, e2)
            e3 = _fma(e2 - e3, k, e3)
            out[i] = _roc1(e3, previous)
            previous = e3
            i += 1
    return out


@njit
def _roc1(now: float, then: float) -> float:
    return ((now / then) - 1.0) * 100.0 if then != 0.0 else 0.0


def _trix_lookback(timeperiod: int) -> int:
    return 3 * (timeperiod - 1) + 1


@indicator(inputs=("real",), lookback=_trix_lookback, timeperiod=Param(30, 1, _MAX))
def trix(real: F64Array, timeperiod: int = 30) -> F64Array:
    """TRIX: 1-bar rate of change (percent) of a triple exponential moving average.

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    timeperiod : int, default 30
        Period ``n`` of each EMA, 1..100000.

    Returns
    -------
    array of float64
        Same length as ``real``; the first ``3 * (timeperiod - 1) + 1`` values are NaN.

    Notes
    -----
    ``e3 = EMA(EMA(EMA(real, n), n), n)`` (each seeded with the SMA of its first ``n``
    inputs), ``trix[t] = (e3[t] / e3[t-1] - 1) * 100``; 0 where ``e3[t-1] == 0``.
    Reference: J. Hutson, "Good TRIX", *Technical Analysis of Stocks & Commodities*, 1983.
    NaN rule: a NaN bar starts a fresh warm-up of the whole lookback.

    Equivalent to ``talib.TRIX(real, timeperiod)``.
    """
    return _trix(real, timeperiod)


# --- macd, macdext, macdfix, apo, ppo ----------------------------------------------------------


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
            fe = _fma(x - fe, fast_k, fe)
            se = _fma(x - se, slow_k, se)
            value = _po_value(fe, se, ratio)
            line[i] = value
            if signal > 0:
                ge = _fma(value - ge, signal_k, ge)
                sig[i] = ge
                hist[i] = value - ge
            i += 1


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
) -> F64Array:
    """MACDEXT's ``fast MA - slow MA``, valid from ``start`` in each clean run.

    TA-Lib starts both averages so that they produce their first value together, at
    ``start``: each is computed on its run as if the series began ``*_skip`` bars late.
    """
    out = np.full(real.shape[0], np.nan)
    begin, end = _next_run(real, 0)
    while begin < real.shape[0]:
        if end - begin > start:
            fast_ma = _ma(real[begin + fast_skip : end], fast, fast_matype)
            slow_ma = _ma(real[begin + slow_skip : end], slow, slow_matype)
            for i in range(begin + start, end):
                out[i] = fast_ma[i - begin - fast_skip] - slow_ma[i - begin - slow_skip]
        begin, end = _next_run(real, end)
    return out


@njit
def _macd_lines(
    line: F64Array, signal: int, signal_matype: int
) -> tuple[F64Array, F64Array, F64Array]:
    """(macd, signal, hist): the signal is the average of the line, all aligned to it."""
    sig = _ma(line, signal, signal_matype)
    hist = np.empty(line.shape[0])
    for i in range(line.shape[0]):
        if np.isnan(sig[i]):
            line[i] = np.nan  # in place: `line` is this kernel's own intermediate
        hist[i] = line[i] - sig[i]
    return line, sig, hist


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
    line = _spread(real, fast, fast_type, fast_skip, slow, slow_type, slow_skip, start)
    return _macd_lines(line, signalperiod, signalmatype)


def _po_lookback(fastperiod: int, slowperiod: int, matype: int) -> int:
    return _macdext_offsets(fastperiod, matype, slowperiod, matype)[-1]


@njit
def _po_ma(real: F64Array, fast: int, slow: int, matype: int, ratio: bool) -> F64Array:
    # Both averages start at the first bar of each run (their own NaN rule); the slow
    # one's warm-up is the longer, and NaN propagates through the difference.
    fast_ma = _ma(real, fast, matype)
    slow_ma = _ma(real, slow, matype)
    out = np.empty(real.shape[0])
    for i in range(real.shape[0]):
        out[i] = _po_value(fast_ma[i], slow_ma[i], ratio)
    return out


def _po(real: F64Array, fastperiod: int, slowperiod: int, matype: int, ratio: bool) -> F64Array:
    # Unlike MACD, TA-Lib's APO/PPO start both averages at the first bar (no late seed).
    fast, slow = _ordered(fastperiod, slowperiod)
    if matype != 1:
        return _po_ma(real, fast, slow, matype, ratio)
    out = np.empty(real.shape[0])
    _ema_lines(real, fast, 2.0 / (fast + 1), 0, slow, 2.0 / (slow + 1), ratio, 0, out, out, out)
    return out


@indicator(
    inputs=("real",),
    lookback=_po_lookback,
    fastperiod=Param(12, 2, _MAX),
    slowperiod=Param(26, 2, _MAX),
    matype=Param(1, 0, 8),
)
def apo(real: F64Array, fastperiod: int = 12, slowperiod: int = 26, matype: int = 1) -> F64Array:
    """Absolute Price Oscillator: fast minus slow moving average.

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    fastperiod, slowperiod : int, default 12, 26
        Periods, 2..100000 (swapped if ``slowperiod < fastperiod``).
    matype : int, default 1
        Moving average: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3.

    Returns
    -------
    array of float64
        NaN for the first ``slow`` average's lookback bars (25 with the defaults).

    Notes
    -----
    ``apo = MA_fast - MA_slow``, both averages computed from the first bar (unlike
    :func:`macd`, whose fast EMA is seeded late), output from the slow lookback on.
    Reference: TA-Lib
    ``ta_APO.c``. NaN rule: a NaN bar starts a fresh warm-up of the whole lookback.

    Equivalent to ``talib.APO(real, fastperiod, slowperiod, matype)``.
    """
    return _po(real, fastperiod, slowperiod, matype, False)


@indicator(
    inputs=("real",),
    lookback=_po_lookback,
    fastperiod=Param(12, 2, _MAX),
    slowperiod=Param(26, 2, _MAX),
    matype=Param(1, 0, 8),
)
def ppo(real: F64Array, fastperiod: int = 12, slowperiod: int = 26, matype: int = 1) -> F64Array:
    """Percentage Price Oscillator: the fast/slow moving-average spread in percent.

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    fastperiod, slowperiod : int, default 12, 26
        Periods, 2..100000 (swapped if ``slowperiod < fastperiod``).
    matype : int, default 1
        Moving average: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3.
        TA-Lib 0.8.2's default is EMA (older wrappers documented SMA).

    Returns
    -------
    array of float64
        NaN for the first ``slow`` average's lookback bars (25 with the defaults).

    Notes
    -----
    ``ppo = (MA_fast - MA_slow) / MA_slow * 100``, aligned as :func:`apo`; 0 where
    ``|MA_slow| < 1e-14`` (as TA-Lib). Reference: TA-Lib ``ta_PPO.c``. NaN rule as
    :func:`apo`.

    Equivalent to ``talib.PPO(real, fastperiod, slowperiod, matype)``.
    """
    return _po(real, fastperiod, slowperiod, matype, True)
