"""Naive twins of ``candlescan.kernels.stochastic``: same names and signatures.

Textbook definitions on each clean run (the project's NaN rule): the window's highest
high and lowest low by slicing; moving averages from :func:`tests.reference.momentum.ma`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tests.reference.momentum import _runs, ma, rsi

F64 = npt.NDArray[np.float64]


def _fastk_plain(high: F64, low: F64, close: F64, n: int) -> F64:
    """Raw %K on one clean run: window max/min by slicing; 50 for a flat window."""
    out = np.full(len(close), np.nan)
    for t in range(n - 1, len(close)):
        hh = np.max(high[t - n + 1 : t + 1])
        ll = np.min(low[t - n + 1 : t + 1])
        # Flat: equal values, or equal up to rounding (1e-12 of their magnitude).
        flat = hh - ll <= 1e-12 * max(abs(hh), abs(ll))
        out[t] = 50.0 if flat else (close[t] - ll) / (hh - ll) * 100.0
    return out


def _fastk(high: F64, low: F64, close: F64, n: int) -> F64:
    high, low, close = (np.asarray(a, dtype=np.float64) for a in (high, low, close))
    out = np.full(len(close), np.nan)
    for begin, end in _runs(high, low, close):
        out[begin:end] = _fastk_plain(high[begin:end], low[begin:end], close[begin:end], n)
    return out


def _aligned(first: F64, last: F64) -> tuple[F64, F64]:
    """TA-Lib reports all outputs from the bar where the last one starts."""
    return np.where(np.isnan(last), np.nan, first), last


def stochf(
    high: F64,
    low: F64,
    close: F64,
    fastk_period: int = 5,
    fastd_period: int = 3,
    fastd_matype: int = 0,
) -> tuple[F64, F64]:
    """%K over the window, %D = MA(%K)."""
    k = _fastk(high, low, close, fastk_period)
    return _aligned(k, ma(k, fastd_period, fastd_matype))


def stoch(
    high: F64,
    low: F64,
    close: F64,
    fastk_period: int = 5,
    slowk_period: int = 3,
    slowk_matype: int = 0,
    slowd_period: int = 3,
    slowd_matype: int = 0,
) -> tuple[F64, F64]:
    """slow %K = MA(%K), slow %D = MA(slow %K)."""
    slowk = ma(_fastk(high, low, close, fastk_period), slowk_period, slowk_matype)
    return _aligned(slowk, ma(slowk, slowd_period, slowd_matype))


def stochrsi(
    real: F64,
    timeperiod: int = 14,
    fastk_period: int = 5,
    fastd_period: int = 3,
    fastd_matype: int = 0,
) -> tuple[F64, F64]:
    """STOCHF of the RSI."""
    r = rsi(real, timeperiod)
    return stochf(r, r, r, fastk_period, fastd_period, fastd_matype)
