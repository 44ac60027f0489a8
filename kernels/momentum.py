"""Momentum oscillators: rsi, cmo, mom, roc, rocp, rocr, trix, stoch, stochf, stochrsi.

Every kernel applies the project's NaN rule the same way: the input is cut into
runs of clean bars (no NaN in any input), and the TA-Lib algorithm runs on each run
as if it were a whole series. Bars outside a run, and the first ``lookback`` bars of
each run, are NaN. On finite input there is one run, so the output is TA-Lib's.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator

__all__ = ["rsi"]

#: TA-Lib's ``TA_IS_ZERO``: a sum of average moves below this is "no movement".
_ZERO = 1e-8

_MAX = 100_000


@njit
def _next_run(real: F64Array, start: int) -> tuple[int, int]:
    """``(begin, end)`` of the first run of non-NaN values at or after ``start``."""
    n = real.shape[0]
    begin = start
    while begin < n and np.isnan(real[begin]):
        begin += 1
    end = begin
    while end < n and not np.isnan(real[end]):
        end += 1
    return begin, end


@njit
def _wilder_run(
    real: F64Array, begin: int, end: int, timeperiod: int, cmo: bool, out: F64Array
) -> None:
    """RSI (or CMO) over the clean run ``real[begin:end]``, written into ``out``."""
    if end - begin <= timeperiod:
        return
    # Seed: simple means of the first `timeperiod` gains and losses (changes 1..n).
    prev = real[begin]
    gain = 0.0
    loss = 0.0
    for i in range(begin + 1, begin + timeperiod + 1):
        change = real[i] - prev
        prev = real[i]
        if change < 0.0:
            loss -= change
        else:
            gain += change
    gain /= timeperiod
    loss /= timeperiod
    out[begin + timeperiod] = _wilder_value(gain, loss, cmo)
    keep = timeperiod - 1
    for i in range(begin + timeperiod + 1, end):
        change = real[i] - prev
        prev = real[i]
        # Same operation order as TA-Lib (multiply, add, divide) for bit-identical output.
        gain *= keep
        loss *= keep
        if change < 0.0:
            loss -= change
        else:
            gain += change
        gain /= timeperiod
        loss /= timeperiod
        out[i] = _wilder_value(gain, loss, cmo)


@njit
def _wilder_value(gain: float, loss: float, cmo: bool) -> float:
    total = gain + loss
    if -_ZERO < total < _ZERO:
        # No movement: neutral (RSI 50, CMO 0), where TA-Lib returns 0 for both.
        return 0.0 if cmo else 50.0
    if cmo:
        return 100.0 * ((gain - loss) / total)
    return 100.0 * (gain / total)


@njit
def _rsi(real: F64Array, timeperiod: int) -> F64Array:
    out = np.full(real.shape[0], np.nan)
    begin, end = _next_run(real, 0)
    while begin < real.shape[0]:
        _wilder_run(real, begin, end, timeperiod, False, out)
        begin, end = _next_run(real, end)
    return out


def _rsi_lookback(timeperiod: int) -> int:
    return timeperiod


@indicator(inputs=("real",), lookback=_rsi_lookback, timeperiod=Param(14, 2, _MAX))
def rsi(real: F64Array, timeperiod: int = 14) -> F64Array:
    """Relative Strength Index (Wilder).

    Parameters
    ----------
    real : array of float64
        Prices, usually ``close``.
    timeperiod : int, default 14
        Smoothing period ``n``, 2..100000.

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
    ``avg_gain + avg_loss < 1e-8`` (no movement, e.g. flat prices): this kernel
    returns 50 (neutral), TA-Lib returns 0, which reads as "oversold".

    NaN rule: a NaN makes the output NaN at that bar; the next clean bar starts a
    fresh series (``timeperiod`` more NaN, then a new simple-mean seed), so one bad
    bar does not poison the rest (TA-Lib returns 0 for ever after it).
    """
    return _rsi(real, timeperiod)
