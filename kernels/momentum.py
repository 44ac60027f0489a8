"""Momentum of prices: rsi and cmo (Wilder-smoothed gains and losses), and mom, roc,
rocp and rocr (the change over ``timeperiod`` bars).

Every kernel applies the project's NaN rule the same way: the input is cut into
runs of clean bars (no NaN), and the TA-Lib algorithm runs on each run as if it were a
whole series. Bars outside a run, and the first ``lookback`` bars of each run, are NaN.
On finite input there is one run, so the output is TA-Lib's (for rsi and cmo up to
rounding, see :func:`_wilder`).

Speed: each wrapper allocates its output with NumPy and the compiled loop fills it (an
8 MB array allocated inside Numba costs ~2,000 page faults per call on Linux, NumPy's
does not: it asks for huge pages).

Warm-up (rules in :mod:`candlescan.kernels._warmup`): rsi and cmo converge as Wilder's
averages forget their seed (``1 - 1/n`` a bar); mom and the roc family are exact at their
lookback.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._momentum import _wilder
from candlescan.kernels._warmup import CROSSES_ZERO, decay_bars, wilder_rate

__all__ = ["cmo", "mom", "roc", "rocp", "rocr", "rsi"]

_MAX = 100_000


def _rsi(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(real.shape[0])
    _wilder(real, timeperiod, False, out)
    return out


def _rsi_lookback(timeperiod: int) -> int:
    return timeperiod


# Warm-ups (candlescan.kernels._warmup): both averages keep 1 - 1/n a bar after their
# seed. RSI = G / (G + L) has a relative error of at most |dG/G| + |dL/L| (gain 2); CMO =
# (G - L) / (G + L) also crosses zero.


def _rsi_warmup(tolerance: float, timeperiod: int) -> int:
    return timeperiod + decay_bars(wilder_rate(timeperiod), tolerance, 1, 2.0)


def _cmo_warmup(tolerance: float, timeperiod: int) -> int:
    return timeperiod + decay_bars(wilder_rate(timeperiod), tolerance, 1, 2.0 * CROSSES_ZERO)


@indicator(
    inputs=("real",),
    about_inputs="Prices, usually ``close``.",
    lookback=_rsi_lookback,
    warmup=_rsi_warmup,
    timeperiod=Param(14, 2, _MAX, doc="Smoothing period ``n``."),
)
def rsi(real: F64Array, timeperiod: int = 14) -> F64Array:
    """Relative Strength Index (Wilder).

    Returns
    -------
    array of float64
        RSI in [0, 100], same length as ``real``; the first ``timeperiod`` values
        are NaN (RSI needs ``n + 1`` prices).

    Notes
    -----
    With ``d[t] = real[t] - real[t-1]``, gains ``g = max(d, 0)`` and losses
    ``l = max(-d, 0)``, the averages start as the simple means of ``g[1..n]`` and
    ``l[1..n]`` and then follow Wilder's smoothing
    ``avg[t] = (avg[t-1] * (n - 1) + x[t]) / n``;
    ``RSI = 100 * avg_gain / (avg_gain + avg_loss)``.
    Reference: J. Welles Wilder, *New Concepts in Technical Trading Systems*, 1978.

    Equivalent to ``talib.RSI(real, timeperiod)`` on finite data, except where
    ``avg_gain + avg_loss == 0`` (no movement, e.g. flat prices): this kernel
    returns 50 (neutral), TA-Lib returns 0, which reads as "oversold".

    NaN rule: a NaN makes the output NaN at that bar; the next clean bar starts a
    fresh series (``timeperiod`` more NaN, then a new simple-mean seed), so one bad
    bar does not poison the rest (TA-Lib returns 0 for ever after it).
    """
    return _rsi(real, timeperiod)


# --- cmo -------------------------------------------------------------------------------------


def _cmo(real: F64Array, timeperiod: int) -> F64Array:
    out = np.empty(real.shape[0])
    _wilder(real, timeperiod, True, out)
    return out


@indicator(
    inputs=("real",),
    about_inputs="Prices, usually ``close``.",
    lookback=_rsi_lookback,
    warmup=_cmo_warmup,
    timeperiod=Param(14, 2, _MAX, doc="Smoothing period ``n``."),
)
def cmo(real: F64Array, timeperiod: int = 14) -> F64Array:
    """Chande Momentum Oscillator (TA-Lib's Wilder-smoothed form).

    Returns
    -------
    array of float64
        CMO in [-100, 100]; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``CMO = 100 * (avg_gain - avg_loss) / (avg_gain + avg_loss)`` with the averages of
    :func:`rsi` (simple-mean seed, then Wilder smoothing), as TA-Lib computes it; Chande's
    original uses plain sums over ``n`` bars. Reference: T. Chande and S. Kroll,
    *The New Technical Trader*, 1994. With no movement (both averages 0) CMO is 0
    (neutral), as in TA-Lib. NaN rule as for :func:`rsi`.

    Equivalent to ``talib.CMO(real, timeperiod)``.
    """
    return _cmo(real, timeperiod)


# --- mom, roc, rocp, rocr ---------------------------------------------------------------------

# Which difference _change computes.
_MOM, _ROC, _ROCP, _ROCR = 0, 1, 2, 3


@njit
def _change_value(now: float, then: float, kind: int) -> float:
    if kind == _MOM:
        return now - then
    if then == 0.0:
        # Undefined ratio: "no change" (TA-Lib: 0 for all three, ROCR included).
        return 1.0 if kind == _ROCR else 0.0
    if kind == _ROC:
        return ((now / then) - 1.0) * 100.0
    if kind == _ROCP:
        return (now - then) / then
    return now / then


@njit
def _change_runs(real: F64Array, timeperiod: int, kind: int, out: F64Array) -> None:
    """The change with the NaN rule: NaN while a NaN is among the last ``n + 1`` bars."""
    last_nan = -1
    for i in range(real.shape[0]):
        if np.isnan(real[i]):
            last_nan = i
        if i - last_nan <= timeperiod:
            out[i] = np.nan
        else:
            out[i] = _change_value(real[i], real[i - timeperiod], kind)


@njit
def _change(real: F64Array, timeperiod: int, kind: int, out: F64Array) -> None:
    """``out[t] = change(real[t], real[t - n])``, NaN for ``t < n`` and by the NaN rule.

    Memory-bound, so the common case (no NaN) is one branch-free pass over shifted views,
    one loop per kind so that the compiler vectorizes it (TA-Lib's loop is scalar). Each
    pass notes whether ``now - then`` was ever NaN, which catches a NaN anywhere in the
    input, and only then is the work redone bar by bar.
    """
    n = real.shape[0]
    lead = min(timeperiod, n)
    for i in range(lead):
        out[i] = np.nan
    now, then, dest = real[lead:], real[: n - lead], out[lead:]
    seen_nan = False
    for i in range(n - lead, lead):  # bars in neither view (n < 2 * timeperiod)
        seen_nan |= real[i] != real[i]
    if kind == _MOM:
        for i in range(now.shape[0]):
            step = now[i] - then[i]
            dest[i] = step
            seen_nan |= step != step
    elif kind == _ROC:
        for i in range(now.shape[0]):
            step = now[i] - then[i]
            dest[i] = ((now[i] / then[i]) - 1.0) * 100.0 if then[i] != 0.0 else 0.0
            seen_nan |= step != step
    elif kind == _ROCP:
        for i in range(now.shape[0]):
            step = now[i] - then[i]
            dest[i] = step / then[i] if then[i] != 0.0 else 0.0
            seen_nan |= step != step
    else:
        for i in range(now.shape[0]):
            step = now[i] - then[i]
            dest[i] = now[i] / then[i] if then[i] != 0.0 else 1.0
            seen_nan |= step != step
    if seen_nan:
        _change_runs(real, timeperiod, kind, out)


def _changed(real: F64Array, timeperiod: int, kind: int) -> F64Array:
    out = np.empty(real.shape[0])
    _change(real, timeperiod, kind, out)
    return out


def _change_lookback(timeperiod: int) -> int:
    return timeperiod


@indicator(
    inputs=("real",),
    about_inputs="Prices, usually ``close``.",
    lookback=_change_lookback,
    timeperiod=Param(10, 1, _MAX, doc="Distance ``n`` in bars."),
)
def mom(real: F64Array, timeperiod: int = 10) -> F64Array:
    """Momentum: the change over ``timeperiod`` bars.

    Returns
    -------
    array of float64
        Same length as ``real``; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``mom[t] = real[t] - real[t-n]``. Reference: TA-Lib ``ta_MOM.c``.
    NaN rule: NaN at a NaN bar and for the ``n`` bars after it (a fresh warm-up).

    Equivalent to ``talib.MOM(real, timeperiod)``.
    """
    return _changed(real, timeperiod, _MOM)


@indicator(
    inputs=("real",),
    about_inputs="Prices, usually ``close``.",
    lookback=_change_lookback,
    timeperiod=Param(10, 1, _MAX, doc="Distance ``n`` in bars."),
)
def roc(real: F64Array, timeperiod: int = 10) -> F64Array:
    """Rate of change in percent.

    Returns
    -------
    array of float64
        Same length as ``real``; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``roc[t] = (real[t] / real[t-n] - 1) * 100``; 0 where ``real[t-n] == 0`` (as TA-Lib).
    Reference: TA-Lib ``ta_ROC.c``. NaN rule as for :func:`mom`.

    Equivalent to ``talib.ROC(real, timeperiod)``.
    """
    return _changed(real, timeperiod, _ROC)


@indicator(
    inputs=("real",),
    about_inputs="Prices, usually ``close``.",
    lookback=_change_lookback,
    timeperiod=Param(10, 1, _MAX, doc="Distance ``n`` in bars."),
)
def rocp(real: F64Array, timeperiod: int = 10) -> F64Array:
    """Rate of change as a fraction: ``(real - prev) / prev``.

    Returns
    -------
    array of float64
        Same length as ``real``; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``rocp[t] = (real[t] - real[t-n]) / real[t-n]``; 0 where ``real[t-n] == 0`` (as TA-Lib).
    Reference: TA-Lib ``ta_ROCP.c``. NaN rule as for :func:`mom`.

    Equivalent to ``talib.ROCP(real, timeperiod)``.
    """
    return _changed(real, timeperiod, _ROCP)


@indicator(
    inputs=("real",),
    about_inputs="Prices, usually ``close``.",
    lookback=_change_lookback,
    timeperiod=Param(10, 1, _MAX, doc="Distance ``n`` in bars."),
)
def rocr(real: F64Array, timeperiod: int = 10) -> F64Array:
    """Rate of change as a ratio: ``real / prev``.

    Returns
    -------
    array of float64
        Same length as ``real``; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``rocr[t] = real[t] / real[t-n]``. Where ``real[t-n] == 0`` the ratio is undefined:
    this kernel returns 1 ("no change", consistent with ROC and ROCP returning 0), TA-Lib
    returns 0. Reference: TA-Lib ``ta_ROCR.c``. NaN rule as for :func:`mom`.

    Equivalent to ``talib.ROCR(real, timeperiod)`` wherever ``real[t-n] != 0``.
    """
    return _changed(real, timeperiod, _ROCR)
