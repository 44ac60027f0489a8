"""Naive twins of ``candlescan.kernels.trend``: same names and signatures, textbook loops.

Written from Wilder's definitions (directional movement, Wilder sums) and Chande's Aroon,
with TA-Lib's seeding spelled out explicitly, not from the kernel code. Each twin splits
the input into runs of clean bars (every input finite) and applies the definition to each
run as a whole series: the project's NaN rule.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


def runs(*arrays: F64) -> list[tuple[int, int]]:
    """``[begin, end)`` of each maximal run where every input is finite."""
    good = np.ones(len(arrays[0]), dtype=bool)
    for array in arrays:
        good &= np.isfinite(np.asarray(array, dtype=np.float64))
    edges = np.flatnonzero(np.diff(np.concatenate(([0], good.astype(np.int8), [0]))))
    return [(int(b), int(e)) for b, e in zip(edges[::2], edges[1::2], strict=True)]


def per_run(arrays: tuple[F64, ...], one: Callable[..., F64]) -> F64:
    """Apply ``one(*run_arrays)`` to each clean run; NaN elsewhere."""
    arrays = tuple(np.asarray(a, dtype=np.float64) for a in arrays)
    out = np.full(len(arrays[0]), np.nan)
    for begin, end in runs(*arrays):
        out[begin:end] = one(*(a[begin:end] for a in arrays))
    return out


def one_bar_moves(high: F64, low: F64, close: F64) -> tuple[F64, F64, F64]:
    """+DM1, -DM1 and TR1 per bar (index 0 has none: NaN)."""
    n = len(high)
    plus, minus, tr = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    for t in range(1, n):
        up = high[t] - high[t - 1]
        down = low[t - 1] - low[t]
        plus[t] = up if up > down and up > 0 else 0.0
        minus[t] = down if down > up and down > 0 else 0.0
        tr[t] = max(high[t] - low[t], abs(high[t] - close[t - 1]), abs(low[t] - close[t - 1]))
    return plus, minus, tr


def wilder_sums(x: F64, n: int) -> F64:
    """Wilder's running sum: sum of x[1..n-1] at bar n-1, then ``S - S/n + x``."""
    out = np.full(len(x), np.nan)
    if len(x) < n:
        return out
    out[n - 1] = float(np.sum(x[1:n]))
    for t in range(n, len(x)):
        out[t] = out[t - 1] - out[t - 1] / n + x[t]
    return out


def _di_pair(high: F64, low: F64, close: F64, n: int) -> tuple[F64, F64, F64]:
    """Smoothed +DM, -DM and TR from bar n on (the DI bars)."""
    plus, minus, tr = one_bar_moves(high, low, close)
    sp, sm, st = wilder_sums(plus, n), wilder_sums(minus, n), wilder_sums(tr, n)
    sp[:n] = np.nan
    sm[:n] = np.nan
    st[:n] = np.nan
    return sp, sm, st


def _raw_dx(high: F64, low: F64, close: F64, n: int) -> F64:
    """DX from bar n on, NaN where it is 0/0 (no range or no directional movement)."""
    sp, sm, st = _di_pair(high, low, close, n)
    out = np.full(len(high), np.nan)
    for t in range(n, len(high)):
        if st[t] == 0:
            continue
        pdi, mdi = 100 * sp[t] / st[t], 100 * sm[t] / st[t]
        if pdi + mdi != 0:
            out[t] = 100 * abs(pdi - mdi) / (pdi + mdi)
    return out


def plus_dm(high: F64, low: F64, timeperiod: int = 14) -> F64:
    def one(h: F64, lo: F64) -> F64:
        plus = one_bar_moves(h, lo, lo)[0]
        return plus if timeperiod == 1 else wilder_sums(plus, timeperiod)

    return per_run((high, low), one)


def minus_dm(high: F64, low: F64, timeperiod: int = 14) -> F64:
    def one(h: F64, lo: F64) -> F64:
        minus = one_bar_moves(h, lo, lo)[1]
        return minus if timeperiod == 1 else wilder_sums(minus, timeperiod)

    return per_run((high, low), one)


def _di(high: F64, low: F64, close: F64, n: int, side: int) -> F64:
    def one(h: F64, lo: F64, c: F64) -> F64:
        if n == 1:  # TA-Lib: the one-bar ratio, without the factor 100
            moves = one_bar_moves(h, lo, c)
            dm, tr = moves[side], moves[2]
            out = np.full(len(h), np.nan)
            for t in range(1, len(h)):
                out[t] = dm[t] / tr[t] if tr[t] > 0 else 0.0
            return out
        smoothed = _di_pair(h, lo, c, n)
        dm, tr = smoothed[side], smoothed[2]
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(tr == 0, 0.0, 100 * dm / tr)

    return per_run((high, low, close), one)


def plus_di(high: F64, low: F64, close: F64, timeperiod: int = 14) -> F64:
    return _di(high, low, close, timeperiod, 0)


def minus_di(high: F64, low: F64, close: F64, timeperiod: int = 14) -> F64:
    return _di(high, low, close, timeperiod, 1)


def dx(high: F64, low: F64, close: F64, timeperiod: int = 14) -> F64:
    """DX; 0/0 gives 0 on the first bar of a run and repeats the previous DX after."""

    def one(h: F64, lo: F64, c: F64) -> F64:
        out = _raw_dx(h, lo, c, timeperiod)
        for t in range(timeperiod, len(h)):
            if np.isnan(out[t]):
                out[t] = 0.0 if t == timeperiod else out[t - 1]
        return out

    return per_run((high, low, close), one)


def adx(high: F64, low: F64, close: F64, timeperiod: int = 14) -> F64:
    """Mean of the first n DX (0/0 counted as 0), then Wilder; 0/0 DX leaves ADX as is."""
    n = timeperiod

    def one(h: F64, lo: F64, c: F64) -> F64:
        raw = _raw_dx(h, lo, c, n)
        out = np.full(len(h), np.nan)
        if len(h) < 2 * n:
            return out
        out[2 * n - 1] = np.sum(np.nan_to_num(raw[n : 2 * n])) / n
        for t in range(2 * n, len(h)):
            out[t] = out[t - 1] if np.isnan(raw[t]) else (out[t - 1] * (n - 1) + raw[t]) / n
        return out

    return per_run((high, low, close), one)


def adxr(high: F64, low: F64, close: F64, timeperiod: int = 14) -> F64:
    values = adx(high, low, close, timeperiod)
    out = np.full(len(values), np.nan)
    lag = timeperiod - 1
    out[lag:] = (values[lag:] + values[: len(values) - lag]) / 2
    return out


def _aroon_one(h: F64, lo: F64, n: int) -> tuple[F64, F64]:
    down, up = np.full(len(h), np.nan), np.full(len(h), np.nan)
    for t in range(n, len(h)):
        window_h, window_l = h[t - n : t + 1], lo[t - n : t + 1]
        # Ties: the most recent extreme counts (argmax of the reversed window).
        since_high = int(np.argmax(window_h[::-1]))
        since_low = int(np.argmin(window_l[::-1]))
        up[t] = 100.0 * (n - since_high) / n
        down[t] = 100.0 * (n - since_low) / n
    return down, up


def aroon(high: F64, low: F64, timeperiod: int = 14) -> tuple[F64, F64]:
    down = per_run((high, low), lambda h, lo: _aroon_one(h, lo, timeperiod)[0])
    up = per_run((high, low), lambda h, lo: _aroon_one(h, lo, timeperiod)[1])
    return down, up


def aroonosc(high: F64, low: F64, timeperiod: int = 14) -> F64:
    down, up = aroon(high, low, timeperiod)
    return up - down
