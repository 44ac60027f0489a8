"""Overlap studies: the moving averages (sma, ema, wma, dema, tema, trima, kama, t3 ...).

NaN rule shared by every kernel here: the input is cut into runs of consecutive
non-NaN bars (for ``high, low`` kernels: bars where both are non-NaN) and each run is
computed as if it were a whole series of its own (TA-Lib's numbers on the run, with a
fresh warm-up of ``lookback`` bars). A NaN bar is NaN in the output, and so is every bar
whose window or recursive seed would reach back across it. On finite input this is
exactly TA-Lib. The compiled loops are private modules: ``_averages`` (SMA, EMA, RMA and
the ``_ma`` dispatcher other families call), ``_weighted`` (WMA, HMA), ``_ema_chains``
(DEMA, TEMA, ZLEMA), ``_filters`` (TRIMA, KAMA, T3) and ``_mama``; the lookbacks and
warm-ups are in ``_overlap``. Bollinger Bands, the
midpoint/midprice channels and the parabolic SAR are in :mod:`candlescan.kernels.bands`.

``timeperiod = 1`` is accepted by the moving averages, as TA-Lib 0.8 accepts it, and
returns a copy of the input.

Warm-up (``kernel.warmup``, rules in :mod:`candlescan.kernels._warmup`): SMA, WMA,
TRIMA and HMA are windows, exact at their lookback; EMA (keeps ``1 - 2/(n+1)`` a bar), RMA
(``1 - 1/n``), DEMA, TEMA and T3 (cascades of 2, 3 and 6 EMAs), ZLEMA, KAMA (at its slowest,
``1 - (2/31)^2``: ~5,000 bars) and MAMA converge; ``ma`` takes its type's rule.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._averages import (
    MA_TYPE_MAX,
    _ema_into,
    _ma,
    _rma_into,
    _sma_into,
)
from candlescan.kernels._ema_chains import _dema_into, _tema_into, _zlema_into
from candlescan.kernels._filters import _kama_into, _t3_into, _trima_into
from candlescan.kernels._mama import _mama_into
from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._overlap import (
    _dema_lookback,
    _dema_warmup,
    _ema_warmup,
    _hma_lookback,
    _kama_lookback,
    _kama_warmup,
    _ma_lookback_public,
    _ma_warmup,
    _mama_lookback,
    _mama_warmup,
    _one_type,
    _rma_warmup,
    _sma_lookback,
    _t3_lookback,
    _t3_warmup,
    _tema_lookback,
    _tema_warmup,
    _zlema_lookback,
    _zlema_warmup,
)
from candlescan.kernels._weighted import _hma_into, _wma_into

_WINDOW = Param(30, 1, 100_000, doc="Window length ``n``.")
_PERIOD = Param(30, 1, 100_000, doc="Period ``n``.")

__all__: list[str] = [
    "dema",
    "ema",
    "hma",
    "kama",
    "ma",
    "mama",
    "rma",
    "sma",
    "t3",
    "tema",
    "trima",
    "wma",
    "zlema",
]


# --- simple, exponential, weighted, Wilder --------------------------------------------------


@indicator(inputs=("real",), lookback=_sma_lookback, timeperiod=_WINDOW)
def sma(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Simple moving average.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    ``sma[t] = (x[t-n+1] + ... + x[t]) / n``, with a running sum stepped by
    ``x[t] - x[t-n]`` and a multiply by ``1/n`` (TA-Lib's ``ta_SMA.c`` adds, subtracts and
    divides: the same value up to rounding, ~1e-13 relative after 10^6 bars). NaN rule:
    NaN while a NaN is inside the window, then a fresh warm-up of ``n - 1`` bars.

    Equivalent to ``talib.SMA(real, timeperiod=timeperiod)``.
    """
    return _one_type(_sma_into, real, timeperiod)


@indicator(
    inputs=("real",),
    lookback=_sma_lookback,
    warmup=_ema_warmup,
    timeperiod=Param(30, 1, 100_000, doc="Period ``n``; smoothing factor ``k = 2 / (n + 1)``."),
)
def ema(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Exponential moving average, seeded with the SMA of the first ``timeperiod`` bars.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    ``ema[n-1] = mean(x[0..n-1])``, then ``ema[t] = ema[t-1] + k * (x[t] - ema[t-1])``
    (TA-Lib ``ta_EMA.c``, classic seeding, unstable period 0), stepped as the fused
    ``(1-k)*ema[t-1] + k*x[t]`` (rounding only, ~1e-15 relative). NaN rule: a NaN bar is
    NaN; the average then re-seeds with the SMA of the next ``n`` clean bars.

    Equivalent to ``talib.EMA(real, timeperiod=timeperiod)``.
    """
    return _one_type(_ema_into, real, timeperiod)


@indicator(inputs=("real",), lookback=_sma_lookback, timeperiod=_WINDOW)
def wma(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Linearly weighted moving average (weights 1..n, newest heaviest).

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    ``wma[t] = sum_{j=1..n} j * x[t-n+j] / (n(n+1)/2)``, updated in O(1) per bar as in
    TA-Lib ``ta_WMA.c`` and re-summed exactly every ``max(n, 128)`` bars, so it does not
    drift (~1e-14 relative to the exact sums, as TA-Lib 0.8). NaN rule: NaN while a NaN
    is inside the window, then re-seed.

    Equivalent to ``talib.WMA(real, timeperiod=timeperiod)``.
    """
    return _one_type(_wma_into, real, timeperiod)


@indicator(inputs=("real",), lookback=_sma_lookback, warmup=_rma_warmup, timeperiod=_PERIOD)
def rma(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Wilder's moving average (RMA, SMMA): an EMA with ``alpha = 1/n``, seeded with the SMA.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    ``rma[n-1] = mean(x[0..n-1])``, then ``rma[t] = (rma[t-1] * (n-1) + x[t]) / n``: the
    smoothing of Wilder's RSI, ATR and ADX (J. W. Wilder, *New Concepts in Technical
    Trading Systems*, 1978, ISBN 0-89459-027-8), stepped as the fused
    ``rma[t-1]*(n-1)/n + x[t]/n`` two bars at a time (rounding only, ~1e-15 relative).
    NaN rule: a NaN bar is NaN, then the average re-seeds with the SMA of the next ``n``
    clean bars.

    Equivalent to ``talib.RMA(real, timeperiod=timeperiod)`` (TA-Lib 0.8).
    """
    return _one_type(_rma_into, real, timeperiod)


# --- EMA compositions ---------------------------------------------------------------------


@indicator(
    inputs=("real",),
    lookback=_dema_lookback,
    warmup=_dema_warmup,
    timeperiod=Param(30, 1, 100_000, doc="Period ``n`` of both EMAs."),
)
def dema(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Double exponential moving average: ``2*EMA(x) - EMA(EMA(x))``.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``2(n - 1)`` values are NaN.

    Notes
    -----
    P. Mulloy, "Smoothing Data with Faster Moving Averages", *Technical Analysis of
    Stocks & Commodities* 12(1), 1994. The inner EMA seeds at its first valid value, as
    in TA-Lib ``ta_DEMA.c``. NaN rule: a NaN bar is NaN, then a fresh ``2(n-1)`` warm-up.

    Equivalent to ``talib.DEMA(real, timeperiod=timeperiod)``.
    """
    return _one_type(_dema_into, real, timeperiod)


@indicator(
    inputs=("real",),
    lookback=_tema_lookback,
    warmup=_tema_warmup,
    timeperiod=Param(30, 1, 100_000, doc="Period ``n`` of the three EMAs."),
)
def tema(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Triple exponential moving average: ``3*e1 - 3*e2 + e3`` with ``e(k+1) = EMA(e(k))``.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``3(n - 1)`` values are NaN.

    Notes
    -----
    P. Mulloy, *Technical Analysis of Stocks & Commodities* 12(2), 1994; TA-Lib
    ``ta_TEMA.c``. NaN rule: a NaN bar is NaN, then a fresh ``3(n-1)`` warm-up.

    Equivalent to ``talib.TEMA(real, timeperiod=timeperiod)``.
    """
    return _one_type(_tema_into, real, timeperiod)


@indicator(inputs=("real",), lookback=_zlema_lookback, warmup=_zlema_warmup, timeperiod=_PERIOD)
def zlema(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Zero-lag EMA: the EMA of ``2*x[t] - x[t-lag]`` with ``lag = (n - 1) // 2``.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``(n-1)//2 + n - 1`` values are NaN.

    Notes
    -----
    J. Ehlers and R. Way, "Zero Lag (Well, Almost)", *Technical Analysis of Stocks &
    Commodities*, 2010. NaN rule: NaN while ``x[t]`` or ``x[t-lag]`` is NaN, then the EMA
    re-seeds.

    Equivalent to ``talib.ZLEMA(real, timeperiod=timeperiod)`` (TA-Lib 0.8).
    """
    return _one_type(_zlema_into, real, timeperiod)


@indicator(
    inputs=("real",),
    lookback=_t3_lookback,
    warmup=_t3_warmup,
    timeperiod=Param(5, 1, 100_000, doc="Period ``n`` of every EMA."),
    vfactor=Param(0.7, 0.0, 1.0, doc="Volume factor ``v``."),
)
def t3(real: F64Array, timeperiod: int = 5, vfactor: float = 0.7) -> F64Array:
    """Tillson's T3: a generalized-DEMA filter applied three times (six chained EMAs).

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``6(n - 1)`` values are NaN.

    Notes
    -----
    ``T3 = c1*e6 + c2*e5 + c3*e4 + c4*e3`` with ``c1 = -v^3``, ``c2 = 3v^2 + 3v^3``,
    ``c3 = -6v^2 - 3v - 3v^3``, ``c4 = 1 + 3v + v^3 + 3v^2``; each EMA is seeded with the
    mean of its first ``n`` inputs (T. Tillson, "Smoothing Techniques for More Accurate
    Signals", *Technical Analysis of Stocks & Commodities*, 1998; TA-Lib ``ta_T3.c``).
    NaN rule: a NaN bar is NaN, then a fresh ``6(n-1)`` warm-up.

    Equivalent to ``talib.T3(real, timeperiod=timeperiod, vfactor=vfactor)``.
    """
    return _one_type(_t3_into, real, timeperiod, vfactor)


# --- triangular, adaptive, Hull ---------------------------------------------------------------


@indicator(inputs=("real",), lookback=_sma_lookback, timeperiod=_WINDOW)
def trima(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Triangular moving average (an SMA of an SMA; weights rise then fall).

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    Odd ``n``: ``SMA(SMA(x, (n+1)/2), (n+1)/2)``, weights ``1,2,..,(n+1)/2,..,2,1``.
    Even ``n``: ``SMA(SMA(x, n/2), n/2 + 1)``, weights ``1,..,n/2,n/2,..,1``. Computed with
    TA-Lib's three running sums (``ta_TRIMA.c``). NaN rule: NaN while a NaN is inside the
    window, then re-seed.

    Equivalent to ``talib.TRIMA(real, timeperiod=timeperiod)``.
    """
    return _one_type(_trima_into, real, timeperiod)


@indicator(
    inputs=("real",),
    lookback=_kama_lookback,
    warmup=_kama_warmup,
    timeperiod=Param(30, 1, 100_000, doc="Efficiency-ratio window ``n``."),
)
def kama(real: F64Array, timeperiod: int = 30) -> F64Array:
    """Kaufman adaptive moving average.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n`` values are NaN.

    Notes
    -----
    ``ER = |x[t] - x[t-n]| / sum |x[i] - x[i-1]|`` over the window; smoothing constant
    ``sc = (ER*(2/3 - 2/31) + 2/31)^2``; ``kama[t] = kama[t-1] + sc*(x[t] - kama[t-1])``,
    started from ``kama[n-1] = x[n-1]`` (P. Kaufman, *Smarter Trading*, 1995; TA-Lib
    ``ta_KAMA.c``, fast 2 and slow 30 fixed). As in TA-Lib, ``ER = 1`` when the volatility
    sum is zero (flat prices: KAMA equals the price) or not above the signed change. NaN
    rule: a NaN bar is NaN, then a fresh warm-up of ``n`` bars.

    Equivalent to ``talib.KAMA(real, timeperiod=timeperiod)``.
    """
    return _one_type(_kama_into, real, timeperiod)


@indicator(
    inputs=("real",), lookback=_hma_lookback, timeperiod=Param(20, 1, 100_000, doc="Period ``n``.")
)
def hma(real: F64Array, timeperiod: int = 20) -> F64Array:
    """Hull moving average: ``WMA(2*WMA(x, n//2) - WMA(x, n), floor(sqrt(n)))``.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n + floor(sqrt(n)) - 2`` values are
        NaN.

    Notes
    -----
    A. Hull, 2005 (alanhull.com/hull-moving-average). Integer rules, as TA-Lib 0.8: the
    half period is ``n // 2`` (floor) and the final period ``floor(sqrt(n))``; a 1-bar
    WMA is the identity (so ``n = 2, 3`` are valid). NaN rule: a NaN bar is NaN, then a
    fresh warm-up.

    Equivalent to ``talib.HMA(real, timeperiod=timeperiod)`` (TA-Lib 0.8).
    """
    return _one_type(_hma_into, real, timeperiod)


@indicator(
    inputs=("real",),
    lookback=_mama_lookback,
    warmup=_mama_warmup,
    outputs=("mama", "fama"),
    fastlimit=Param(0.5, 0.01, 0.99, doc="Largest smoothing factor."),
    slowlimit=Param(0.05, 0.01, 0.99, doc="Smallest smoothing factor."),
)
def mama(
    real: F64Array, fastlimit: float = 0.5, slowlimit: float = 0.05
) -> tuple[F64Array, F64Array]:
    """MESA adaptive moving average and its following average (MAMA, FAMA).

    Returns
    -------
    tuple of numpy.ndarray
        ``(mama, fama)``, float64, same length as ``real``; the first 32 values are NaN.

    Notes
    -----
    Hilbert-transform phase rate sets ``alpha = fastlimit / dphase`` clipped to
    ``[slowlimit, fastlimit]``; ``mama += alpha*(x - mama)``, ``fama += alpha/2*(mama -
    fama)`` (J. Ehlers, *Rocket Science for Traders*, Wiley 2001, ISBN 0-471-40567-1;
    TA-Lib ``ta_MAMA.c``). NaN rule: a NaN bar is NaN, then a fresh 32-bar warm-up.

    Equivalent to ``talib.MAMA(real, fastlimit=fastlimit, slowlimit=slowlimit)``.
    """
    mama = np.empty(len(real))  # NumPy buffers: see _one_type
    fama = np.empty(len(real))
    _mama_into(real, fastlimit, slowlimit, mama, fama)
    return mama, fama


@indicator(
    inputs=("real",),
    lookback=_ma_lookback_public,
    warmup=_ma_warmup,
    timeperiod=Param(30, 1, 100_000, doc="Period ``n`` (MAMA ignores it)."),
    matype=Param(
        0,
        0,
        MA_TYPE_MAX,
        doc=(
            "TA-Lib's ``MA_Type``: 0 SMA, 1 EMA, 2 WMA, 3 DEMA, 4 TEMA, 5 TRIMA, 6 KAMA, 7 MAMA "
            "(fastlimit 0.5, slowlimit 0.05), 8 T3 (vfactor 0.7), 9 HMA, 10 identity, 11 the "
            "default (SMA), 12 ZLEMA, 13 RMA."
        ),
    ),
)
def ma(real: F64Array, timeperiod: int = 30, matype: int = 0) -> F64Array:
    """Moving average of a selectable type (TA-Lib's ``MA``).

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``ma.lookback(...)`` values are NaN.

    Notes
    -----
    Dispatches to the kernels above; ``timeperiod = 1`` returns a copy of the input for
    every type, as TA-Lib does. NaN rule: that of the selected average.

    Equivalent to ``talib.MA(real, timeperiod=timeperiod, matype=matype)``.
    """
    return _ma(real, timeperiod, matype)
