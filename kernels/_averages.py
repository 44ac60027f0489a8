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
"""

from __future__ import annotations

import math

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array

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


@njit
def _next_run(x: F64Array, start: int) -> tuple[int, int]:
    """``(s, e)``: the first run ``x[s:e]`` of non-NaN values at or after ``start``."""
    n = len(x)
    s = start
    while s < n and np.isnan(x[s]):
        s += 1
    e = s
    while e < n and not np.isnan(x[e]):
        e += 1
    return s, e


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
def _sma(real: F64Array, timeperiod: int) -> F64Array:
    out = np.full(len(real), np.nan)
    s, e = _next_run(real, 0)
    while s < len(real):
        _sma_run(real, s, e, timeperiod, out)
        s, e = _next_run(real, e)
    return out


@njit
def _ema_run(x: F64Array, s: int, e: int, period: int, k: float, out: F64Array) -> None:
    # Seeded with the SMA of the first ``period`` bars, then ``prev + k*(x - prev)``.
    if e - s < period:
        return
    total = 0.0
    for i in range(s, s + period):
        total += x[i]
    prev = total / period
    out[s + period - 1] = prev
    for i in range(s + period, e):
        prev = (x[i] - prev) * k + prev
        out[i] = prev


@njit
def _ema_k(real: F64Array, timeperiod: int, k: float) -> F64Array:
    """EMA with an explicit smoothing factor ``k`` (SMA seed over ``timeperiod`` bars)."""
    out = np.full(len(real), np.nan)
    s, e = _next_run(real, 0)
    while s < len(real):
        _ema_run(real, s, e, timeperiod, k, out)
        s, e = _next_run(real, e)
    return out


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
    for i in range(s + period, e):
        prev = (prev * (period - 1) + x[i]) / period
        out[i] = prev


@njit
def _rma(real: F64Array, timeperiod: int) -> F64Array:
    out = np.full(len(real), np.nan)
    s, e = _next_run(real, 0)
    while s < len(real):
        _rma_run(real, s, e, timeperiod, out)
        s, e = _next_run(real, e)
    return out


# --- WMA / HMA ----------------------------------------------------------------------------


@njit
def _wma_run(x: F64Array, s: int, e: int, period: int, out: F64Array) -> None:
    # Running weighted sum: adding n*x[t] and then subtracting the plain window sum
    # shifts every weight down by one (TA-Lib's O(1) update).
    if e - s < period:
        return
    divider = (period * (period + 1)) // 2
    plain = 0.0
    weighted = 0.0
    for j in range(period - 1):
        value = x[s + j]
        plain += value
        weighted += value * (j + 1)
    trailing_value = 0.0
    trailing = s
    for i in range(s + period - 1, e):
        value = x[i]
        plain += value
        plain -= trailing_value
        weighted += value * period
        trailing_value = x[trailing]
        trailing += 1
        out[i] = weighted / divider
        weighted -= plain


@njit
def _wma(real: F64Array, timeperiod: int) -> F64Array:
    out = np.full(len(real), np.nan)
    s, e = _next_run(real, 0)
    while s < len(real):
        _wma_run(real, s, e, timeperiod, out)
        s, e = _next_run(real, e)
    return out


@njit
def _hma_periods(timeperiod: int) -> tuple[int, int]:
    """``(n // 2, floor(sqrt(n)))``, each at least 1 (a 1-bar WMA is the identity)."""
    half = max(timeperiod // 2, 1)
    root = max(int(math.sqrt(timeperiod)), 1)  # sqrt of a square is exact: floor
    return half, root


@njit
def _hma(real: F64Array, timeperiod: int) -> F64Array:
    half, root = _hma_periods(timeperiod)
    fast = _wma(real, half)
    slow = _wma(real, timeperiod)
    raw = np.empty(len(real))
    for i in range(len(real)):
        raw[i] = 2.0 * fast[i] - slow[i]
    return _wma(raw, root)


# --- DEMA / TEMA / ZLEMA ------------------------------------------------------------------


@njit
def _dema(real: F64Array, timeperiod: int) -> F64Array:
    first = _ema(real, timeperiod)
    second = _ema(first, timeperiod)
    out = np.empty(len(real))
    for i in range(len(real)):
        out[i] = 2.0 * first[i] - second[i]
    return out


@njit
def _tema(real: F64Array, timeperiod: int) -> F64Array:
    first = _ema(real, timeperiod)
    second = _ema(first, timeperiod)
    third = _ema(second, timeperiod)
    out = np.empty(len(real))
    for i in range(len(real)):
        out[i] = 3.0 * first[i] - 3.0 * second[i] + third[i]
    return out


@njit
def _zlema(real: F64Array, timeperiod: int) -> F64Array:
    # EMA of the de-lagged series 2*x[t] - x[t-lag], lag = (n-1)//2 (TA-Lib's ZLEMA).
    lag = (timeperiod - 1) // 2
    shifted = np.full(len(real), np.nan)
    for i in range(lag, len(real)):
        shifted[i] = 2.0 * real[i] - real[i - lag]
    return _ema(shifted, timeperiod)


# --- TRIMA --------------------------------------------------------------------------------


@njit
def _trima_run(x: F64Array, s: int, e: int, period: int, out: F64Array) -> None:
    # Triangular weights 1,2,..,peak,..,2,1 kept as three running sums (TA-Lib's scheme):
    # ``left`` = sum of the rising half, ``right`` = sum of the falling half.
    if e - s < period:
        return
    half = period >> 1
    odd = period % 2 == 1
    if odd:
        factor = 1.0 / ((half + 1) * (half + 1))
        middle = s + half
    else:
        factor = 1.0 / (half * (half + 1))
        middle = s + half - 1
    today = middle + half
    numerator = 0.0
    left = 0.0
    for i in range(middle, s - 1, -1):
        left += x[i]
        numerator += left
    right = 0.0
    middle += 1
    for i in range(middle, today + 1):
        right += x[i]
        numerator += right
    out[today] = numerator * factor
    leaving = x[s]
    trailing = s + 1
    today += 1
    while today < e:
        numerator -= left
        left -= leaving
        value = x[middle]
        middle += 1
        left += value
        if odd:
            numerator += right
            right -= value
        else:
            right -= value
            numerator += right
        value = x[today]
        right += value
        numerator += value
        out[today] = numerator * factor
        today += 1
        leaving = x[trailing]
        trailing += 1


@njit
def _trima(real: F64Array, timeperiod: int) -> F64Array:
    out = np.full(len(real), np.nan)
    s, e = _next_run(real, 0)
    while s < len(real):
        _trima_run(real, s, e, timeperiod, out)
        s, e = _next_run(real, e)
    return out


# --- KAMA ---------------------------------------------------------------------------------

_KAMA_SLOW = 2.0 / (30.0 + 1.0)
_KAMA_SPAN = 2.0 / (2.0 + 1.0) - _KAMA_SLOW
_TA_EPSILON = 1e-14  # TA-Lib's TA_IS_ZERO threshold


@njit
def _kama_step(prev: float, value: float, change: float, volatility: float) -> float:
    # Efficiency ratio; TA-Lib compares the *signed* change with the volatility sum.
    if volatility <= change or (-_TA_EPSILON < volatility < _TA_EPSILON):
        ratio = 1.0
    else:
        ratio = abs(change / volatility)
    sc = ratio * _KAMA_SPAN + _KAMA_SLOW
    sc *= sc
    return (value - prev) * sc + prev


@njit
def _kama_run(x: F64Array, s: int, e: int, period: int, out: F64Array) -> None:
    if e - s < period + 1:
        return
    volatility = 0.0
    for i in range(s, s + period):
        volatility += abs(x[i] - x[i + 1])
    today = s + period
    prev = _kama_step(x[today - 1], x[today], x[today] - x[s], volatility)
    out[today] = prev
    trailing = s + 1
    for today in range(s + period + 1, e):
        volatility -= abs(x[trailing - 1] - x[trailing])
        volatility += abs(x[today] - x[today - 1])
        prev = _kama_step(prev, x[today], x[today] - x[trailing], volatility)
        out[today] = prev
        trailing += 1


@njit
def _kama(real: F64Array, timeperiod: int) -> F64Array:
    out = np.full(len(real), np.nan)
    s, e = _next_run(real, 0)
    while s < len(real):
        _kama_run(real, s, e, timeperiod, out)
        s, e = _next_run(real, e)
    return out


# --- T3 -----------------------------------------------------------------------------------


@njit
def _t3_run(x: F64Array, s: int, e: int, period: int, vfactor: float, out: F64Array) -> None:
    # Six chained EMAs; each is seeded with the mean of its first ``period`` inputs, so
    # the first output needs 6*(period-1) + 1 bars (TA-Lib's T3).
    lookback = 6 * (period - 1)
    if e - s <= lookback:
        return
    k = 2.0 / (period + 1.0)
    k1 = 1.0 - k
    ema = np.zeros(6)
    today = s
    total = 0.0
    for _ in range(period):
        total += x[today]
        today += 1
    ema[0] = total / period
    for level in range(1, 6):
        total = ema[level - 1]
        for _ in range(period - 1):
            ema[0] = k * x[today] + k1 * ema[0]
            for j in range(1, level):
                ema[j] = k * ema[j - 1] + k1 * ema[j]
            total += ema[level - 1]
            today += 1
        ema[level] = total / period
    v2 = vfactor * vfactor
    c1 = -(v2 * vfactor)
    c2 = 3.0 * (v2 - c1)
    c3 = -6.0 * v2 - 3.0 * (vfactor - c1)
    c4 = 1.0 + 3.0 * vfactor - c1 + 3.0 * v2
    out[today - 1] = c1 * ema[5] + c2 * ema[4] + c3 * ema[3] + c4 * ema[2]
    for i in range(today, e):
        e1 = k * x[i] + k1 * ema[0]
        e2 = k * e1 + k1 * ema[1]
        e3 = k * e2 + k1 * ema[2]
        e4 = k * e3 + k1 * ema[3]
        e5 = k * e4 + k1 * ema[4]
        e6 = k * e5 + k1 * ema[5]
        ema[0] = e1
        ema[1] = e2
        ema[2] = e3
        ema[3] = e4
        ema[4] = e5
        ema[5] = e6
        out[i] = c1 * e6 + c2 * e5 + c3 * e4 + c4 * e3


@njit
def _t3(real: F64Array, timeperiod: int, vfactor: float) -> F64Array:
    out = np.full(len(real), np.nan)
    s, e = _next_run(real, 0)
    while s < len(real):
        _t3_run(real, s, e, timeperiod, vfactor, out)
        s, e = _next_run(real, e)
    return out


# --- MAMA ---------------------------------------------------------------------------------

MAMA_LOOKBACK = 32
_RAD2DEG = 180.0 / math.pi


@njit
def _hilbert(
    buf: F64Array,
    prev: F64Array,
    prev_in: F64Array,
    var: int,
    par: int,
    idx: int,
    value: float,
    adjust: float,
) -> float:
    # Ehlers' 7-tap Hilbert FIR (0.0962, 0.5769) as TA-Lib runs it: odd and even bars keep
    # separate 3-slot buffers, and the result is scaled by 0.075*period + 0.54.
    scaled = 0.0962 * value
    out: float = -buf[var, par, idx]
    buf[var, par, idx] = scaled
    out += scaled
    out -= prev[var, par]
    prev[var, par] = 0.5769 * prev_in[var, par]
    out += prev[var, par]
    prev_in[var, par] = value
    return out * adjust


@njit
def _mama_run(
    x: F64Array, s: int, e: int, fast: float, slow: float, mama_out: F64Array, fama_out: F64Array
) -> None:
    if e - s <= MAMA_LOOKBACK:
        return
    # 4-bar WMA (weights 1..4 / 10) of the price, primed on the first 12 bars.
    wma_sub = x[s] + x[s + 1] + x[s + 2]
    wma_sum = x[s] + x[s + 1] * 2.0 + x[s + 2] * 3.0
    trailing_value = 0.0
    trailing = s
    for today in range(s + 3, s + 12):
        wma_sub += x[today] - trailing_value
        wma_sum += x[today] * 4.0
        trailing_value = x[trailing]
        trailing += 1
        wma_sum -= wma_sub
    buf = np.zeros((4, 2, 3))
    prev = np.zeros((4, 2))
    prev_in = np.zeros((4, 2))
    hidx = 0
    period = prev_i2 = prev_q2 = re = im = mama = fama = 0.0
    odd_prev3 = even_prev3 = odd_prev2 = even_prev2 = prev_phase = 0.0
    for today in range(s + 12, e):
        adjust = 0.075 * period + 0.54
        price = x[today]
        wma_sub += price - trailing_value
        wma_sum += price * 4.0
        trailing_value = x[trailing]
        trailing += 1
        smoothed = wma_sum * 0.1
        wma_sum -= wma_sub
        par = (today - s) % 2
        detrender = _hilbert(buf, prev, prev_in, 0, par, hidx, smoothed, adjust)
        q1 = _hilbert(buf, prev, prev_in, 1, par, hidx, detrender, adjust)
        i1_prev3 = even_prev3 if par == 0 else odd_prev3
        j_i = _hilbert(buf, prev, prev_in, 2, par, hidx, i1_prev3, adjust)
        j_q = _hilbert(buf, prev, prev_in, 3, par, hidx, q1, adjust)
        if par == 0:
            hidx += 1
            if hidx == 3:
                hidx = 0
            odd_prev3 = odd_prev2
            odd_prev2 = detrender
        else:
            even_prev3 = even_prev2
            even_prev2 = detrender
        q2 = 0.2 * (q1 + j_i) + 0.8 * prev_q2
        i2 = 0.2 * (i1_prev3 - j_q) + 0.8 * prev_i2
        phase = math.atan(q1 / i1_prev3) * _RAD2DEG if i1_prev3 != 0.0 else 0.0
        delta = prev_phase - phase
        prev_phase = phase
        if delta < 1.0:
            delta = 1.0
        alpha = fast
        if delta > 1.0:
            alpha = fast / delta
            if alpha < slow:
                alpha = slow
        mama = alpha * price + (1.0 - alpha) * mama
        alpha *= 0.5
        fama = alpha * mama + (1.0 - alpha) * fama
        if today >= s + MAMA_LOOKBACK:
            mama_out[today] = mama
            fama_out[today] = fama
        re = 0.2 * (i2 * prev_i2 + q2 * prev_q2) + 0.8 * re
        im = 0.2 * (i2 * prev_q2 - q2 * prev_i2) + 0.8 * im
        prev_q2 = q2
        prev_i2 = i2
        last = period
        if im != 0.0 and re != 0.0:
            period = 360.0 / (math.atan(im / re) * _RAD2DEG)
        period = min(period, 1.5 * last)
        period = max(period, 0.67 * last)
        period = min(max(period, 6.0), 50.0)
        period = 0.2 * period + 0.8 * last


@njit
def _mama(real: F64Array, fastlimit: float, slowlimit: float) -> tuple[F64Array, F64Array]:
    mama = np.full(len(real), np.nan)
    fama = np.full(len(real), np.nan)
    s, e = _next_run(real, 0)
    while s < len(real):
        _mama_run(real, s, e, fastlimit, slowlimit, mama, fama)
        s, e = _next_run(real, e)
    return mama, fama


@njit
def _mama_only(real: F64Array) -> F64Array:
    return _mama(real, 0.5, 0.05)[0]


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
