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
    slot = 0
    t = begin
    while t < n:
        if not (math.isfinite(hi[t]) and math.isfinite(lo[t]) and math.isfinite(cl[t])):
            return t
        typical = (hi[t] + lo[t] + cl[t]) / 3
        ring[slot] = typical
        slot = slot + 1 if slot + 1 < p else 0
        if t - begin >= p - 1:
            # TA-Lib sums the ring in slot order, not bar order; matching it matters when
            # the distance to the mean is tiny and the ratio amplifies rounding.
            average = 0.0
            for j in range(p):
                average += ring[j]
            average /= p
            deviation = 0.0
            for j in range(p):
                deviation += abs(ring[j] - average)
            distance = typical - average
            # TA-Lib's dead zone: TP within 1e-14 of the prices' size is on its mean.
            if deviation != 0.0 and abs(distance) > 1e-14 * (abs(typical) + abs(average)):
                out[t] = distance / (0.015 * (deviation / p))
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
def _willr_run(
    hi: F64Array,
    lo: F64Array,
    cl: F64Array,
    p: int,
    begin: int,
    out: F64Array,
    suffix_high: F64Array,
    suffix_low: F64Array,
) -> int:
    """Window extremes by van Herk / Gil-Werman blocks: O(1) a bar, whatever the data.

    The run is cut into blocks of ``p`` bars. The window ending at bar ``j`` of a block is
    the block's prefix up to ``j`` plus the previous block's suffix from ``j + 1``; suffix
    extremes are computed backwards once per block (``suffix_*`` hold ``p + 1`` values, the
    last one empty). Max and min are exact, so the values equal TA-Lib's rescanning scheme,
    which costs a rescan whenever an extreme leaves the window (2-3x slower here).
    """
    n = len(hi)
    suffix_high[p] = -np.inf
    suffix_low[p] = np.inf
    block = begin
    stop = min(begin + p, n)
    prefix_high = -np.inf
    prefix_low = np.inf
    first = True
    while True:
        for t in range(block, stop):
            high = hi[t]
            low = lo[t]
            close = cl[t]
            if not (math.isfinite(high) and math.isfinite(low) and math.isfinite(close)):
                return t
            prefix_high = high if high > prefix_high else prefix_high
            prefix_low = low if low < prefix_low else prefix_low
            if first and t < begin + p - 1:
                continue  # the first block only completes the first window
            j = t - block + 1
            x = suffix_high[j]
            y = suffix_low[j]
            highest = x if x > prefix_high else prefix_high
            lowest = y if y < prefix_low else prefix_low
            spread = highest - lowest
            # 0/0 on a flat window reads -50, the middle (TA-Lib: 0, the overbought end).
            out[t] = -100.0 * ((highest - close) / spread) if spread != 0.0 else -50.0
        if stop >= n:
            return n
        first = False
        most = -np.inf  # suffix extremes of the block just finished, backwards
        least = np.inf
        for k in range(p - 1, -1, -1):
            x = hi[block + k]
            y = lo[block + k]
            most = x if x > most else most
            least = y if y < least else least
            suffix_high[k] = most
            suffix_low[k] = least
        block = stop
        stop = min(block + p, n)
        prefix_high = -np.inf
        prefix_low = np.inf


@njit
def _willr(hi: F64Array, lo: F64Array, cl: F64Array, p: int) -> F64Array:
    n = len(hi)
    out = np.full(n, np.nan)
    suffix_high = np.empty(p + 1)
    suffix_low = np.empty(p + 1)
    t = _next_clean(hi, lo, cl, cl, 0)
    while t < n:
        stop = _willr_run(hi, lo, cl, p, t, out, suffix_high, suffix_low)
        t = _next_clean(hi, lo, cl, cl, stop)
    return out


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
    t = begin + 1
    while t < n:
        close_prev = cl[t - 1]
        bp = cl[t] - min(lo[t], close_prev)
        tr = hi[t] - lo[t]
        gap = abs(close_prev - hi[t])
        if gap > tr:
            tr = gap
        gap = abs(close_prev - lo[t])
        if gap > tr:
            tr = gap
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
        if t < first:  # warm-up: the shorter windows take only their last bars
            if t > first - mid:
                a2 += bp
                b2 += tr
            if t > first - short:
                a1 += bp
                b1 += tr
        else:
            a2 += bp
            b2 += tr
            a1 += bp
            b1 += tr
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
            out[t] = 100.0 * (output / 7.0)
            # Remove the bars that leave each window before the next bar.
            s = slot - short + 1
            s = s + long if s < 0 else s
            a1 -= pressure[s]
            b1 -= ranges[s]
            s = slot - mid + 1
            s = s + long if s < 0 else s
            a2 -= pressure[s]
            b2 -= ranges[s]
            s = slot + 1 if slot + 1 < long else 0
            a3 -= pressure[s]
            b3 -= ranges[s]
        slot = slot + 1 if slot + 1 < long else 0
        t += 1
    return n


@njit
def _ultosc(hi: F64Array, lo: F64Array, cl: F64Array, p1: int, p2: int, p3: int) -> F64Array:
    # TA-Lib sorts the periods: the shortest gets weight 4, the longest weight 1.
    short = min(p1, p2, p3)
    long = max(p1, p2, p3)
    mid = p1 + p2 + p3 - short - long
    n = len(hi)
    out = np.full(n, np.nan)
    pressure = np.zeros(long)  # rings of the last `long` bars' terms
    ranges = np.zeros(long)
    t = _next_clean(hi, lo, cl, cl, 0)
    while t < n:
        stop = _ultosc_run(hi, lo, cl, short, mid, long, t, out, pressure, ranges)
        t = _next_clean(hi, lo, cl, cl, stop)
    return out


# --- bop ----------------------------------------------------------------------------------


@njit
def _bop(op: F64Array, hi: F64Array, lo: F64Array, cl: F64Array) -> F64Array:
    n = len(op)
    out = np.empty(n)
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
    return out
