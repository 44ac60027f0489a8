"""Private loops of the trend family: directional movement (DM, DI, DX, ADX) and aroon.

Each loop works on one *clean segment* (a run of bars whose inputs are all finite) and seeds
it exactly as TA-Lib seeds bar 0, so on finite input the whole series is one segment and
the numbers are TA-Lib's; after a bad bar the next segment starts a fresh warm-up.
"""

from __future__ import annotations

import math

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array

__all__: list[str] = []

# Kernel ids for the shared directional-movement loop.
_PLUS_DM, _MINUS_DM, _PLUS_DI, _MINUS_DI, _DX, _ADX = 0, 1, 2, 3, 4, 5


# --- segments: the NaN rule ---------------------------------------------------------------


@njit
def _clean(hi: F64Array, lo: F64Array, cl: F64Array, t: int) -> bool:
    return math.isfinite(hi[t]) and math.isfinite(lo[t]) and math.isfinite(cl[t])


@njit
def _segment(hi: F64Array, lo: F64Array, cl: F64Array, start: int) -> tuple[int, int]:
    """The next run ``[begin, end)`` of bars whose inputs are all finite, from ``start``."""
    n = len(hi)
    begin = start
    while begin < n and not _clean(hi, lo, cl, begin):
        begin += 1
    end = begin
    while end < n and _clean(hi, lo, cl, end):
        end += 1
    return begin, end


# --- directional movement -----------------------------------------------------------------


@njit
def _moves(hi: F64Array, lo: F64Array, cl: F64Array, t: int) -> tuple[float, float, float]:
    """One-bar +DM, -DM and true range at bar ``t`` (TA-Lib's case rules)."""
    diff_p = hi[t] - hi[t - 1]
    diff_m = lo[t - 1] - lo[t]
    plus = 0.0
    minus = 0.0
    if diff_m > 0 and diff_p < diff_m:
        minus = diff_m
    elif diff_p > 0 and diff_p > diff_m:
        plus = diff_p
    true_range = hi[t] - lo[t]
    gap = abs(hi[t] - cl[t - 1])
    if gap > true_range:
        true_range = gap
    gap = abs(lo[t] - cl[t - 1])
    if gap > true_range:
        true_range = gap
    return plus, minus, true_range


@njit
def _dx_of(plus: float, minus: float, tr: float, previous: float) -> float:
    """DX from smoothed sums; ``previous`` when TR or +DI + -DI is zero (TA-Lib's hold)."""
    if tr == 0.0:
        return previous
    minus_di = 100.0 * (minus / tr)
    plus_di = 100.0 * (plus / tr)
    total = minus_di + plus_di
    if total == 0.0:
        return previous
    return 100.0 * (abs(minus_di - plus_di) / total)


@njit
def _directional_run(
    hi: F64Array, lo: F64Array, cl: F64Array, p: int, kind: int, begin: int, end: int, out: F64Array
) -> None:
    """One clean segment of a DM/DI/DX/ADX kernel, seeded exactly as TA-Lib seeds bar 0."""
    plus = 0.0
    minus = 0.0
    tr = 0.0
    if p == 1:  # unsmoothed one-bar DM / DI (TA-Lib: DI1 is a ratio, not a percentage)
        for t in range(begin + 1, end):
            dp, dm, tr1 = _moves(hi, lo, cl, t)
            value = dp if kind in (_PLUS_DM, _PLUS_DI) else dm
            if kind in (_PLUS_DI, _MINUS_DI):
                value = value / tr1 if value != 0.0 and tr1 != 0.0 else 0.0
            out[t] = value
        return
    if end - begin < p:  # too short for the initial sums
        return
    t = begin
    for _ in range(p - 1):  # initial sums of p - 1 one-bar values
        t += 1
        dp, dm, tr1 = _moves(hi, lo, cl, t)
        plus += dp
        minus += dm
        tr += tr1
    if kind in (_PLUS_DM, _MINUS_DM):
        out[t] = plus if kind == _PLUS_DM else minus
        while t + 1 < end:
            t += 1
            dp, dm, _tr1 = _moves(hi, lo, cl, t)
            plus = plus - plus / p + dp
            minus = minus - minus / p + dm
            out[t] = plus if kind == _PLUS_DM else minus
        return
    adx_sum = 0.0
    adx = 0.0
    dx = 0.0
    first = t + 1
    while t + 1 < end:
        t += 1
        dp, dm, tr1 = _moves(hi, lo, cl, t)
        minus -= minus / p
        plus -= plus / p
        minus += dm
        plus += dp
        tr = tr - tr / p + tr1
        if kind in (_PLUS_DI, _MINUS_DI):
            dm_sum = plus if kind == _PLUS_DI else minus
            out[t] = 100.0 * (dm_sum / tr) if tr != 0.0 else 0.0
        elif kind == _DX:
            dx = _dx_of(plus, minus, tr, 0.0 if t == first else dx)
            out[t] = dx
        elif t < first + p - 1:  # ADX: the first p DX values are averaged (0 when undefined)
            adx_sum += _dx_of(plus, minus, tr, 0.0)
        elif t == first + p - 1:
            adx = (adx_sum + _dx_of(plus, minus, tr, 0.0)) / p
            out[t] = adx
        else:  # Wilder smoothing; an undefined DX leaves ADX unchanged (TA-Lib)
            dx = _dx_of(plus, minus, tr, -1.0)
            if dx >= 0.0:
                adx = (adx * (p - 1) + dx) / p
            out[t] = adx


@njit
def _directional(hi: F64Array, lo: F64Array, cl: F64Array, p: int, kind: int) -> F64Array:
    n = len(hi)
    out = np.full(n, np.nan)
    begin = 0
    while begin < n:
        begin, end = _segment(hi, lo, cl, begin)
        if end > begin:
            _directional_run(hi, lo, cl, p, kind, begin, end, out)
        begin = end
    return out


@njit
def _adxr(hi: F64Array, lo: F64Array, cl: F64Array, p: int) -> F64Array:
    adx_ = _directional(hi, lo, cl, p, _ADX)
    out = np.full(len(hi), np.nan)
    for t in range(p - 1, len(hi)):
        out[t] = (adx_[t] + adx_[t - (p - 1)]) / 2.0  # NaN unless both ADX values exist
    return out


# --- aroon --------------------------------------------------------------------------------


@njit
def _aroon_run(
    hi: F64Array,
    lo: F64Array,
    p: int,
    begin: int,
    end: int,
    down: F64Array,
    up: F64Array,
    osc: bool,
) -> None:
    """Bars since the highest high / lowest low of the last ``p + 1`` bars (latest tie wins).

    With ``osc`` the oscillator goes to ``down`` as ``100/p * (high_at - low_at)``, TA-Lib's
    own rounding (``up - down`` can differ in the last bit).
    """
    factor = 100.0 / p
    low_at = -1
    high_at = -1
    lowest = 0.0
    highest = 0.0
    for t in range(begin + p, end):
        trailing = t - p
        if low_at < trailing:  # the extreme left the window: rescan it
            low_at = trailing
            lowest = lo[trailing]
            for i in range(trailing + 1, t + 1):
                if lo[i] <= lowest:
                    low_at = i
                    lowest = lo[i]
        elif lo[t] <= lowest:
            low_at = t
            lowest = lo[t]
        if high_at < trailing:
            high_at = trailing
            highest = hi[trailing]
            for i in range(trailing + 1, t + 1):
                if hi[i] >= highest:
                    high_at = i
                    highest = hi[i]
        elif hi[t] >= highest:
            high_at = t
            highest = hi[t]
        if osc:
            down[t] = factor * (high_at - low_at)
        else:
            up[t] = factor * (p - (t - high_at))
            down[t] = factor * (p - (t - low_at))


@njit
def _aroon(hi: F64Array, lo: F64Array, p: int, osc: bool) -> tuple[F64Array, F64Array]:
    n = len(hi)
    down = np.full(n, np.nan)
    up = np.full(n if not osc else 0, np.nan)
    begin = 0
    while begin < n:
        begin, end = _segment(hi, lo, lo, begin)
        if end > begin:
            _aroon_run(hi, lo, p, begin, end, down, up, osc)
        begin = end
    return down, up
