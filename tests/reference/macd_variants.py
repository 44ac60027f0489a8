"""Naive twins of ``candlescan.kernels.macd_variants``: same names and signatures.

Textbook definitions on each clean run (the project's NaN rule); moving averages come
from :func:`tests.reference.momentum.ma` (the overlap family's twins).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from tests.reference.momentum import _runs, ma

F64 = npt.NDArray[np.float64]


def _ema_seeded(x: F64, n: int, k: float, seed_end: int) -> F64:
    """EMA with factor k, seeded at ``seed_end`` with the mean of the n bars ending there."""
    out = np.full(len(x), np.nan)
    if seed_end >= len(x):
        return out
    out[seed_end] = np.mean(x[seed_end - n + 1 : seed_end + 1])
    for t in range(seed_end + 1, len(x)):
        out[t] = out[t - 1] + k * (x[t] - out[t - 1])
    return out


def _macd_run(
    x: F64, fast: int, slow: int, signal: int, kf: float, ks: float
) -> tuple[F64, F64, F64]:
    """Appel's MACD on one run with TA-Lib's seeding: both EMAs start at bar slow-1."""
    fast, slow = min(fast, slow), max(fast, slow)
    line = _ema_seeded(x, fast, kf, slow - 1) - _ema_seeded(x, slow, ks, slow - 1)
    sig = _ema_seeded(line, signal, 2.0 / (signal + 1), slow - 1 + signal - 1)
    return np.where(np.isnan(sig), np.nan, line), sig, line - sig


def _lines(real: F64, run: Callable[[F64], tuple[F64, F64, F64]]) -> tuple[F64, F64, F64]:
    real = np.asarray(real, dtype=np.float64)
    outs = tuple(np.full(len(real), np.nan) for _ in range(3))
    for begin, end in _runs(real):
        for out, part in zip(outs, run(real[begin:end]), strict=True):
            out[begin:end] = part
    return outs


def macd(
    real: F64, fastperiod: int = 12, slowperiod: int = 26, signalperiod: int = 9
) -> tuple[F64, F64, F64]:
    """EMA_fast - EMA_slow, its EMA signal and the histogram."""
    fast, slow = min(fastperiod, slowperiod), max(fastperiod, slowperiod)
    return _lines(
        real,
        lambda x: _macd_run(x, fast, slow, signalperiod, 2.0 / (fast + 1), 2.0 / (slow + 1)),
    )


def macdfix(real: F64, signalperiod: int = 9) -> tuple[F64, F64, F64]:
    """MACD(12, 26) with the factors 0.15 and 0.075."""
    return _lines(real, lambda x: _macd_run(x, 12, 26, signalperiod, 0.15, 0.075))


def _warmup(x: F64, period: int, matype: int) -> int:
    """Leading NaNs of the moving average on a clean run (its lookback)."""
    valid = np.flatnonzero(~np.isnan(ma(x, period, matype)))
    return int(valid[0]) if len(valid) else len(x)


def macdext(
    real: F64,
    fastperiod: int = 12,
    fastmatype: int = 0,
    slowperiod: int = 26,
    slowmatype: int = 0,
    signalperiod: int = 9,
    signalmatype: int = 0,
) -> tuple[F64, F64, F64]:
    """MA_fast - MA_slow, both first valid at the later of the two warm-ups."""
    if slowperiod < fastperiod:
        fastperiod, slowperiod = slowperiod, fastperiod
        fastmatype, slowmatype = slowmatype, fastmatype

    def run(x: F64) -> tuple[F64, F64, F64]:
        lf = _warmup(x, fastperiod, fastmatype)
        ls = _warmup(x, slowperiod, slowmatype)
        start = max(lf, ls)
        line = np.full(len(x), np.nan)
        if start < len(x):
            f = ma(x[start - lf :], fastperiod, fastmatype)
            s = ma(x[start - ls :], slowperiod, slowmatype)
            line[start:] = f[lf:] - s[ls:]
        sig = ma(line, signalperiod, signalmatype)
        return np.where(np.isnan(sig), np.nan, line), sig, line - sig

    return _lines(real, run)
