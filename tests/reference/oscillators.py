"""Naive twins of ``candlescan.kernels.oscillators``: same names and signatures.

Each is the textbook definition evaluated window by window with NumPy (no running sums),
on each run of clean bars separately (the project's NaN rule), with the project's 0/0
choices: WILLR -50, MFI 50 and each ULTOSC average 0.5 when the window has no range or no
money flow; CCI and BOP 0.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tests.reference.trend import per_run

F64 = npt.NDArray[np.float64]


def _typical(high: F64, low: F64, close: F64) -> F64:
    return (high + low + close) / 3.0


def cci(high: F64, low: F64, close: F64, timeperiod: int = 14) -> F64:
    n = timeperiod

    def one(h: F64, lo: F64, c: F64) -> F64:
        tp = _typical(h, lo, c)
        out = np.full(len(tp), np.nan)
        for t in range(n - 1, len(tp)):
            window = tp[t - n + 1 : t + 1]
            mean = window.mean()
            deviation = np.abs(window - mean).mean()
            distance = tp[t] - mean
            # A TP equal to its mean up to rounding (1e-14 of the prices) is on the mean.
            if deviation == 0 or abs(distance) <= 1e-14 * (abs(tp[t]) + abs(mean)):
                out[t] = 0.0
            else:
                out[t] = distance / (0.015 * deviation)
        return out

    return per_run((high, low, close), one)


def willr(high: F64, low: F64, close: F64, timeperiod: int = 14) -> F64:
    n = timeperiod

    def one(h: F64, lo: F64, c: F64) -> F64:
        out = np.full(len(h), np.nan)
        for t in range(n - 1, len(h)):
            hh, ll = h[t - n + 1 : t + 1].max(), lo[t - n + 1 : t + 1].min()
            out[t] = -50.0 if hh == ll else -100.0 * (hh - c[t]) / (hh - ll)
        return out

    return per_run((high, low, close), one)


def mfi(high: F64, low: F64, close: F64, volume: F64, timeperiod: int = 14) -> F64:
    n = timeperiod

    def one(h: F64, lo: F64, c: F64, v: F64) -> F64:
        tp = _typical(h, lo, c)
        positive = np.zeros(len(tp))
        negative = np.zeros(len(tp))
        for t in range(1, len(tp)):
            change = tp[t] - tp[t - 1]
            if abs(change) <= 1e-14 * (abs(tp[t]) + abs(tp[t - 1])):
                continue  # typical price unchanged: no money flow
            if change > 0:
                positive[t] = tp[t] * v[t]
            else:
                negative[t] = tp[t] * v[t]
        out = np.full(len(tp), np.nan)
        for t in range(n, len(tp)):
            pos = positive[t - n + 1 : t + 1].sum()
            neg = negative[t - n + 1 : t + 1].sum()
            out[t] = 50.0 if pos + neg == 0 else 100.0 * pos / (pos + neg)
        return out

    return per_run((high, low, close, volume), one)


def ultosc(
    high: F64,
    low: F64,
    close: F64,
    timeperiod1: int = 7,
    timeperiod2: int = 14,
    timeperiod3: int = 28,
) -> F64:
    short, mid, long = sorted((timeperiod1, timeperiod2, timeperiod3))

    def one(h: F64, lo: F64, c: F64) -> F64:
        out = np.full(len(h), np.nan)
        if len(h) <= long:
            return out
        prev = c[:-1]
        bp = np.concatenate(([np.nan], c[1:] - np.minimum(lo[1:], prev)))
        tr = np.concatenate(([np.nan], np.maximum(h[1:], prev) - np.minimum(lo[1:], prev)))

        def average(t: int, k: int) -> float:
            ranges = tr[t - k + 1 : t + 1]
            return 0.5 if not ranges.any() else float(bp[t - k + 1 : t + 1].sum() / ranges.sum())

        for t in range(long, len(h)):
            out[t] = 100.0 * (4 * average(t, short) + 2 * average(t, mid) + average(t, long)) / 7
        return out

    return per_run((high, low, close), one)


def bop(open: F64, high: F64, low: F64, close: F64) -> F64:
    def one(o: F64, h: F64, lo: F64, c: F64) -> F64:
        spread = h - lo
        return np.where(spread > 0, (c - o) / np.where(spread > 0, spread, 1.0), 0.0)

    return per_run((open, high, low, close), one)
