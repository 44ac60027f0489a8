"""Oscillators made of moving averages of the price: apo, ppo and trix.

apo is a fast minus a slow moving average, ppo the same in percent of the slow one (both
MACD's line without a signal; the loops are in :mod:`candlescan.kernels._spreads`); trix is
the 1-bar rate of change of a triple EMA. NaN rule: the input is cut into runs of
non-NaN bars and each run is computed as a whole series (TA-Lib's seeding, a fresh
warm-up of ``lookback`` bars); on finite input this is TA-Lib. Outputs are allocated
with NumPy in the wrappers and filled by the compiled loops.

Warm-up (rules in :mod:`candlescan.kernels._warmup`): apo and ppo converge with the slower
average of their ``matype``; trix as a cascade of three EMAs, its 1-bar rate of change
amplifying what is left.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._averages import _ma_lookback
from candlescan.kernels._config import njit
from candlescan.kernels._ma_into import _ma_into
from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._runs import _fma
from candlescan.kernels._spreads import _ema_feed, _ema_lines, _ordered, _po_value, _sma_spread
from candlescan.kernels._warmup import CROSSES_ZERO, decay_bars, ema_rate, ma_extra

__all__ = ["apo", "ppo", "trix"]

_MAX = 100_000


# --- trix --------------------------------------------------------------------------------------


@njit
def _trix(real: F64Array, timeperiod: int, out: F64Array) -> None:
    n = real.shape[0]
    k = 2.0 / (timeperiod + 1)
    keep = 1.0 - k  # the EMA step of _ema_feed: one fused multiply-add on each chain
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
            e1 = _fma(e1, keep, x * k)
            e2 = _fma(e2, keep, e1 * k)
            e3 = _fma(e3, keep, e2 * k)
            out[i] = _roc1(e3, previous)
            previous = e3
            i += 1


@njit
def _roc1(now: float, then: float) -> float:
    return ((now / then) - 1.0) * 100.0 if then != 0.0 else 0.0


def _trix_lookback(timeperiod: int) -> int:
    return 3 * (timeperiod - 1) + 1


#: TRIX = 100 * (e3[t] / e3[t-1] - 1): a relative error d in the triple EMA shows as up to
#: 200 * d in TRIX, whose scale on daily bars is ~0.1 (percent), judged at 1 % of that
#: scale near zero: the cascade must be 200 / 0.1 * CROSSES_ZERO closer.
_TRIX_GAIN = 200.0 / 0.1 * CROSSES_ZERO


def _trix_warmup(tolerance: float, timeperiod: int) -> int:
    # A cascade of three EMAs of the same rate (candlescan.kernels._warmup).
    extra = decay_bars(ema_rate(timeperiod), tolerance, 3, _TRIX_GAIN) if timeperiod > 1 else 0
    return _trix_lookback(timeperiod) + extra


@indicator(
    inputs=("real",),
    about_inputs="Prices, usually ``close``.",
    lookback=_trix_lookback,
    warmup=_trix_warmup,
    timeperiod=Param(30, 1, _MAX, doc="Period ``n`` of each EMA."),
)
def trix(real: F64Array, timeperiod: int = 30) -> F64Array:
    """TRIX: 1-bar rate of change (percent) of a triple exponential moving average.

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
    out = np.empty(real.shape[0])
    _trix(real, timeperiod, out)
    return out


# --- apo, ppo ---------------------------------------------------------------------------------


def _po_lookback(fastperiod: int, slowperiod: int, matype: int) -> int:
    # The slower average's (a longer period never has a shorter lookback).
    return max(_ma_lookback(fastperiod, matype), _ma_lookback(slowperiod, matype))


def _po_warmup(tolerance: float, fastperiod: int, slowperiod: int, matype: int) -> int:
    # Fast minus slow average crosses zero and carries both errors, as MACD's line.
    gain = 2.0 * CROSSES_ZERO
    extra = max(
        ma_extra(fastperiod, matype, tolerance, gain), ma_extra(slowperiod, matype, tolerance, gain)
    )
    return _po_lookback(fastperiod, slowperiod, matype) + extra


@njit
def _po_ma(
    real: F64Array, fast: int, slow: int, matype: int, ratio: bool, fast_ma: F64Array, out: F64Array
) -> None:
    # Both averages start at the first bar of each run (their own NaN rule); the slow
    # one's warm-up is the longer, and NaN propagates through the difference.
    _ma_into(real, fast, matype, fast_ma)
    _ma_into(real, slow, matype, out)
    for i in range(real.shape[0]):
        out[i] = _po_value(fast_ma[i], out[i], ratio)


def _po(real: F64Array, fastperiod: int, slowperiod: int, matype: int, ratio: bool) -> F64Array:
    # Unlike MACD, TA-Lib's APO/PPO start both averages at the first bar (no late seed).
    fast, slow = _ordered(fastperiod, slowperiod)
    out = np.empty(real.shape[0])
    if matype == 0:
        _sma_spread(real, fast, 0, slow, ratio, out)
    elif matype == 1:
        k_fast, k_slow = 2.0 / (fast + 1), 2.0 / (slow + 1)
        _ema_lines(real, fast, k_fast, 0, slow, k_slow, ratio, 0, out, out, out)
    else:
        _po_ma(real, fast, slow, matype, ratio, np.empty(real.shape[0]), out)
    return out


@indicator(
    inputs=("real",),
    about_inputs="Prices, usually ``close``.",
    lookback=_po_lookback,
    warmup=_po_warmup,
    fastperiod=Param(12, 2, _MAX, doc="Periods (swapped if ``slowperiod < fastperiod``)."),
    slowperiod=Param(26, 2, _MAX, doc="Periods (swapped if ``slowperiod < fastperiod``)."),
    matype=Param(
        1, 0, 8, doc="Moving average: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3."
    ),
)
def apo(real: F64Array, fastperiod: int = 12, slowperiod: int = 26, matype: int = 1) -> F64Array:
    """Absolute Price Oscillator: fast minus slow moving average.

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
    about_inputs="Prices, usually ``close``.",
    lookback=_po_lookback,
    warmup=_po_warmup,
    fastperiod=Param(12, 2, _MAX, doc="Periods (swapped if ``slowperiod < fastperiod``)."),
    slowperiod=Param(26, 2, _MAX, doc="Periods (swapped if ``slowperiod < fastperiod``)."),
    matype=Param(
        1,
        0,
        8,
        doc=(
            "Moving average: 0=SMA 1=EMA 2=WMA 3=DEMA 4=TEMA 5=TRIMA 6=KAMA 7=MAMA 8=T3. TA-Lib "
            "0.8.2's default is EMA (older wrappers documented SMA)."
        ),
    ),
)
def ppo(real: F64Array, fastperiod: int = 12, slowperiod: int = 26, matype: int = 1) -> F64Array:
    """Percentage Price Oscillator: the fast/slow moving-average spread in percent.

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
