"""Momentum as differences: price changes and moving-average spreads.

mom, roc, rocp, rocr (change over ``n`` bars), trix (1-bar ROC of a triple EMA), and
macd, macdext, macdfix, apo, ppo (fast minus slow moving average). NaN rule: the input
is cut into runs of non-NaN bars and each run is computed as a whole series (TA-Lib's
seeding, a fresh warm-up of ``lookback`` bars); on finite input this is TA-Lib.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._averages import _ema, _ema_k, _ma, _ma_lookback, _next_run
from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator

__all__ = ["apo", "macd", "macdext", "macdfix", "mom", "ppo", "roc", "rocp", "rocr", "trix"]

_MAX = 100_000
#: TA-Lib's ``TA_IS_ZERO`` threshold (PPO's zero slow average).
_EPSILON = 1e-14
_MATYPE = Param(0, 0, 8)

# --- mom, roc, rocp, rocr ---------------------------------------------------------------------

# Which difference _change computes.
_MOM, _ROC, _ROCP, _ROCR = 0, 1, 2, 3


@njit
def _change(real: F64Array, timeperiod: int, kind: int) -> F64Array:
    out = np.full(real.shape[0], np.nan)
    begin, end = _next_run(real, 0)
    while begin < real.shape[0]:
        for i in range(begin + timeperiod, end):
            now = real[i]
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
        begin, end = _next_run(real, end)
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


# --- trix --------------------------------------------------------------------------------------


@njit
def _trix(real: F64Array, timeperiod: int) -> F64Array:
    # Chained EMAs re-seed at the first valid value of the inner one, as TA-Lib's TRIX does.
    triple = _ema(_ema(_ema(real, timeperiod), timeperiod), timeperiod)
    return _change(triple, 1, _ROC)


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
def _average(x: F64Array, period: int, matype: int, k: float) -> F64Array:
    """EMA with factor ``k`` when ``k > 0`` (TA-Lib's MACD), else TA-Lib's ``TA_MA``."""
    if k > 0.0:
        return _ema_k(x, period, k)
    return _ma(x, period, matype)


@njit
def _spread(
    real: F64Array,
    fast: int,
    fast_matype: int,
    fast_k: float,
    fast_skip: int,
    slow: int,
    slow_matype: int,
    slow_k: float,
    slow_skip: int,
    start: int,
    ratio: bool,
) -> F64Array:
    """``fast MA - slow MA`` (or PPO's percent ratio), valid from ``start`` in each run.

    TA-Lib starts both averages so that they produce their first value together, at
    ``start``: each is computed on its run as if the series began ``*_skip`` bars late.
    For MACD(12, 26) the fast EMA is therefore seeded with the SMA of bars 14..25.
    """
    out = np.full(real.shape[0], np.nan)
    begin, end = _next_run(real, 0)
    while begin < real.shape[0]:
        if end - begin > start:
            fast_ma = _average(real[begin + fast_skip : end], fast, fast_matype, fast_k)
            slow_ma = _average(real[begin + slow_skip : end], slow, slow_matype, slow_k)
            for i in range(begin + start, end):
                f = fast_ma[i - begin - fast_skip]
                s = slow_ma[i - begin - slow_skip]
                if not ratio:
                    out[i] = f - s
                elif -_EPSILON < s < _EPSILON:
                    out[i] = 0.0  # TA-Lib's PPO for a zero slow average
                else:
                    out[i] = ((f - s) / s) * 100.0
        begin, end = _next_run(real, end)
    return out


@njit
def _macd_lines(
    line: F64Array, signal: int, signal_matype: int, signal_k: float
) -> tuple[F64Array, F64Array, F64Array]:
    """(macd, signal, hist): the signal is the average of the line, all aligned to it."""
    sig = _average(line, signal, signal_matype, signal_k)
    macd_out = line.copy()
    hist = np.full(line.shape[0], np.nan)
    for i in range(line.shape[0]):
        if np.isnan(sig[i]):
            macd_out[i] = np.nan
        else:
            hist[i] = line[i] - sig[i]
    return macd_out, sig, hist


def _ordered(fast: int, slow: int) -> tuple[int, int]:
    # TA-Lib swaps the periods when slow < fast.
    return (slow, fast) if slow < fast else (fast, slow)


@njit
def _macd_ema(
    real: F64Array, fast: int, slow: int, signal: int, fast_k: float, slow_k: float
) -> tuple[F64Array, F64Array, F64Array]:
    line = _spread(real, fast, 1, fast_k, slow - fast, slow, 1, slow_k, 0, slow - 1, False)
    return _macd_lines(line, signal, 1, 2.0 / (signal + 1))


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
    line = _spread(
        real, fast, fast_type, 0.0, fast_skip, slow, slow_type, 0.0, slow_skip, start, False
    )
    return _macd_lines(line, signalperiod, signalmatype, 0.0)


def _po_lookback(fastperiod: int, slowperiod: int, matype: int) -> int:
    return _macdext_offsets(fastperiod, matype, slowperiod, matype)[-1]


def _po(real: F64Array, fastperiod: int, slowperiod: int, matype: int, ratio: bool) -> F64Array:
    # Unlike MACD, TA-Lib's APO/PPO start both averages at the first bar (no late seed).
    fast, slow = _ordered(fastperiod, slowperiod)
    start = _po_lookback(fast, slow, matype)
    return _spread(real, fast, matype, 0.0, 0, slow, matype, 0.0, 0, start, ratio)


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
