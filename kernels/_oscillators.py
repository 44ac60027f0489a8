"""Private loops of the oscillators family (cci, willr, mfi, ultosc, bop).

Each ``_*_run`` loop starts at a clean bar ``begin``, seeds exactly as TA-Lib seeds bar 0,
and stops at the first bar whose inputs are not all finite, returning its index; the
driver then starts a new run from the next clean bar (the project's NaN rule: a fresh
warm-up). On finite input the whole series is one run and the numbers are TA-Lib's, except
the documented neutral readings for 0/0 windows. The finiteness test lives inside the
loops, so a kernel reads its inputs once; per-bar arithmetic is written out because Numba
does not inline calls between these cached functions.
"""

from __future__ import annotations

import math

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array
from candlescan.kernels._unsigned import _u

__all__: list[str] = []


@njit
def _next_clean(a: F64Array, b: F64Array, c: F64Array, d: F64Array, t: int) -> int:
    """The first bar at or after ``t`` whose inputs are all finite (``len`` if none)."""
    n = len(a)
    while t < n and not (
        math.isfinite(a[t]) and math.isfinite(b[t]) and math.isfinite(c[t]) and math.isfinite(d[t])
    ):
        t += 1
    return t


# --- cci ----------------------------------------------------------------------------------


@njit
def _cci_run(
    hi: F64Array, lo: F64Array, cl: F64Array, p: int, begin: int, out: F64Array, ring: F64Array
) -> int:
    n = len(hi)
    quads = p - p % 4  # the ring slots summed four at a time
    # Multiplies by reciprocals: one division a bar instead of four (rounding only).
    third = 1.0 / 3.0
    inv = 1.0 / p
    scale = 0.015 * inv
    slot = 0
    t = begin
    while t < n:
        if not (math.isfinite(hi[t]) and math.isfinite(lo[t]) and math.isfinite(cl[t])):
            return t
        typical = (hi[t] + lo[t] + cl[t]) * third
        ring[slot] = typical
        slot = slot + 1 if slot + 1 < p else 0
        if t - begin >= p - 1:
            # O(p) a bar like TA-Lib (the mean deviation has no running form), but each sum
            # in four interleaved partial sums: a quarter of the add latency chain. Differs
            # from TA-Lib's one-by-one sums by rounding only.
            s0 = s1 = s2 = s3 = 0.0
            for j in range(0, quads, 4):
                s0 += ring[_u(j)]
                s1 += ring[_u(j + 1)]
                s2 += ring[_u(j + 2)]
                s3 += ring[_u(j + 3)]
            for j in range(quads, p):
                s0 += ring[_u(j)]
            average = ((s0 + s1) + (s2 + s3)) * inv
            s0 = s1 = s2 = s3 = 0.0
            for j in range(0, quads, 4):
                s0 += abs(ring[_u(j)] - average)
                s1 += abs(ring[_u(j + 1)] - average)
                s2 += abs(ring[_u(j + 2)] - average)
                s3 += abs(ring[_u(j + 3)] - average)
            for j in range(quads, p):
                s0 += abs(ring[_u(j)] - average)
            deviation = (s0 + s1) + (s2 + s3)
            distance = typical - average
            # TA-Lib's dead zone: TP within 1e-14 of the prices' size is on its mean.
            if deviation != 0.0 and abs(distance) > 1e-14 * (abs(typical) + abs(average)):
                out[t] = distance / (scale * deviation)
            else:
                out[t] = 0.0
        t += 1
    return n


@njit
def _cci(hi: F64Array, lo: F64Array, cl: F64Array, p: int) -> F64Array:
    n = len(hi)
    out = np.full(n, np.nan)
    ring = np.empty(p)
    t = _next_clean(hi, lo, cl, cl, 0)
    while t < n:
        t = _next_clean(hi, lo, cl, cl, _cci_run(hi, lo, cl, p, t, out, ring))
    return out


# --- willr --------------------------------------------------------------------------------


@njit
def _willr_span(
    hi: F64Array,
    lo: F64Array,
    cl: F64Array,
    s: int,
    e: int,
    p: int,
    out: F64Array,
    suffix: F64Array,
) -> bool:
    """%R over the clean span ``[s, e)``; True if a bar read was not finite.

    Window extremes by van Herk / Gil-Werman blocks, as :mod:`candlescan.kernels._windows`:
    a block's prefix extremes and its own suffix extremes (backwards, for the next block)
    in one pass, four independent chains a bar. ``suffix`` holds ``4 * (p + 1)`` slots:
    at offset ``prev`` (or ``cur``) a block's high suffixes, then its low ones (slot ``p``
    of each: the empty suffix). Exact, so the same extremes as TA-Lib's rescanning.
    """
    bad = False
    q = p + 1
    first = min(s + p, e)
    top = -np.inf
    bottom = np.inf
    for t in range(s, first):
        high = hi[t]
        low = lo[t]
        bad |= not math.isfinite(high + low + cl[t])
        top = high if high > top else top
        bottom = low if low < bottom else bottom
        out[t] = np.nan
    if first - s < p:
        return bad
    spread = top - bottom
    # 0/0 on a flat window reads -50, the middle (TA-Lib: 0, the overbought end).
    out[first - 1] = -100.0 * ((top - cl[first - 1]) / spread) if spread != 0.0 else -50.0
    prev = 0
    cur = 2 * q
    suffix[prev + p] = suffix[cur + p] = -np.inf
    suffix[prev + q + p] = suffix[cur + q + p] = np.inf
    m_top = -np.inf
    m_bottom = np.inf
    for j in range(p - 1, -1, -1):
        high = hi[s + j]
        low = lo[s + j]
        m_top = high if high > m_top else m_top
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
            high = hi[t]
            low = lo[t]
            close = cl[t]
            bad |= not math.isfinite(high + low + close)
            top = high if high > top else top
            bottom = low if low < bottom else bottom
            a = suffix[_u(prev + j + 1)]
            b = suffix[_u(prev + q + j + 1)]
            highest = a if a > top else top
            spread = highest - (b if b < bottom else bottom)
            out[t] = -100.0 * ((highest - close) / spread) if spread != 0.0 else -50.0
            k = _u(last - j)
            high = hi[k]
            low = lo[k]
            m_top = high if high > m_top else m_top
            m_bottom = low if low < m_bottom else m_bottom
            suffix[_u(cur + p - 1 - j)] = m_top
            suffix[_u(cur + q + p - 1 - j)] = m_bottom
        prev, cur = cur, prev
        block += p
    top = -np.inf
    bottom = np.inf
    for t in range(block, e):
        high = hi[t]
        low = lo[t]
        close = cl[t]
        bad |= not math.isfinite(high + low + close)
        top = high if high > top else top
        bottom = low if low < bottom else bottom
        a = suffix[prev + t - block + 1]
        b = suffix[prev + q + t - block + 1]
        highest = a if a > top else top
        spread = highest - (b if b < bottom else bottom)
        out[t] = -100.0 * ((highest - close) / spread) if spread != 0.0 else -50.0
    return bad


@njit
def _willr_into(hi: F64Array, lo: F64Array, cl: F64Array, p: int, out: F64Array) -> None:
    # The whole series as one span first (one read of the inputs); on a non-finite bar,
    # again span by span between the bad bars, which are NaN.
    n = len(hi)
    suffix = np.empty(4 * (p + 1))
    if not _willr_span(hi, lo, cl, 0, n, p, out, suffix):
        return
    done = 0
    while done < n:
        s = _next_clean(hi, lo, cl, cl, done)
        e = s
        while e < n and math.isfinite(hi[e]) and math.isfinite(lo[e]) and math.isfinite(cl[e]):
            e += 1
        for t in range(done, s):
            out[t] = np.nan
        _willr_span(hi, lo, cl, s, e, p, out, suffix)
        done = e


# --- mfi ----------------------------------------------------------------------------------


@njit
def _mfi_run(
    hi: F64Array,
    lo: F64Array,
    cl: F64Array,
    vol: F64Array,
    p: int,
    begin: int,
    out: F64Array,
    positive: F64Array,
    negative: F64Array,
) -> int:
    n = len(hi)
    previous = (hi[begin] + lo[begin] + cl[begin]) / 3.0
    pos_sum = 0.0
    neg_sum = 0.0
    null_run = 0  # consecutive bars without money flow: an empty window is known exactly
    slot = 0
    t = begin + 1
    while t < n:
        if not (
            math.isfinite(hi[t])
            and math.isfinite(lo[t])
            and math.isfinite(cl[t])
            and math.isfinite(vol[t])
        ):
            return t
        if t > begin + p:  # the oldest bar leaves the window
            pos_sum -= positive[slot]
            neg_sum -= negative[slot]
        typical = (hi[t] + lo[t] + cl[t]) / 3.0
        change = typical - previous
        scale = abs(typical) + abs(previous)
        previous = typical
        # TA-Lib's dead zone: a change within 1e-14 of the prices' size is no change.
        flow = 0.0 if abs(change) <= 1e-14 * scale else typical * vol[t]
        up = 0.0 if change < 0.0 else flow
        down = flow if change < 0.0 else 0.0
        positive[slot] = up
        negative[slot] = down
        pos_sum += up
        neg_sum += down
        null_run = null_run + 1 if flow == 0.0 else 0
        if null_run >= p:  # every slot is 0: drop the running sums' rounding residue
            null_run = p
            pos_sum = 0.0
            neg_sum = 0.0
        slot = slot + 1 if slot + 1 < p else 0
        if t >= begin + p:
            total = pos_sum + neg_sum
            if null_run >= p:
                out[t] = 50.0  # no money flow in the window, 0/0: neutral (TA-Lib: 0)
            elif total <= 0.0:
                out[t] = 0.0
            else:
                clamped = 0.0 if pos_sum < 0.0 else (total if pos_sum > total else pos_sum)
                out[t] = 100.0 * (clamped / total)
        t += 1
    return n


@njit
def _mfi(hi: F64Array, lo: F64Array, cl: F64Array, vol: F64Array, p: int) -> F64Array:
    n = len(hi)
    out = np.full(n, np.nan)
    positive = np.zeros(p)
    negative = np.zeros(p)
    t = _next_clean(hi, lo, cl, vol, 0)
    while t < n:
        stop = _mfi_run(hi, lo, cl, vol, p, t, out, positive, negative)
        t = _next_clean(hi, lo, cl, vol, stop)
    return out


# --- ultosc -------------------------------------------------------------------------------


@njit
def _ultosc_run(
    hi: F64Array,
    lo: F64Array,
    cl: F64Array,
    short: int,
    mid: int,
    long: int,
    begin: int,
    out: F64Array,
    pressure: F64Array,
    ranges: F64Array,
) -> int:
    n = len(hi)
    a1 = a2 = a3 = b1 = b2 = b3 = 0.0
    moved_at = -1  # the last bar with a non-zero true range: an exact test for 0/0 windows
    first = begin + long
    slot = 0  # ring slot of bar t; the bars leaving each window trail it
    pressure[long - 1] = 0.0  # the slot of bar ``first``: nothing leaves the long window
    ranges[long - 1] = 0.0
    t = begin + 1
    # Warm-up: the sums hold the windows that end at ``first - 1``, so that bar ``first``
    # enters like any later bar (the long window's leaving slot is 0).
    while t < n and t < first:
        close_prev = cl[t - 1]
        bp = cl[t] - min(lo[t], close_prev)
        tr = max(hi[t], close_prev) - min(lo[t], close_prev)
        # One test covers the bar's three inputs: a NaN or infinite high, low or close
        # makes the pressure or the range non-finite (the previous close is known clean).
        if not math.isfinite(bp + tr):
            return t
        if tr != 0.0:
            moved_at = t
        pressure[slot] = bp
        ranges[slot] = tr
        a3 += bp
        b3 += tr
        if t >= first - mid:
            a2 += bp
            b2 += tr
        if t >= first - short:
            a1 += bp
            b1 += tr
        slot += 1
        t += 1
    while t < n:
        close_prev = cl[_u(t - 1)]
        low = lo[_u(t)]
        bp = cl[_u(t)] - min(low, close_prev)
        tr = max(hi[_u(t)], close_prev) - min(low, close_prev)
        if not math.isfinite(bp + tr):
            return t
        if tr != 0.0:
            moved_at = t
        # Each sum moves by (new - leaving): one add a bar on its dependency chain
        # (rounding only vs TA-Lib's add-then-subtract).
        s1 = slot - short if slot >= short else slot - short + long
        s2 = slot - mid if slot >= mid else slot - mid + long
        a1 += bp - pressure[_u(s1)]
        b1 += tr - ranges[_u(s1)]
        a2 += bp - pressure[_u(s2)]
        b2 += tr - ranges[_u(s2)]
        a3 += bp - pressure[_u(slot)]
        b3 += tr - ranges[_u(slot)]
        pressure[_u(slot)] = bp
        ranges[_u(slot)] = tr
        if moved_at > t - short and b1 != 0.0 and b2 != 0.0 and b3 != 0.0:
            # One division instead of three: 4a1/b1 + 2a2/b2 + a3/b3 over b1*b2*b3.
            b23 = b2 * b3
            output = (4.0 * a1 * b23 + b1 * (2.0 * a2 * b3 + a3 * b2)) / (b1 * b23)
        else:
            # A window without any range is 0/0: its average reads the neutral 0.5
            # (TA-Lib drops the term, which pulls the oscillator toward 0).
            output = 0.0
            if moved_at <= t - short:
                output += 4.0 * 0.5
            elif b1 != 0.0:
                output += 4.0 * (a1 / b1)
            if moved_at <= t - mid:
                output += 2.0 * 0.5
            elif b2 != 0.0:
                output += 2.0 * (a2 / b2)
            if moved_at <= t - long:
                output += 0.5
            elif b3 != 0.0:
                output += a3 / b3
        out[_u(t)] = output * (100.0 / 7.0)  # a multiply: rounding only
        slot = slot + 1 if slot + 1 < long else 0
        t += 1
    return n


@njit
def _ultosc_into(
    hi: F64Array, lo: F64Array, cl: F64Array, p1: int, p2: int, p3: int, out: F64Array
) -> None:
    """Fill ``out`` with ULTOSC; only the warm-up and bad bars are written NaN (a full NaN
    pre-fill would be one more pass over the output)."""
    # TA-Lib sorts the periods: the shortest gets weight 4, the longest weight 1.
    short = min(p1, p2, p3)
    long = max(p1, p2, p3)
    mid = p1 + p2 + p3 - short - long
    n = len(hi)
    pressure = np.empty(long)  # rings of the last `long` bars' terms
    ranges = np.empty(long)
    done = 0
    t = _next_clean(hi, lo, cl, cl, 0)
    while t < n:
        stop = _ultosc_run(hi, lo, cl, short, mid, long, t, out, pressure, ranges)
        for i in range(done, min(t + long, stop)):  # bad bars before t, then the warm-up
            out[i] = np.nan
        done = stop
        t = _next_clean(hi, lo, cl, cl, stop)
    for i in range(done, n):
        out[i] = np.nan


# --- bop ----------------------------------------------------------------------------------


@njit
def _bop_into(op: F64Array, hi: F64Array, lo: F64Array, cl: F64Array, out: F64Array) -> None:
    n = len(op)
    for t in range(n):
        spread = hi[t] - lo[t]
        value = (cl[t] - op[t]) / spread if spread > 0.0 else 0.0
        finite = (
            math.isfinite(op[t])
            and math.isfinite(hi[t])
            and math.isfinite(lo[t])
            and math.isfinite(cl[t])
        )
        out[t] = value if finite else np.nan
