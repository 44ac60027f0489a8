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

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._ema_chains import _dema, _tema, _zlema
from candlescan.kernels._filters import _kama, _t3, _trima
from candlescan.kernels._filters import _next_run as _next_run
from candlescan.kernels._mama import MAMA_LOOKBACK, _mama_only
from candlescan.kernels._meta import F64Array
from candlescan.kernels._runs import _fma
from candlescan.kernels._unsigned import _u
from candlescan.kernels._weighted import _hma, _hma_periods, _wma

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
