"""Naive NumPy twins of ``candlescan.kernels.bands`` (same names and signatures).

Written from the textbook definitions (and TA-Lib's documented start-up rules),
independent of the kernel code: plain loops, slow on purpose. NaN rule: each run of clean
bars is computed as a series of its own (:func:`tests.reference.overlap.per_run`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tests.reference.overlap import ma, per_run

F64 = npt.NDArray[np.float64]


def bbands(
    real: F64, timeperiod: int = 20, nbdevup: float = 2.0, nbdevdn: float = 2.0, matype: int = 0
) -> tuple[F64, ...]:
    """MA +/- k * population std (ddof=0) of the last n values."""
    x = np.asarray(real, dtype=float)
    n = timeperiod

    def std_plain(y: F64) -> F64:
        out = np.full(len(y), np.nan)
        for t in range(n - 1, len(y)):
            out[t] = float(np.std(y[t - n + 1 : t + 1]))
        return out

    middle = ma(x, n, matype)
    sd = per_run(std_plain, x)
    middle = np.where(np.isnan(sd), np.nan, middle)
    return middle + nbdevup * sd, middle, middle - nbdevdn * sd


def midpoint(real: F64, timeperiod: int = 14) -> F64:
    """(max + min) / 2 over the window."""

    def plain(x: F64) -> F64:
        out = np.full(len(x), np.nan)
        for t in range(timeperiod - 1, len(x)):
            w = x[t - timeperiod + 1 : t + 1]
            out[t] = (w.max() + w.min()) / 2
        return out

    return per_run(plain, real)


def midprice(high: F64, low: F64, timeperiod: int = 14) -> F64:
    """(max(high) + min(low)) / 2 over the window."""

    def plain(h: F64, lo: F64) -> F64:
        out = np.full(len(h), np.nan)
        for t in range(timeperiod - 1, len(h)):
            out[t] = (
                h[t - timeperiod + 1 : t + 1].max() + lo[t - timeperiod + 1 : t + 1].min()
            ) / 2
        return out

    return per_run(plain, high, low)


def sar(high: F64, low: F64, acceleration: float = 0.02, maximum: float = 0.2) -> F64:
    """Wilder's parabolic SAR with TA-Lib's two-bar start."""
    step = min(acceleration, maximum)

    def plain(h: F64, lo: F64) -> F64:
        out = np.full(len(h), np.nan)
        if len(h) < 2:
            return out
        minus_dm = lo[0] - lo[1]
        plus_dm = h[1] - h[0]
        long = not (minus_dm > 0 and plus_dm < minus_dm)
        sar_, ep = (lo[0], h[1]) if long else (h[0], lo[1])
        af = step
        for t in range(1, len(h)):
            # the SAR may not enter the range of the previous and current bar (bar 1: itself)
            prev = max(t - 1, 1)
            lo2 = min(lo[prev], lo[t])
            hi2 = max(h[prev], h[t])
            if long and lo[t] <= sar_:
                long, sar_ = False, max(ep, hi2)
                out[t] = sar_
                af, ep = step, lo[t]
                sar_ = max(sar_ + af * (ep - sar_), hi2)
            elif not long and h[t] >= sar_:
                long, sar_ = True, min(ep, lo2)
                out[t] = sar_
                af, ep = step, h[t]
                sar_ = min(sar_ + af * (ep - sar_), lo2)
            elif long:
                out[t] = sar_
                if h[t] > ep:
                    ep, af = h[t], min(af + step, maximum)
                sar_ = min(sar_ + af * (ep - sar_), lo2)
            else:
                out[t] = sar_
                if lo[t] < ep:
                    ep, af = lo[t], min(af + step, maximum)
                sar_ = max(sar_ + af * (ep - sar_), hi2)
        return out

    return per_run(plain, high, low)
