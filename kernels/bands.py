"""Bands and price channels: Bollinger Bands, midpoint, midprice, parabolic SAR.

NaN rule shared by every kernel here, as in :mod:`candlescan.kernels.overlap`: the input
is cut into runs of consecutive clean bars (for ``high, low`` kernels: bars where both are
non-NaN) and each run is computed as a whole series of its own (TA-Lib's numbers on the
run, with a fresh warm-up). On finite input this is exactly TA-Lib. The compiled loops are
private: ``_bands`` (BBANDS, SAR) and ``_windows`` (the window extremes of MIDPOINT and
MIDPRICE).

Warm-up (rules in :mod:`candlescan.kernels._warmup`): bbands converges as its ``matype``
(exact for SMA); sar, a state machine, needs the whole history; midpoint and midprice are
windows.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._averages import MA_TYPE_MAX, _ma_lookback
from candlescan.kernels._bands import _bbands_into, _bbands_sma_into, _sar_into
from candlescan.kernels._meta import REAL_MAX, F64Array, Param, indicator
from candlescan.kernels._warmup import CROSSES_ZERO, full_history, ma_extra
from candlescan.kernels._windows import _midrange_into

__all__: list[str] = ["bbands", "midpoint", "midprice", "sar"]


def _bbands_lookback(timeperiod: int, nbdevup: float, nbdevdn: float, matype: int) -> int:
    # The deviation needs a full window even when the average needs less (matype 10).
    return max(_ma_lookback(timeperiod, matype), timeperiod - 1)


def _bbands_warmup(
    tolerance: float, timeperiod: int, nbdevup: float, nbdevdn: float, matype: int
) -> int:
    # The deviation is a window; the middle band converges as its average (a recursive
    # matype), judged near zero since a lower band can reach it (candlescan.kernels._warmup).
    extra = ma_extra(timeperiod, matype, tolerance, CROSSES_ZERO)
    return _bbands_lookback(timeperiod, nbdevup, nbdevdn, matype) + extra


@indicator(
    inputs=("real",),
    lookback=_bbands_lookback,
    warmup=_bbands_warmup,
    outputs=("upperband", "middleband", "lowerband"),
    timeperiod=Param(20, 2, 100_000, doc="Window ``n`` of the average and of the deviation."),
    nbdevup=Param(
        2.0, -REAL_MAX, REAL_MAX, doc="Deviation multipliers of the upper and lower band."
    ),
    nbdevdn=Param(
        2.0, -REAL_MAX, REAL_MAX, doc="Deviation multipliers of the upper and lower band."
    ),
    matype=Param(0, 0, MA_TYPE_MAX, doc="Type of the middle average, as in :func:`ma` (0 = SMA)."),
)
def bbands(
    real: F64Array,
    timeperiod: int = 20,
    nbdevup: float = 2.0,
    nbdevdn: float = 2.0,
    matype: int = 0,
) -> tuple[F64Array, F64Array, F64Array]:
    """Bollinger Bands: a moving average plus and minus multiples of the standard deviation.

    Returns
    -------
    tuple of numpy.ndarray
        ``(upperband, middleband, lowerband)``, float64, same length as ``real``; the
        first ``max(ma lookback, n - 1)`` values are NaN.

    Notes
    -----
    ``middle = MA(x, n, matype)``; ``sd`` = population standard deviation (ddof=0) of the
    last ``n`` values around their SMA, whatever ``matype`` is; ``upper = middle +
    nbdevup*sd``, ``lower = middle - nbdevdn*sd`` (J. Bollinger, *Bollinger on Bollinger
    Bands*, McGraw-Hill 2001, ISBN 0-07-137368-3; TA-Lib ``ta_BBANDS.c``). The variance
    comes from running sums around a pivot re-centred every ``n`` bars (``max(n, 1024)``
    for ``matype = 0``, whose middle band comes from the same sums), so a flat window
    gives exactly 0 (the three bands coincide) and a negative rounding residue gives 0.
    NaN rule: NaN while a NaN is inside the window, then a fresh warm-up.

    Equivalent to ``talib.BBANDS(real, timeperiod, nbdevup, nbdevdn, matype)``.
    """
    upper = np.empty(len(real))  # NumPy buffers: see _bands._bbands_into
    lower = np.empty(len(real))
    if matype == 0:
        middle = np.empty(len(real))
        _bbands_sma_into(real, timeperiod, nbdevup, nbdevdn, upper, middle, lower)
    else:
        middle = _bbands_into(real, timeperiod, nbdevup, nbdevdn, matype, upper, lower)
    return upper, middle, lower


def _window_lookback(timeperiod: int) -> int:
    return timeperiod - 1


@indicator(
    inputs=("real",),
    lookback=_window_lookback,
    timeperiod=Param(14, 2, 100_000, doc="Window length ``n``."),
)
def midpoint(real: F64Array, timeperiod: int = 14) -> F64Array:
    """Midpoint of the window: ``(highest + lowest) / 2`` of ``real`` over ``timeperiod``.

    Returns
    -------
    numpy.ndarray
        float64, same length as ``real``; the first ``n - 1`` values are NaN.

    Notes
    -----
    ``(max(x[t-n+1..t]) + min(x[t-n+1..t])) / 2`` (TA-Lib ``ta_MIDPOINT.c``), window
    extremes by van Herk / Gil-Werman blocks, O(1) per bar. NaN rule: NaN while a NaN is
    inside the window, then a fresh warm-up of ``n - 1`` bars.

    Equivalent to ``talib.MIDPOINT(real, timeperiod=timeperiod)``.
    """
    out = np.empty(len(real))  # NumPy buffers: see _bands._bbands_into
    _midrange_into(real, real, timeperiod, out)
    return out


@indicator(
    inputs=("high", "low"),
    lookback=_window_lookback,
    timeperiod=Param(14, 2, 100_000, doc="Window length ``n``."),
)
def midprice(high: F64Array, low: F64Array, timeperiod: int = 14) -> F64Array:
    """Midpoint price: ``(highest high + lowest low) / 2`` over ``timeperiod`` bars.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; the first ``n - 1`` values are NaN.

    Notes
    -----
    ``(max(high[t-n+1..t]) + min(low[t-n+1..t])) / 2`` (TA-Lib ``ta_MIDPRICE.c``; the
    Donchian channel's middle line). NaN rule: a bar is bad when ``high`` or ``low`` is
    NaN; NaN while a bad bar is inside the window, then a fresh warm-up.

    Equivalent to ``talib.MIDPRICE(high, low, timeperiod=timeperiod)``.
    """
    out = np.empty(len(high))
    _midrange_into(high, low, timeperiod, out)
    return out


def _sar_lookback(acceleration: float, maximum: float) -> int:
    return 1


@indicator(
    inputs=("high", "low"),
    lookback=_sar_lookback,
    # A trend-following state machine (trend, extreme point, acceleration): a cut history
    # starts another trend and rejoins the full one only at a common reversal, after no
    # bound one can state; it needs the whole history.
    warmup=full_history,
    acceleration=Param(
        0.02, 0.0, REAL_MAX, doc="Acceleration factor step (and start); capped at ``maximum``."
    ),
    maximum=Param(0.2, 0.0, REAL_MAX, doc="Largest acceleration factor."),
)
def sar(
    high: F64Array, low: F64Array, acceleration: float = 0.02, maximum: float = 0.2
) -> F64Array:
    """Parabolic SAR (stop and reverse).

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; the first value is NaN.

    Notes
    -----
    ``sar += af*(ep - sar)``, ``af`` grows by ``acceleration`` at each new extreme point
    ``ep`` up to ``maximum``; the SAR never enters the last two bars' range and flips to
    ``ep`` when price crosses it (J. W. Wilder, *New Concepts in Technical Trading
    Systems*, 1978). TA-Lib's start (``ta_SAR.c``): the first trend is short only when
    bar 1's -DM exceeds its +DM (``low[0]-low[1] > max(high[1]-high[0], 0)``); a long
    starts at ``sar = low[0], ep = high[1]``, a short at ``sar = high[0], ep = low[1]``.
    NaN rule: a bar is bad when ``high`` or ``low`` is NaN; the SAR restarts after it
    with that two-bar start.

    Equivalent to ``talib.SAR(high, low, acceleration=acceleration, maximum=maximum)``.
    """
    out = np.empty(len(high))  # NumPy buffer: see _bands._bbands_into
    _sar_into(high, low, acceleration, maximum, out)
    return out
