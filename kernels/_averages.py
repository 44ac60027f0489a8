"""Compiled moving-average loops shared by the kernel families, and the ``_ma`` dispatcher.

Private module: the public, documented kernels are in :mod:`candlescan.kernels.overlap`.
Other families call :func:`_ma` (and :func:`_ma_lookback`) from their own ``@njit`` code
to apply TA-Lib's ``matype`` moving averages (stoch, macdext, apo, ppo, bbands ...).

NaN rule, common to every loop here: the input is cut into runs of consecutive non-NaN
bars and each run is computed exactly as TA-Lib computes a whole series (same seeding,
same warm-up of ``lookback`` bars); NaN bars stay NaN. On finite input this is TA-Lib.
Because warm-up positions are NaN, chaining (an average of an average) re-seeds the
outer average at the first valid value of the inner one, exactly as TA-Lib's composite
functions do.

Speed: the public paths use single-pass ``*_from`` loops that find the end of a clean run
while computing (no separate NaN scan, no NaN pre-fill of the output): each writes
``out[s:e]`` completely, warm-up NaNs included, and returns ``e``, the index of the NaN
that ended the run (or ``len(x)``). The ``*_run(x, s, e, ...)`` forms are kept for other
families that drive their own runs.
"""

from __future__ import annotations

import math

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._filters import _kama, _t3, _trima
from candlescan.kernels._filters import _next_run as _next_run
from candlescan.kernels._mama import MAMA_LOOKBACK, _mama_only
from candlescan.kernels._meta import F64Array
from candlescan.kernels._runs import _fma
from candlescan.kernels._unsigned import _u

#: TA-Lib's ``TA_MAType`` codes accepted by :func:`_ma` (0..13).
MA_TYPES: dict[int, str] = {
    0: "SMA",
    1: "EMA",
    2: "WMA",
    3: "DEMA",
    4: "TEMA",
    5: "TRIMA",
    6: "KAMA",
    7: "MAMA",
    8: "T3",
    9: "HMA",
    10: "identity (no moving average)",
    11: "the function's own default (SMA in _ma)",
    12: "ZLEMA",
    13: "RMA (Wilder)",
}
MA_TYPE_MAX = 13


# --- SMA / EMA / RMA ----------------------------------------------------------------------


@njit
def _sma_run(x: F64Array, s: int, e: int, period: int, out: F64Array) -> None:
    # TA-Lib's running sum: add the new bar, emit, then drop the oldest one.
    if e - s < period:
        return
    total = 0.0
    for i in range(s, s + period - 1):
        total += x[i]
    trailing = s
    for i in range(s + period - 1, e):
        total += x[i]
        out[i] = total / period
        total -= x[trailing]
        trailing += 1


@njit
def _sma_from(x: F64Array, s: int, period: int, out: F64Array) -> int:
    # Running sum stepped by ``x[t] - x[t-n]`` (the difference is off the dependency
    # chain: one add a bar instead of TA-Lib's two) and a multiply by 1/n instead of a
    # division: ~2x faster; differs from TA-Lib's ``ta_SMA.c`` by rounding only (~1e-13
    # relative after 10^6 bars).
    n = len(x)
    inv = 1.0 / period
    total = 0.0
    i = s
    while i < n and i < s + period:
        value = x[i]
        if np.isnan(value):
            return i
        total += value
        out[i] = np.nan
        i += 1
    if i < s + period:
        return n
    out[i - 1] = total * inv
    while i < n:
        value = x[_u(i)]
        if np.isnan(value):
            return i
        total += value - x[_u(i - period)]
        out[_u(i)] = total * inv
        i += 1
    return n


@njit
def _sma_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    n = len(real)
    i = 0
    while i < n:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
        else:
            i = _sma_from(real, i, timeperiod, out)


@njit
def _sma(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _sma_into(real, timeperiod, out)
    return out


@njit
def _ema_run(x: F64Array, s: int, e: int, period: int, k: float, out: F64Array) -> None:
    # Seeded with the SMA of the first ``period`` bars, then ``prev + k*(x - prev)`` (fused).
    if e - s < period:
        return
    total = 0.0
    for i in range(s, s + period):
        total += x[i]
    prev = total / period
    out[s + period - 1] = prev
    for i in range(s + period, e):
        prev = _fma(x[i] - prev, k, prev)
        out[i] = prev


@njit
def _ema_from(x: F64Array, s: int, period: int, k: float, out: F64Array) -> int:
    n = len(x)
    total = 0.0
    i = s
    while i < n and i < s + period:
        value = x[i]
        if np.isnan(value):
            return i
        total += value
        out[i] = np.nan
        i += 1
    if i < s + period:
        return n
    prev = total / period
    out[i - 1] = prev
    # Stepped as fma(prev, 1-k, k*x): one fused operation on the dependency chain (TA-Lib's
    # (x - prev)*k + prev puts a subtraction before it); differs by rounding only
    # (~1e-16 relative: the recursion is contractive).
    keep = 1.0 - k
    while i < n:
        value = x[_u(i)]
        if np.isnan(value):
            return i
        prev = _fma(prev, keep, value * k)
        out[_u(i)] = prev
        i += 1
    return n


@njit
def _ema_k_into(real: F64Array, timeperiod: int, k: float, out: F64Array) -> None:
    n = len(real)
    i = 0
    while i < n:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
        else:
            i = _ema_from(real, i, timeperiod, k, out)


@njit
def _ema_k(real: F64Array, timeperiod: int, k: float) -> F64Array:
    """EMA with an explicit smoothing factor ``k`` (SMA seed over ``timeperiod`` bars)."""
    out = np.empty(len(real))
    _ema_k_into(real, timeperiod, k, out)
    return out


@njit
def _ema_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    _ema_k_into(real, timeperiod, 2.0 / (timeperiod + 1), out)


@njit
def _ema(real: F64Array, timeperiod: int) -> F64Array:
    return _ema_k(real, timeperiod, 2.0 / (timeperiod + 1))


@njit
def _rma_run(x: F64Array, s: int, e: int, period: int, out: F64Array) -> None:
    # Wilder: SMA seed, then ``(prev*(n-1) + x) / n`` as in TA-Lib's RSI/ATR smoothing.
    if e - s < period:
        return
    total = 0.0
    for i in range(s, s + period):
        total += x[i]
    prev = total / period
    out[s + period - 1] = prev
    # fma(prev, (n-1)/n, x/n): no division on the recursion's dependency chain (TA-Lib's
    # ``(prev*(n-1) + x) / n`` has one); rounding only, ~1e-15 relative, contractive.
    k = 1.0 / period
    keep = (period - 1.0) / period
    for i in range(s + period, e):
        prev = _fma(prev, keep, x[i] * k)
        out[i] = prev


@njit
def _rma_from(x: F64Array, s: int, period: int, out: F64Array) -> int:
    # Wilder's average: the SMA-seeded EMA with k = 1/n, stepped as
    # fma(prev, (n-1)/n, x/n): one fused operation in the recurrence (x/n is off the
    # chain). Differs from TA-Lib's RMA by rounding only (~1e-15 relative, contractive).
    n = len(x)
    k = 1.0 / period
    keep = (period - 1.0) / period
    total = 0.0
    i = s
    while i < n and i < s + period:
        value = x[i]
        if np.isnan(value):
            return i
        total += value
        out[i] = np.nan
        i += 1
    if i < s + period:
        return n
    prev = total / period
    out[i - 1] = prev
    # Two bars a step: prev(t+2) = fma(prev(t), keep^2, fma(x(t+1)k, keep, x(t+2)k)) puts
    # one fused operation per two bars on the chain; prev(t+1) branches off it.
    keep2 = keep * keep
    while i + 1 < n:
        first = x[_u(i)]
        second = x[_u(i + 1)]
        if np.isnan(first + second):
            break
        step = first * k
        out[_u(i)] = _fma(prev, keep, step)
        prev = _fma(prev, keep2, _fma(step, keep, second * k))
        out[_u(i + 1)] = prev
        i += 2
    while i < n:
        value = x[i]
        if np.isnan(value):
            return i
        prev = _fma(prev, keep, value * k)
        out[i] = prev
        i += 1
    return n


@njit
def _rma_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    n = len(real)
    i = 0
    while i < n:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
        else:
            i = _rma_from(real, i, timeperiod, out)


@njit
def _rma(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _rma_into(real, timeperiod, out)
    return out


# --- WMA / HMA ----------------------------------------------------------------------------


_RESYNC = 128  # bars between exact re-sums of a running window sum: drift stays ~1e-14


@njit
def _wma_sums(x: F64Array, first: int, period: int) -> tuple[float, float]:
    """Exact ``(sum, weighted sum)`` of the window ``x[first:first+period]`` (weights 1..n)."""
    plain = 0.0
    weighted = 0.0
    for j in range(period):
        value = x[first + j]
        plain += value
        weighted += value * (j + 1)
    return plain, weighted


@njit
def _wma_from(x: F64Array, s: int, period: int, out: F64Array) -> int:
    # O(1) update of the weighted sum (add n*x[t], subtract the previous plain sum: every
    # weight moves down by one), re-synchronised with an exact O(n) sum every
    # ``_RESYNC`` bars (at least n). TA-Lib 0.8's WMA does not drift (it agrees with the
    # exact sums to ~1e-14 after 3e5 bars, where the plain running update of ta_WMA.c is
    # ~1e-9 away), so neither may this.
    n = len(x)
    divider = (period * (period + 1)) // 2
    i = s
    while i < n and i < s + period - 1:
        if np.isnan(x[i]):
            return i
        out[i] = np.nan
        i += 1
    inv = 1.0 / divider  # a multiply, not a division, per bar (rounding only)
    every = period if period > _RESYNC else _RESYNC
    while i < n:
        if np.isnan(x[i]):
            return i
        plain, weighted = _wma_sums(x, i - period + 1, period)
        out[i] = weighted * inv
        stop = i + every if i + every < n else n
        for t in range(i + 1, stop):
            value = x[_u(t)]
            if np.isnan(value):
                return t
            # One add a bar on each sum's dependency chain; the rest is computed aside.
            weighted += value * period - plain
            plain += value - x[_u(t - period)]
            out[_u(t)] = weighted * inv
        i = stop
    return n


@njit
def _wma_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    n = len(real)
    i = 0
    while i < n:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
        else:
            i = _wma_from(real, i, timeperiod, out)


@njit
def _wma(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _wma_into(real, timeperiod, out)
    return out


@njit
def _hma_periods(timeperiod: int) -> tuple[int, int]:
    """``(n // 2, floor(sqrt(n)))``, each at least 1 (a 1-bar WMA is the identity)."""
    half = max(timeperiod // 2, 1)
    root = max(int(math.sqrt(timeperiod)), 1)  # sqrt of a square is exact: floor
    return half, root


@njit
def _hma_from(
    x: F64Array, s: int, half: int, period: int, root: int, ring: F64Array, out: F64Array
) -> int:
    # One pass, three WMAs (see _wma_from, re-synchronised the same way): WMA(x, half)
    # and WMA(x, period) give raw = 2*fast - slow, and WMA(raw, root) keeps its window of
    # raw values in a ring of ``root`` slots instead of a full-length temporary.
    n = len(x)
    # Reciprocals of the WMA dividers: a multiply, not a division, per bar (rounding only).
    inv_f = 1.0 / ((half * (half + 1)) // 2)
    inv_s = 1.0 / ((period * (period + 1)) // 2)
    inv_r = 1.0 / ((root * (root + 1)) // 2)
    plain_f = weighted_f = plain_s = weighted_s = plain_r = weighted_r = 0.0
    countdown = 0  # one re-sync clock for the two WMAs over x
    count_r = 0
    slot = 0  # ring slot for the next raw value; after a store it is the oldest
    for i in range(s, n):
        value = x[_u(i)]
        if np.isnan(value):
            return i
        age = i - s
        if age < period - 1:  # period >= half: nothing to emit before the slow WMA
            out[i] = np.nan
            continue
        if countdown == 0:
            plain_f, weighted_f = _wma_sums(x, i - half + 1, half)
            plain_s, weighted_s = _wma_sums(x, i - period + 1, period)
            countdown = period if period > _RESYNC else _RESYNC
        else:  # one add a bar on each sum's chain, as _wma_from
            weighted_f += value * half - plain_f
            plain_f += value - x[_u(i - half)]
            weighted_s += value * period - plain_s
            plain_s += value - x[_u(i - period)]
        countdown -= 1
        raw = 2.0 * (weighted_f * inv_f) - weighted_s * inv_s
        leaving = ring[_u(slot)]  # the raw value that leaves the root window (once full)
        ring[_u(slot)] = raw
        slot = slot + 1 if slot + 1 < root else 0
        raw_age = age - (period - 1)
        if raw_age < root - 1:
            out[i] = np.nan
            continue
        if count_r == 0:
            plain_r = 0.0
            weighted_r = 0.0
            for j in range(root):  # oldest first: the ring from ``slot`` on
                r = ring[slot + j if slot + j < root else slot + j - root]
                plain_r += r
                weighted_r += r * (j + 1)
            count_r = root if root > _RESYNC else _RESYNC
        else:
            weighted_r += raw * root - plain_r
            plain_r += raw - leaving
        count_r -= 1
        out[_u(i)] = weighted_r * inv_r
    return n


@njit
def _hma_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    half, root = _hma_periods(timeperiod)
    ring = np.empty(root)
    n = len(real)
    i = 0
    while i < n:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
        else:
            i = _hma_from(real, i, half, timeperiod, root, ring, out)


@njit
def _hma(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _hma_into(real, timeperiod, out)
    return out


# --- DEMA / TEMA / ZLEMA: EMA chains in one pass ---------------------------------------------


@njit
def _ema_chain(real: F64Array, timeperiod: int, levels: int, out: F64Array) -> None:
    """DEMA (``levels=2``) or TEMA (``levels=3``) in one pass per clean run.

    Each EMA level is seeded, like TA-Lib's chained calls, with the mean of the first
    ``n`` values of the level below, so level ``j`` starts ``j*(n-1)`` bars into a run.
    Running the levels side by side overlaps their dependency chains.
    """
    size = len(real)
    n = timeperiod
    k = 2.0 / (n + 1)
    i = 0
    while i < size:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
            continue
        s = i
        e1 = e2 = e3 = 0.0
        sum1 = sum2 = sum3 = 0.0
        while i < size and not np.isnan(real[i]):
            age = i - s  # bars since the run started
            value = real[i]
            result = np.nan
            if age < n:
                sum1 += value
                if age == n - 1:
                    e1 = sum1 / n
            else:
                e1 = _fma(value - e1, k, e1)
            if age >= n - 1:
                if age < 2 * n - 1:
                    sum2 += e1
                    if age == 2 * n - 2:
                        e2 = sum2 / n
                else:
                    e2 = _fma(e1 - e2, k, e2)
                if age >= 2 * n - 2:
                    if levels == 2:
                        result = 2.0 * e1 - e2
                    elif age < 3 * n - 2:
                        sum3 += e2
                        if age == 3 * n - 3:
                            e3 = sum3 / n
                            result = 3.0 * e1 - 3.0 * e2 + e3
                    else:
                        e3 = _fma(e2 - e3, k, e3)
                        result = 3.0 * e1 - 3.0 * e2 + e3
            out[i] = result
            i += 1


@njit
def _dema_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    _ema_chain(real, timeperiod, 2, out)


@njit
def _dema(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _ema_chain(real, timeperiod, 2, out)
    return out


@njit
def _tema_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    _ema_chain(real, timeperiod, 3, out)


@njit
def _tema(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _ema_chain(real, timeperiod, 3, out)
    return out


@njit
def _zlema_from(x: F64Array, s: int, period: int, out: F64Array) -> int:
    # EMA of the de-lagged series d[t] = 2*x[t] - x[t-lag], lag = (n-1)//2 (TA-Lib's
    # ZLEMA), formed on the fly: d starts ``lag`` bars into the clean run (it needs
    # x[t-lag]) and the EMA seeds with the mean of its first n values.
    size = len(x)
    lag = (period - 1) // 2
    k = 2.0 / (period + 1)
    seed_end = s + lag + period  # first bar after the seed window
    total = 0.0
    i = s
    while i < size and i < seed_end:
        value = x[i]
        if np.isnan(value):
            return i
        if i >= s + lag:
            total += 2.0 * value - x[i - lag]
        out[i] = np.nan
        i += 1
    if i < seed_end:
        return size
    prev = total / period
    out[i - 1] = prev
    while i < size:
        value = x[i]
        if np.isnan(value):
            return i
        prev = _fma((2.0 * value - x[i - lag]) - prev, k, prev)
        out[i] = prev
        i += 1
    return size


@njit
def _zlema_into(real: F64Array, timeperiod: int, out: F64Array) -> None:
    n = len(real)
    i = 0
    while i < n:
        if np.isnan(real[i]):
            out[i] = np.nan
            i += 1
        else:
            i = _zlema_from(real, i, timeperiod, out)


@njit
def _zlema(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(len(real))
    _zlema_into(real, timeperiod, out)
    return out


# --- the matype dispatcher ------------------------------------------------------------------


@njit
def _ma(real: F64Array, timeperiod: int, matype: int) -> F64Array:
    """TA-Lib's ``TA_MA``: the moving average of type ``matype``, callable from ``@njit`` code.

    Signature: ``_ma(real: float64[:], timeperiod: int, matype: int) -> float64[:]`` (a new
    array of ``len(real)``; ``real`` is not modified). ``matype`` is TA-Lib's code, see
    :data:`MA_TYPES`: 0 SMA, 1 EMA, 2 WMA, 3 DEMA, 4 TEMA, 5 TRIMA, 6 KAMA, 7 MAMA
    (fastlimit 0.5, slowlimit 0.05), 8 T3 (vfactor 0.7), 9 HMA, 10 identity, 11 SMA (a
    caller whose TA-Lib default differs must map 11 itself), 12 ZLEMA, 13 RMA.
    ``timeperiod == 1`` returns a copy of ``real`` for every type, as TA-Lib does. The
    caller validates the parameters (``timeperiod >= 1``, ``0 <= matype <= 13``); an
    unknown ``matype`` raises ``ValueError``. Leading/interior NaNs follow the module's
    run rule, so ``_ma`` of an indicator's output (NaN warm-up first) seeds at its
    first valid value, like TA-Lib's composite functions. Lookback:
    :func:`_ma_lookback`.
    """
    if timeperiod == 1 or matype == 10:
        return real.copy()
    if matype == 0 or matype == 11:
        return _sma(real, timeperiod)
    if matype == 1:
        return _ema(real, timeperiod)
    if matype == 2:
        return _wma(real, timeperiod)
    if matype == 3:
        return _dema(real, timeperiod)
    if matype == 4:
        return _tema(real, timeperiod)
    if matype == 5:
        return _trima(real, timeperiod)
    if matype == 6:
        return _kama(real, timeperiod)
    if matype == 7:
        return _mama_only(real)
    if matype == 8:
        return _t3(real, timeperiod, 0.7)
    if matype == 9:
        return _hma(real, timeperiod)
    if matype == 12:
        return _zlema(real, timeperiod)
    if matype == 13:
        return _rma(real, timeperiod)
    raise ValueError("matype must be between 0 and 13")


def _ma_lookback(timeperiod: int, matype: int) -> int:
    """TA-Lib's ``TA_MA_Lookback``: leading NaNs of :func:`_ma` on clean input."""
    if timeperiod == 1 or matype == 10:
        return 0
    if matype in (3,):
        return 2 * (timeperiod - 1)
    if matype == 4:
        return 3 * (timeperiod - 1)
    if matype == 6:
        return timeperiod
    if matype == 7:
        return MAMA_LOOKBACK
    if matype == 8:
        return 6 * (timeperiod - 1)
    if matype == 9:
        return timeperiod + _hma_periods(timeperiod)[1] - 2
    if matype == 12:
        return (timeperiod - 1) // 2 + timeperiod - 1
    return timeperiod - 1
