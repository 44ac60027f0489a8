"""Naive twins of ``candlescan.kernels.momentum``: same names and signatures, textbook loops.

Each twin splits the input into runs of clean bars with :func:`_runs` and applies the
textbook definition to each run as a whole series (the project's NaN rule).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def _runs(*arrays: F64) -> list[tuple[int, int]]:
    """``[begin, end)`` of each maximal run where no input is NaN."""
    bad = np.zeros(len(arrays[0]), dtype=bool)
    for array in arrays:
        bad |= np.isnan(np.asarray(array, dtype=np.float64))
    runs: list[tuple[int, int]] = []
    begin = None
    for i, flag in enumerate(bad):
        if not flag and begin is None:
            begin = i
        elif flag and begin is not None:
            runs.append((begin, i))
            begin = None
    if begin is not None:
        runs.append((begin, len(bad)))
    return runs


def _per_run(real: F64, function: Callable[[F64], F64]) -> F64:
    real = np.asarray(real, dtype=np.float64)
    out = np.full(len(real), np.nan)
    for begin, end in _runs(real):
        out[begin:end] = function(real[begin:end])
    return out


def _wilder_averages(real: F64, n: int) -> tuple[F64, F64]:
    """Wilder's average gain and loss, defined from index ``n`` on (NaN before)."""
    gains = np.full(len(real), np.nan)
    losses = np.full(len(real), np.nan)
    if len(real) <= n:
        return gains, losses
    change = np.diff(real)
    up = np.where(change > 0, change, 0.0)
    down = np.where(change < 0, -change, 0.0)
    gains[n] = up[:n].sum() / n
    losses[n] = down[:n].sum() / n
    for t in range(n + 1, len(real)):
        gains[t] = (gains[t - 1] * (n - 1) + up[t - 1]) / n
        losses[t] = (losses[t - 1] * (n - 1) + down[t - 1]) / n
    return gains, losses


def rsi(real: F64, timeperiod: int = 14) -> F64:
    """RSI = 100 * avg_gain / (avg_gain + avg_loss); 50 when there is no movement."""

    def one(x: F64) -> F64:
        gain, loss = _wilder_averages(x, timeperiod)
        total = gain + loss
        with np.errstate(invalid="ignore", divide="ignore"):
            value = 100.0 * gain / total
        return np.where(total == 0.0, 50.0, value)

    return _per_run(real, one)


def cmo(real: F64, timeperiod: int = 14) -> F64:
    """CMO = 100 * (avg_gain - avg_loss) / (avg_gain + avg_loss); 0 with no movement."""

    def one(x: F64) -> F64:
        gain, loss = _wilder_averages(x, timeperiod)
        total = gain + loss
        with np.errstate(invalid="ignore", divide="ignore"):
            value = 100.0 * (gain - loss) / total
        return np.where(total == 0.0, 0.0, value)

    return _per_run(real, one)


def ma(real: F64, timeperiod: int, matype: int) -> F64:
    """TA-Lib's MA by type code, from the overlap family's twins; period 1 is a copy."""
    from tests.reference import overlap

    real = np.asarray(real, dtype=np.float64)
    if timeperiod == 1:
        return real.copy()
    names = {0: "sma", 1: "ema", 2: "wma", 3: "dema", 4: "tema", 5: "trima", 6: "kama"}
    if matype in names:
        return np.asarray(getattr(overlap, names[matype])(real, timeperiod))
    if matype == 7:
        return np.asarray(overlap.mama(real, 0.5, 0.05)[0])
    if matype == 8:
        return np.asarray(overlap.t3(real, timeperiod, 0.7))
    raise ValueError(f"matype {matype}")


def _fastk_plain(high: F64, low: F64, close: F64, n: int) -> F64:
    """Raw %K on one clean run: window max/min by slicing; 50 for a zero range."""
    out = np.full(len(close), np.nan)
    for t in range(n - 1, len(close)):
        hh = np.max(high[t - n + 1 : t + 1])
        ll = np.min(low[t - n + 1 : t + 1])
        out[t] = 50.0 if hh == ll else (close[t] - ll) / (hh - ll) * 100.0
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


def _shifted(real: F64, n: int, formula: Callable[[float, float], float]) -> F64:
    def one(x: F64) -> F64:
        out = np.full(len(x), np.nan)
        for t in range(n, len(x)):
            out[t] = formula(x[t], x[t - n])
        return out

    return _per_run(real, one)


def mom(real: F64, timeperiod: int = 10) -> F64:
    """real[t] - real[t-n]."""
    return _shifted(real, timeperiod, lambda now, then: now - then)


def roc(real: F64, timeperiod: int = 10) -> F64:
    """100 * (real[t] / real[t-n] - 1); 0 for a zero base."""
    return _shifted(real, timeperiod, lambda now, then: (now / then - 1) * 100 if then else 0.0)


def rocp(real: F64, timeperiod: int = 10) -> F64:
    """(real[t] - real[t-n]) / real[t-n]; 0 for a zero base."""
    return _shifted(real, timeperiod, lambda now, then: (now - then) / then if then else 0.0)


def rocr(real: F64, timeperiod: int = 10) -> F64:
    """real[t] / real[t-n]; 1 for a zero base."""
    return _shifted(real, timeperiod, lambda now, then: now / then if then else 1.0)
