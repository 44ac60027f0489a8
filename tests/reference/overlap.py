"""Naive NumPy twins of ``candlescan.kernels.overlap`` (same names and signatures).

Written from the textbook definitions (and TA-Lib's documented seeding), independent of
the kernel code: plain loops, slow on purpose. The NaN rule is applied the obvious way:
split the input into runs of non-NaN bars and compute each run as a series of its own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def runs(*arrays: F64) -> list[tuple[int, int]]:
    """``[(s, e), ...]``: maximal runs where every array is non-NaN."""
    bad = np.zeros(len(arrays[0]), dtype=bool)
    for a in arrays:
        bad |= np.isnan(a)
    out: list[tuple[int, int]] = []
    i = 0
    n = len(bad)
    while i < n:
        if bad[i]:
            i += 1
            continue
        j = i
        while j < n and not bad[j]:
            j += 1
        out.append((i, j))
        i = j
    return out


def per_run(function: Callable[..., F64], *arrays: F64) -> F64:
    """Apply ``function(*pieces) -> array`` on each clean run; NaN elsewhere."""
    arrays = tuple(np.asarray(a, dtype=np.float64) for a in arrays)
    out = np.full(len(arrays[0]), np.nan)
    for s, e in runs(*arrays):
        out[s:e] = function(*(a[s:e] for a in arrays))
    return out


def per_run_multi(
    function: Callable[..., tuple[F64, ...]], count: int, *arrays: F64
) -> tuple[F64, ...]:
    """Like :func:`per_run` for a function returning ``count`` arrays."""
    arrays = tuple(np.asarray(a, dtype=np.float64) for a in arrays)
    outs = tuple(np.full(len(arrays[0]), np.nan) for _ in range(count))
    for s, e in runs(*arrays):
        pieces = function(*(a[s:e] for a in arrays))
        for o, p in zip(outs, pieces, strict=True):
            o[s:e] = p
    return outs


# --- moving averages ------------------------------------------------------------------------


def _sma_plain(x: F64, n: int) -> F64:
    out = np.full(len(x), np.nan)
    for t in range(n - 1, len(x)):
        out[t] = sum(x[t - n + 1 : t + 1]) / n
    return out


def _ema_plain(x: F64, n: int, alpha: float | None = None) -> F64:
    """EMA seeded with the mean of the first ``n`` values of ``x`` (NaN-free input)."""
    a = 2.0 / (n + 1) if alpha is None else alpha
    out = np.full(len(x), np.nan)
    if len(x) < n:
        return out
    value = float(np.mean(x[:n]))
    out[n - 1] = value
    for t in range(n, len(x)):
        value = a * x[t] + (1 - a) * value
        out[t] = value
    return out


def _chain(x: F64, n: int, times: int) -> list[F64]:
    """EMA, EMA of EMA, ...: each level seeded at the first valid value of the previous."""
    levels = []
    current = x
    for _ in range(times):
        current = per_run(lambda y: _ema_plain(y, n), current)
        levels.append(current)
    return levels


def _wma_plain(x: F64, n: int) -> F64:
    weights = np.arange(1, n + 1, dtype=float)
    out = np.full(len(x), np.nan)
    for t in range(n - 1, len(x)):
        out[t] = float(np.dot(weights, x[t - n + 1 : t + 1])) / weights.sum()
    return out


def sma(real: F64, timeperiod: int = 30) -> F64:
    """Mean of the last ``timeperiod`` values."""
    return per_run(lambda x: _sma_plain(x, timeperiod), real)


def ema(real: F64, timeperiod: int = 30) -> F64:
    """EMA seeded with the mean of the first ``timeperiod`` values, alpha 2/(n+1)."""
    return per_run(lambda x: _ema_plain(x, timeperiod), real)


def wma(real: F64, timeperiod: int = 30) -> F64:
    """Weights 1..n, newest heaviest."""
    return per_run(lambda x: _wma_plain(x, timeperiod), real)


def rma(real: F64, timeperiod: int = 30) -> F64:
    """Wilder: EMA with alpha 1/n, SMA seed."""
    return per_run(lambda x: _ema_plain(x, timeperiod, 1.0 / timeperiod), real)


def dema(real: F64, timeperiod: int = 30) -> F64:
    """2*EMA - EMA(EMA)."""
    e1, e2 = _chain(np.asarray(real, dtype=float), timeperiod, 2)
    return 2 * e1 - e2


def tema(real: F64, timeperiod: int = 30) -> F64:
    """3*e1 - 3*e2 + e3."""
    e1, e2, e3 = _chain(np.asarray(real, dtype=float), timeperiod, 3)
    return 3 * e1 - 3 * e2 + e3


def zlema(real: F64, timeperiod: int = 30) -> F64:
    """EMA of 2*x[t] - x[t-lag], lag = (n-1)//2."""
    x = np.asarray(real, dtype=float)
    lag = (timeperiod - 1) // 2
    d = np.full(len(x), np.nan)
    d[lag:] = 2 * x[lag:] - x[: len(x) - lag]
    return ema(d, timeperiod)


def t3(real: F64, timeperiod: int = 5, vfactor: float = 0.7) -> F64:
    """Tillson: c1*e6 + c2*e5 + c3*e4 + c4*e3 over six chained EMAs."""
    x = np.asarray(real, dtype=float)
    if timeperiod == 1:
        return x.copy()
    e = _chain(x, timeperiod, 6)
    v = vfactor
    c1 = -(v**3)
    c2 = 3 * v**2 + 3 * v**3
    c3 = -6 * v**2 - 3 * v - 3 * v**3
    c4 = 1 + 3 * v + v**3 + 3 * v**2
    return c1 * e[5] + c2 * e[4] + c3 * e[3] + c4 * e[2]


def trima(real: F64, timeperiod: int = 30) -> F64:
    """Explicit triangular weights 1,2,..,peak,..,2,1 (odd n) or 1,..,n/2,n/2,..,1 (even n)."""
    n = timeperiod
    half = (n + 1) // 2
    rising = np.arange(1, half + 1, dtype=float)
    weights = np.r_[rising, rising[::-1][n % 2 :]] if n > 1 else np.ones(1)

    def plain(x: F64) -> F64:
        out = np.full(len(x), np.nan)
        for t in range(n - 1, len(x)):
            out[t] = float(np.dot(weights, x[t - n + 1 : t + 1])) / weights.sum()
        return out

    return per_run(plain, real)


def kama(real: F64, timeperiod: int = 30) -> F64:
    """Kaufman: ER over n bars, sc = (ER*(2/3 - 2/31) + 2/31)^2, start from x[n-1]."""
    n = timeperiod
    if n == 1:
        return np.asarray(real, dtype=float).copy()
    fast, slow = 2.0 / 3.0, 2.0 / 31.0

    def plain(x: F64) -> F64:
        out = np.full(len(x), np.nan)
        if len(x) <= n:
            return out
        value = x[n - 1]
        for t in range(n, len(x)):
            change = x[t] - x[t - n]
            volatility = float(np.sum(np.abs(np.diff(x[t - n : t + 1]))))
            # TA-Lib: ER = 1 when the volatility is ~0 or not above the signed change.
            er = (
                1.0
                if (volatility <= change or abs(volatility) < 1e-14)
                else abs(change / volatility)
            )
            sc = (er * (fast - slow) + slow) ** 2
            value = value + sc * (x[t] - value)
            out[t] = value
        return out

    return per_run(plain, real)


def hma(real: F64, timeperiod: int = 20) -> F64:
    """WMA(2*WMA(n//2) - WMA(n), floor(sqrt(n))); a 1-bar WMA is the identity."""
    x = np.asarray(real, dtype=float)
    n = timeperiod
    half = max(n // 2, 1)
    root = max(int(np.floor(np.sqrt(n))), 1)
    raw = 2 * wma(x, half) - wma(x, n)
    return wma(raw, root)


def _fir(values: list[float], t: int) -> float:
    """Ehlers' Hilbert FIR at bar t over past values (0 before the start)."""

    def at(k: int) -> float:
        return values[k] if k >= 0 else 0.0

    return 0.0962 * at(t) + 0.5769 * at(t - 2) - 0.5769 * at(t - 4) - 0.0962 * at(t - 6)


def _mama_plain(x: F64, fastlimit: float, slowlimit: float) -> tuple[F64, F64]:
    """Ehlers' MAMA from *Rocket Science for Traders* with TA-Lib's start-up (bar 12)."""
    size = len(x)
    mama_out = np.full(size, np.nan)
    fama_out = np.full(size, np.nan)
    if size <= 32:
        return mama_out, fama_out
    smooth: list[float] = []
    det: list[float] = []
    i1s: list[float] = []
    q1s: list[float] = []
    period = i2p = q2p = re = im = mama = fama = phase_prev = 0.0
    for t in range(12, size):
        k = t - 12
        adj = 0.075 * period + 0.54
        smooth.append((4 * x[t] + 3 * x[t - 1] + 2 * x[t - 2] + x[t - 3]) / 10.0)
        det.append(_fir(smooth, k) * adj)
        q1s.append(_fir(det, k) * adj)
        i1s.append(det[k - 3] if k >= 3 else 0.0)
        j_i = _fir(i1s, k) * adj
        j_q = _fir(q1s, k) * adj
        i1, q1 = i1s[k], q1s[k]
        i2 = 0.2 * (i1 - j_q) + 0.8 * i2p
        q2 = 0.2 * (q1 + j_i) + 0.8 * q2p
        phase = float(np.degrees(np.arctan(q1 / i1))) if i1 != 0.0 else 0.0
        delta = max(phase_prev - phase, 1.0)
        phase_prev = phase
        alpha = max(fastlimit / delta, slowlimit) if delta > 1.0 else fastlimit
        mama = alpha * x[t] + (1 - alpha) * mama
        fama = 0.5 * alpha * mama + (1 - 0.5 * alpha) * fama
        if t >= 32:
            mama_out[t], fama_out[t] = mama, fama
        re = 0.2 * (i2 * i2p + q2 * q2p) + 0.8 * re
        im = 0.2 * (i2 * q2p - q2 * i2p) + 0.8 * im
        i2p, q2p = i2, q2
        last = period
        if im != 0.0 and re != 0.0:
            period = 360.0 / float(np.degrees(np.arctan(im / re)))
        period = min(max(period, 0.67 * last), 1.5 * last)
        period = min(max(period, 6.0), 50.0)
        period = 0.2 * period + 0.8 * last
    return mama_out, fama_out


def mama(real: F64, fastlimit: float = 0.5, slowlimit: float = 0.05) -> tuple[F64, ...]:
    """(MAMA, FAMA)."""
    return per_run_multi(lambda x: _mama_plain(x, fastlimit, slowlimit), 2, real)


_MA_BY_TYPE: dict[int, Callable[[F64, int], F64]] = {
    0: sma,
    1: ema,
    2: wma,
    3: dema,
    4: tema,
    5: trima,
    6: kama,
    7: lambda x, n: mama(x)[0],
    8: lambda x, n: t3(x, n, 0.7),
    9: hma,
    10: lambda x, n: np.asarray(x, dtype=float).copy(),
    11: sma,
    12: zlema,
    13: rma,
}


def ma(real: F64, timeperiod: int = 30, matype: int = 0) -> F64:
    """TA-Lib's MA: dispatch on matype; period 1 is the identity."""
    if timeperiod == 1:
        return np.asarray(real, dtype=float).copy()
    return _MA_BY_TYPE[matype](np.asarray(real, dtype=float), timeperiod)
