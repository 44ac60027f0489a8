"""Price transforms (avgprice, medprice, typprice, wclprice).

Bar-by-bar formulas with no window: lookback 0, and a NaN in any input makes only that
bar NaN (the NaN rule needs no re-seeding here). Equal to TA-Lib on finite data.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, indicator

__all__: list[str] = ["avgprice", "medprice", "typprice", "wclprice"]


@njit
def _avgprice(open_: F64Array, high: F64Array, low: F64Array, close: F64Array) -> F64Array:
    out = np.empty(len(close))
    for i in range(len(close)):
        out[i] = (high[i] + low[i] + close[i] + open_[i]) / 4.0
    return out


@njit
def _medprice(high: F64Array, low: F64Array) -> F64Array:
    out = np.empty(len(high))
    for i in range(len(high)):
        out[i] = (high[i] + low[i]) / 2.0
    return out


@njit
def _typprice(high: F64Array, low: F64Array, close: F64Array) -> F64Array:
    out = np.empty(len(close))
    for i in range(len(close)):
        out[i] = (high[i] + low[i] + close[i]) / 3.0
    return out


@njit
def _wclprice(high: F64Array, low: F64Array, close: F64Array) -> F64Array:
    out = np.empty(len(close))
    for i in range(len(close)):
        out[i] = (high[i] + low[i] + close[i] * 2.0) / 4.0
    return out


def _no_lookback() -> int:
    return 0


@indicator(inputs=("open", "high", "low", "close"), lookback=_no_lookback)
def avgprice(open: F64Array, high: F64Array, low: F64Array, close: F64Array) -> F64Array:
    """Average price: ``(open + high + low + close) / 4``.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; no warm-up (lookback 0).

    Notes
    -----
    TA-Lib ``ta_AVGPRICE.c``. NaN rule: a bar with any NaN input is NaN; other bars are
    unaffected.

    Equivalent to ``talib.AVGPRICE(open, high, low, close)``.
    """
    return _avgprice(open, high, low, close)


@indicator(inputs=("high", "low"), lookback=_no_lookback)
def medprice(high: F64Array, low: F64Array) -> F64Array:
    """Median price: ``(high + low) / 2``.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; no warm-up (lookback 0).

    Notes
    -----
    TA-Lib ``ta_MEDPRICE.c``. NaN rule: a bar with any NaN input is NaN.

    Equivalent to ``talib.MEDPRICE(high, low)``.
    """
    return _medprice(high, low)


@indicator(inputs=("high", "low", "close"), lookback=_no_lookback)
def typprice(high: F64Array, low: F64Array, close: F64Array) -> F64Array:
    """Typical price: ``(high + low + close) / 3``.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; no warm-up (lookback 0).

    Notes
    -----
    The "typical price" of CCI and MFI (TA-Lib ``ta_TYPPRICE.c``). NaN rule: a bar with
    any NaN input is NaN.

    Equivalent to ``talib.TYPPRICE(high, low, close)``.
    """
    return _typprice(high, low, close)


@indicator(inputs=("high", "low", "close"), lookback=_no_lookback)
def wclprice(high: F64Array, low: F64Array, close: F64Array) -> F64Array:
    """Weighted close price: ``(high + low + 2*close) / 4``.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; no warm-up (lookback 0).

    Notes
    -----
    TA-Lib ``ta_WCLPRICE.c``. NaN rule: a bar with any NaN input is NaN.

    Equivalent to ``talib.WCLPRICE(high, low, close)``.
    """
    return _wclprice(high, low, close)
