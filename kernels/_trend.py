"""Private loops of the trend family: directional movement (DM, DI, DX, ADX) and aroon.

Each ``_*_run`` loop starts at a clean bar ``begin``, seeds exactly as TA-Lib seeds bar 0,
and stops at the first bar whose inputs are not all finite, returning its index. On finite
input the whole series is one run (TA-Lib's numbers); after a bad bar the driver starts a
new run from the next clean bar, a fresh warm-up (the project's NaN rule). The finiteness
test lives inside the loops, so a kernel reads its inputs once.

Numba does not inline calls between cached functions here, and a call that passes arrays
costs ~30 ns a bar, so the per-bar arithmetic is written out inside each loop.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array
from candlescan.kernels._runs import _fma
from candlescan.kernels._unsigned import _u

__all__: list[str] = []

I64Array = npt.NDArray[np.int64]

# Kernel ids for the shared directional-movement loop.
_PLUS_DM, _MINUS_DM, _PLUS_DI, _MINUS_DI, _DX, _ADX = 0, 1, 2, 3, 4, 5


@njit
def _next_clean(hi: F64Array, lo: F64Array, cl: F64Array, t: int) -> int:
    """The first bar at or after ``t`` whose inputs are all finite (``len`` if none)."""
    n = len(hi)
    while t < n and not (math.isfinite(hi[t]) and math.isfinite(lo[t]) and math.isfinite(cl[t])):
        t += 1
    return t


@njit
def _dx_of(plus: float, minus: float, tr: float, previous: float) -> float:
    """DX from smoothed sums; ``previous`` when TR or +DI + -DI is zero (TA-Lib's hold).

    ``|-DI - +DI| / (-DI + +DI)`` with the common ``100 / TR`` cancelled: one division
    instead of TA-Lib's three (rounding only).
    """
    if tr == 0.0:
        return previous
    total = minus + plus
    if total == 0.0:
        return previous
    return 100.0 * (abs(minus - plus) / total)


@njit
def _directional_run(
    hi: F64Array, lo: F64Array, cl: F64Array, p: int, kind: int, begin: int, out: F64Array
) -> int:
    """One run of a DM/DI/DX/ADX kernel from clean bar ``begin``; returns where it stopped."""
    n = len(hi)
    # Wilder's smoothing ``s - s/p + x`` stepped as fma(s, (p-1)/p, x): no division on the
    # dependency chain (TA-Lib divides); rounding only, and the recursion is contractive.
    keep = (p - 1.0) / p
    inv = 1.0 / p
    plus = 0.0
    minus = 0.0
    tr = 0.0
    adx_sum = 0.0
    adx = 0.0
    dx = 0.0
    seeded = begin + p - 1  # bar of the initial sums of p - 1 one-bar values
    adx_first = begin + 2 * p - 1
    t = begin + 1
    while t < n:
        high = hi[_u(t)]
        low = lo[_u(t)]
        # One-bar moves, TA-Lib's case rules, and the true range.
        diff_p = high - hi[_u(t - 1)]
        diff_m = lo[_u(t - 1)] - low
        dp = 0.0
        dm = 0.0
        if diff_m > 0 and diff_p < diff_m:
            dm = diff_m
        elif diff_p > 0 and diff_p > diff_m:
            dp = diff_p
        close_prev = cl[_u(t - 1)]
        tr1 = high - low
        gap = abs(high - close_prev)
        if gap > tr1:
            tr1 = gap
        gap = abs(low - close_prev)
        if gap > tr1:
            tr1 = gap
        # One test covers the bar's inputs: a NaN or infinite high or low makes the true
        # range non-finite (the previous close is known clean), and the close is added in.
        if not math.isfinite(tr1 + cl[_u(t)]):
            return t

        if p == 1:  # unsmoothed (TA-Lib: the one-bar DI is a ratio, not a percentage)
            value = dp if kind in (_PLUS_DM, _PLUS_DI) else dm
            if kind in (_PLUS_DI, _MINUS_DI):
                value = value / tr1 if value != 0.0 and tr1 != 0.0 else 0.0
            out[t] = value
        elif t <= seeded:
            plus += dp
            minus += dm
            tr += tr1
            if t == seeded and kind in (_PLUS_DM, _MINUS_DM):
                out[t] = plus if kind == _PLUS_DM else minus
        else:
            plus = _fma(plus, keep, dp)
            minus = _fma(minus, keep, dm)
            tr = _fma(tr, keep, tr1)
            if kind == _PLUS_DM:
                out[t] = plus
            elif kind == _MINUS_DM:
                out[t] = minus
            elif kind == _PLUS_DI:
                out[t] = 100.0 * (plus / tr) if tr != 0.0 else 0.0
            elif kind == _MINUS_DI:
                out[t] = 100.0 * (minus / tr) if tr != 0.0 else 0.0
            elif kind == _DX:
                dx = _dx_of(plus, minus, tr, 0.0 if t == seeded + 1 else dx)
                out[t] = dx
            elif t < adx_first:  # ADX: the first p DX are averaged (0 when undefined)
                adx_sum += _dx_of(plus, minus, tr, 0.0)
            elif t == adx_first:
                adx = (adx_sum + _dx_of(plus, minus, tr, 0.0)) / p
                out[t] = adx
            else:  # Wilder smoothing; an undefined DX leaves ADX unchanged (TA-Lib)
                dx = _dx_of(plus, minus, tr, -1.0)
                if dx >= 0.0:
                    adx = _fma(adx, keep, dx * inv)
                out[t] = adx
        t += 1
    return n


@njit
def _directional(hi: F64Array, lo: F64Array, cl: F64Array, p: int, kind: int) -> F64Array:
    n = len(hi)
    out = np.full(n, np.nan)
    t = _next_clean(hi, lo, cl, 0)
    while t < n:
        t = _next_clean(hi, lo, cl, _directional_run(hi, lo, cl, p, kind, t, out))
    return out


@njit
def _adxr(hi: F64Array, lo: F64Array, cl: F64Array, p: int) -> F64Array:
    out = _directional(hi, lo, cl, p, _ADX)
    # In place, from the end: bar t - (p - 1) still holds its ADX when bar t reads it.
    for t in range(len(out) - 1, p - 2, -1):
        out[t] = (out[t] + out[t - (p - 1)]) / 2.0  # NaN unless both ADX values exist
    out[: p - 1] = np.nan
    return out


# --- aroon --------------------------------------------------------------------------------


@njit
def _aroon_span(
    hi: F64Array,
    lo: F64Array,
    s: int,
    e: int,
    p: int,
    down: F64Array,
    up: F64Array,
    osc: bool,
    values: F64Array,
    places: I64Array,
) -> bool:
    """Aroon over the clean span ``[s, e)``; True if a bar read was not finite.

    Bars since the highest high / lowest low of the last ``w = p + 1`` bars, latest tie
    winning, as TA-Lib. The window extremes *and their bars* come from van Herk /
    Gil-Werman blocks of ``w`` bars (see :mod:`candlescan.kernels._windows`): a forward
    prefix (``>=``/``<=``: a later equal bar takes over) and a backward suffix (``>``/``<``:
    the later bar stays), the prefix winning ties. O(1) a bar, where TA-Lib rescans the
    window whenever an extreme leaves it (most of its time). ``values``/``places`` hold
    ``4 * (w + 1)`` slots: at offset ``prev`` (or ``cur``) a block's high suffixes, then
    its low ones; slot ``w`` of each is the empty suffix. With ``osc`` the oscillator goes
    to ``down`` as ``100/p * (high_at - low_at)``, TA-Lib's own rounding.
    """
    w = p + 1
    q = w + 1
    factor = 100.0 / p
    bad = False
    prev = 0
    cur = 2 * q
    values[prev + w] = values[cur + w] = -np.inf
    values[prev + q + w] = values[cur + q + w] = np.inf
    block = s
    while block < e:
        stop = block + w if block + w < e else e
        top = -np.inf
        bottom = np.inf
        top_at = bottom_at = block
        for t in range(block, stop):
            high = hi[_u(t)]
            low = lo[_u(t)]
            bad |= not math.isfinite(high + low)
            top_at = t if high >= top else top_at
            top = high if high >= top else top
            bottom_at = t if low <= bottom else bottom_at
            bottom = low if low <= bottom else bottom
            if t - s < p:
                continue  # the first block only completes the first window
            k = prev + t - block + 1  # the previous block's suffix from bar t + 1 - w
            a = values[_u(k)]
            high_at = places[_u(k)] if a > top else top_at
            b = values[_u(k + q)]
            low_at = places[_u(k + q)] if b < bottom else bottom_at
            if osc:
                down[_u(t)] = factor * (high_at - low_at)
            else:
                up[_u(t)] = factor * (p - (t - high_at))
                down[_u(t)] = factor * (p - (t - low_at))
        if stop == e:
            return bad
        # This block's suffix extremes, backwards, for the windows of the next block.
        m_top = -np.inf
        m_bottom = np.inf
        m_top_at = m_bottom_at = stop - 1
        for j in range(w - 1, -1, -1):
            t = block + j
            high = hi[_u(t)]
            low = lo[_u(t)]
            m_top_at = t if high > m_top else m_top_at
            m_top = high if high > m_top else m_top
            m_bottom_at = t if low < m_bottom else m_bottom_at
            m_bottom = low if low < m_bottom else m_bottom
            values[_u(cur + j)] = m_top
            places[_u(cur + j)] = m_top_at
            values[_u(cur + q + j)] = m_bottom
            places[_u(cur + q + j)] = m_bottom_at
        prev, cur = cur, prev
        block = stop
    return bad


@njit
def _aroon_into(
    hi: F64Array, lo: F64Array, p: int, down: F64Array, up: F64Array, osc: bool
) -> None:
    """Fill ``down`` (and ``up`` unless ``osc``), NaN on entry: the whole series as one
    span first; on a non-finite bar, again span by span between the bad bars."""
    n = len(hi)
    values = np.empty(4 * (p + 2))
    places = np.empty(4 * (p + 2), dtype=np.int64)
    if not _aroon_span(hi, lo, 0, n, p, down, up, osc, values, places):
        return
    down[:] = np.nan
    if not osc:
        up[:] = np.nan
    done = 0
    while done < n:
        s = _next_clean(hi, lo, lo, done)
        e = s
        while e < n and math.isfinite(hi[e]) and math.isfinite(lo[e]):
            e += 1
        _aroon_span(hi, lo, s, e, p, down, up, osc, values, places)
        done = e
