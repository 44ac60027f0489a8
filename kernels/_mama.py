"""MESA adaptive moving average (MAMA/FAMA), compiled; TA-Lib's ``ta_MAMA.c`` scheme.

Private; see :mod:`candlescan.kernels._averages` for the NaN rule and the dispatcher.
"""

from __future__ import annotations

import math

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._filters import _next_run
from candlescan.kernels._meta import F64Array

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
def _mama_into(
    real: F64Array, fastlimit: float, slowlimit: float, mama: F64Array, fama: F64Array
) -> None:
    mama[:] = np.nan
    fama[:] = np.nan
    s, e = _next_run(real, 0)
    while s < len(real):
        _mama_run(real, s, e, fastlimit, slowlimit, mama, fama)
        s, e = _next_run(real, e)


@njit
def _mama(real: F64Array, fastlimit: float, slowlimit: float) -> tuple[F64Array, F64Array]:
    mama = np.empty(len(real))
    fama = np.empty(len(real))
    _mama_into(real, fastlimit, slowlimit, mama, fama)
    return mama, fama


@njit
def _mama_only(real: F64Array) -> F64Array:
    return _mama(real, 0.5, 0.05)[0]
