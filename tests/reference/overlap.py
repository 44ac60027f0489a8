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


# --- sma / ema --------------------------------------------------------------------------


def _sma_plain(x: F64, n: int) -> F64:
    out = np.full(len(x), np.nan)
    for t in range(n - 1, len(x)):
        out[t] = sum(x[t - n + 1 : t + 1]) / n
    return out


def sma(real: F64, timeperiod: int = 30) -> F64:
    """Mean of the last ``timeperiod`` values."""
    return per_run(lambda x: _sma_plain(x, timeperiod), real)


def _ema_plain(x: F64, n: int, k: float | None = None) -> F64:
    alpha = 2.0 / (n + 1) if k is None else k
    out = np.full(len(x), np.nan)
    if len(x) < n:
        return out
    value = float(np.mean(x[:n]))
    out[n - 1] = value
    for t in range(n, len(x)):
        value = alpha * x[t] + (1 - alpha) * value
        out[t] = value
    return out


def ema(real: F64, timeperiod: int = 30) -> F64:
    """EMA seeded with the mean of the first ``timeperiod`` values, alpha 2/(n+1)."""
    return per_run(lambda x: _ema_plain(x, timeperiod), real)
