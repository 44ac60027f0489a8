"""Window maxima and minima by van Herk / Gil-Werman blocks (max, min, midpoint, midprice,
the stochastics; willr and aroon write the same scheme out in their own loops).

A clean span ``[s, e)`` is cut into blocks of ``p`` bars. The window ending at bar ``j`` of
a block is the block's prefix up to ``j`` plus the previous block's suffix from ``j + 1``,
so its extreme is the better of a running prefix extreme and one stored suffix extreme
(``prev[j + 1]``; slot ``p`` holds the empty suffix, -inf or +inf). O(1) a bar whatever
the data or the period. References: M. van Herk, Pattern Recognit. Lett. 13(7), 1992;
J. Gil and M. Werman, IEEE PAMI 15(5), 1993. Max and min are exact, so the values equal
TA-Lib's rescanning tracker (``ta_MAX.c``).

Speed: each running extreme is a chain of ``maxsd`` (4 cycles of latency a bar). The loops
compute a block's outputs (forward prefix) and its own suffix extremes (backward, into
``cur``, for the next block) in the same pass, so the chains overlap; ``prev`` and ``cur``
then swap. TA-Lib's tracker, by contrast, rescans whenever the extreme leaves the window.

NaN: the loops assume a clean span but also OR together a NaN test of every bar they read
and return it; the callers run them over the whole series first (one read of the input)
and only on ``True`` fall back to the run finders, calling the same loops run by run.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array
from candlescan.kernels._unsigned import _u

__all__: list[str] = []


@njit
def _max_span(x: F64Array, s: int, e: int, p: int, out: F64Array, suffix: F64Array) -> bool:
    """``out[s:e]`` = max of the last ``p`` bars (first ``p - 1`` NaN); True if a NaN was read.

    ``suffix`` is scratch of ``2 * (p + 1)`` slots: the previous block's suffix extremes at
    offset ``prev``, the current block's at ``cur`` (offsets, not two arrays: swapping array
    variables costs reference counting calls every block).
    """
    bad = False
    first = min(s + p, e)
    g = -np.inf
    for t in range(s, first):
        value = x[t]
        bad |= value != value
        g = value if value > g else g
        out[t] = np.nan
    if first - s < p:
        return bad
    out[first - 1] = g
    prev = 0
    cur = p + 1
    suffix[prev + p] = suffix[cur + p] = -np.inf
    m = -np.inf
    for j in range(p - 1, -1, -1):
        value = x[s + j]
        m = value if value > m else m
        suffix[j] = m
    block = first
    while block + p <= e:
        g = -np.inf
        m = -np.inf
        last = block + p - 1
        for j in range(p):
            value = x[_u(block + j)]
            bad |= value != value
            g = value if value > g else g
            h = suffix[_u(prev + j + 1)]
            out[_u(block + j)] = h if h > g else g
            value = x[_u(last - j)]
            m = value if value > m else m
            suffix[_u(cur + p - 1 - j)] = m
        prev, cur = cur, prev
        block += p
    g = -np.inf
    for t in range(block, e):
        value = x[t]
        bad |= value != value
        g = value if value > g else g
        h = suffix[prev + t - block + 1]
        out[t] = h if h > g else g
    return bad


@njit
def _min_span(x: F64Array, s: int, e: int, p: int, out: F64Array, suffix: F64Array) -> bool:
    """Mirror of :func:`_max_span`: the window minimum."""
    bad = False
    first = min(s + p, e)
    g = np.inf
    for t in range(s, first):
        value = x[t]
        bad |= value != value
        g = value if value < g else g
        out[t] = np.nan
    if first - s < p:
        return bad
    out[first - 1] = g
    prev = 0
    cur = p + 1
    suffix[prev + p] = suffix[cur + p] = np.inf
    m = np.inf
    for j in range(p - 1, -1, -1):
        value = x[s + j]
        m = value if value < m else m
        suffix[j] = m
    block = first
    while block + p <= e:
        g = np.inf
        m = np.inf
        last = block + p - 1
        for j in range(p):
            value = x[_u(block + j)]
            bad |= value != value
            g = value if value < g else g
            h = suffix[_u(prev + j + 1)]
            out[_u(block + j)] = h if h < g else g
            value = x[_u(last - j)]
            m = value if value < m else m
            suffix[_u(cur + p - 1 - j)] = m
        prev, cur = cur, prev
        block += p
    g = np.inf
    for t in range(block, e):
        value = x[t]
        bad |= value != value
        g = value if value < g else g
        h = suffix[prev + t - block + 1]
        out[t] = h if h < g else g
    return bad


@njit
def _next_run2(a: F64Array, b: F64Array, start: int) -> tuple[int, int]:
    """``(s, e)``: the first run where both ``a`` and ``b`` are non-NaN, from ``start``."""
    n = len(a)
    s = start
    while s < n and (np.isnan(a[s]) or np.isnan(b[s])):
        s += 1
    e = s
    # Skip whole blocks without a NaN: the branch-free OR over a block vectorises.
    while e + 256 <= n:
        bad = False
        for i in range(e, e + 256):
            bad |= (a[i] != a[i]) | (b[i] != b[i])
        if bad:
            break
        e += 256
    while e < n and not (np.isnan(a[e]) or np.isnan(b[e])):
        e += 1
    return s, e


@njit
def _window_extreme_into(real: F64Array, p: int, want_max: bool, out: F64Array) -> None:
    """Rolling max (``want_max``) or min of ``real`` into ``out``; NaN rule run by run."""
    n = len(real)
    suffix = np.empty(2 * (p + 1))
    if want_max:
        if not _max_span(real, 0, n, p, out, suffix):
            return
    elif not _min_span(real, 0, n, p, out, suffix):
        return
    done = 0
    while done < n:
        s, e = _next_run2(real, real, done)
        for t in range(done, s):
            out[t] = np.nan
        if want_max:
            _max_span(real, s, e, p, out, suffix)
        else:
            _min_span(real, s, e, p, out, suffix)
        done = e


@njit
def _midrange_span(
    hi: F64Array,
    lo: F64Array,
    s: int,
    e: int,
    p: int,
    out: F64Array,
    suffix: F64Array,
) -> bool:
    """``out[s:e]`` = (max of ``hi`` + min of ``lo``) / 2 over ``p`` bars; True on a NaN.

    ``suffix`` holds ``4 * (p + 1)`` slots: at offset ``prev`` (or ``cur``) a block's high
    suffixes, then its low ones. Four independent chains a bar (prefix and suffix, high
    and low).
    """
    bad = False
    q = p + 1  # offset of the low suffixes
    first = min(s + p, e)
    top = -np.inf
    bottom = np.inf
    for t in range(s, first):
        h = hi[t]
        low = lo[t]
        bad |= (h != h) | (low != low)
        top = h if h > top else top
        bottom = low if low < bottom else bottom
        out[t] = np.nan
    if first - s < p:
        return bad
    out[first - 1] = (top + bottom) / 2.0
    prev = 0
    cur = 2 * q
    suffix[prev + p] = suffix[cur + p] = -np.inf
    suffix[prev + q + p] = suffix[cur + q + p] = np.inf
    m_top = -np.inf
    m_bottom = np.inf
    for j in range(p - 1, -1, -1):
        h = hi[s + j]
        low = lo[s + j]
        m_top = h if h > m_top else m_top
        m_bottom = low if low < m_bottom else m_bottom
        suffix[j] = m_top
        suffix[q + j] = m_bottom
    block = first
    while block + p <= e:
        top = -np.inf
        bottom = np.inf
        m_top = -np.inf
        m_bottom = np.inf
        last = block + p - 1
        for j in range(p):
            t = _u(block + j)
            h = hi[t]
            low = lo[t]
            bad |= (h != h) | (low != low)
            top = h if h > top else top
            bottom = low if low < bottom else bottom
            a = suffix[_u(prev + j + 1)]
            b = suffix[_u(prev + q + j + 1)]
            out[t] = ((a if a > top else top) + (b if b < bottom else bottom)) / 2.0
            k = _u(last - j)
            h = hi[k]
            low = lo[k]
            m_top = h if h > m_top else m_top
            m_bottom = low if low < m_bottom else m_bottom
            suffix[_u(cur + p - 1 - j)] = m_top
            suffix[_u(cur + q + p - 1 - j)] = m_bottom
        prev, cur = cur, prev
        block += p
    top = -np.inf
    bottom = np.inf
    for t in range(block, e):
        h = hi[t]
        low = lo[t]
        bad |= (h != h) | (low != low)
        top = h if h > top else top
        bottom = low if low < bottom else bottom
        a = suffix[prev + t - block + 1]
        b = suffix[prev + q + t - block + 1]
        out[t] = ((a if a > top else top) + (b if b < bottom else bottom)) / 2.0
    return bad


@njit
def _midrange_into(hi: F64Array, lo: F64Array, p: int, out: F64Array) -> None:
    """``(highest hi + lowest lo) / 2`` over ``p`` bars into ``out``; NaN rule run by run."""
    n = len(hi)
    suffix = np.empty(4 * (p + 1))
    if not _midrange_span(hi, lo, 0, n, p, out, suffix):
        return
    done = 0
    while done < n:
        s, e = _next_run2(hi, lo, done)
        for t in range(done, s):
            out[t] = np.nan
        _midrange_span(hi, lo, s, e, p, out, suffix)
        done = e
