"""One-pass loops for a fast/slow moving-average spread, shared by macd_variants and
ma_oscillators: EMAs streamed bar by bar (MACD's line, signal and histogram; APO/PPO;
TRIX's chained EMAs) and two SMAs side by side (MACDEXT, APO/PPO with ``matype=0``).

Each loop keeps its averages in registers and writes every output once, into arrays the
caller allocated with NumPy; a NaN bar resets the state, so the next clean bar starts a
fresh series (the project's NaN rule).
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array
from candlescan.kernels._runs import _fma

__all__: list[str] = []

#: TA-Lib's ``TA_IS_ZERO`` threshold (PPO's zero slow average).
_EPSILON = 1e-14


def _ordered(fast: int, slow: int) -> tuple[int, int]:
    # TA-Lib swaps the periods when slow < fast.
    return (slow, fast) if slow < fast else (fast, slow)


@njit
def _ema_feed(
    seen: int, total: float, ema: float, x: float, period: int, k: float
) -> tuple[int, float, float]:
    """One input to TA-Lib's EMA, streamed: the first ``period`` inputs are summed for the
    SMA seed, then ``ema = ema * (1 - k) + x * k``; ``ema`` is valid once ``seen >= period``.

    TA-Lib's EMA one bar at a time, so that MACD and TRIX run their chained EMAs in one
    pass without intermediate arrays (5-7x faster). The step is the same as
    :func:`candlescan.kernels._averages._ema_from`'s: one fused multiply-add on the
    dependency chain (TA-Lib's ``(x - ema) * k + ema`` puts a subtraction before it, 7
    cycles a bar instead of 4); it differs from TA-Lib by rounding only (~1e-16 relative,
    the recursion is contractive).
    """
    seen += 1
    if seen < period:
        return seen, total + x, ema
    if seen == period:
        total += x
        return seen, total, total / period
    return seen, total, _fma(ema, 1.0 - k, x * k)


@njit
def _po_value(fast: float, slow: float, ratio: bool) -> float:
    if not ratio:
        return fast - slow
    if -_EPSILON < slow < _EPSILON:
        return 0.0  # TA-Lib's PPO for a zero slow average
    return ((fast - slow) / slow) * 100.0


@njit
def _ema_lines(
    real: F64Array,
    fast: int,
    fast_k: float,
    fast_skip: int,
    slow: int,
    slow_k: float,
    ratio: bool,
    signal: int,
    line: F64Array,
    sig: F64Array,
    hist: F64Array,
) -> None:
    """EMA spread (APO/PPO) and, when ``signal > 0``, MACD's signal and histogram, in one pass.

    The fast EMA sees its first input ``fast_skip`` bars into each clean run: MACD uses
    ``slow - fast`` so both EMAs are seeded at bar ``slow - 1`` (TA-Lib's MACD), APO/PPO
    use 0. All outputs start together, at the first signal value (TA-Lib's alignment).
    """
    signal_k = 2.0 / (signal + 1)
    fast_keep, slow_keep, signal_keep = 1.0 - fast_k, 1.0 - slow_k, 1.0 - signal_k
    n = real.shape[0]
    count = fs = ss = gs = 0
    ft = st = gt = fe = se = ge = 0.0
    i = 0
    while i < n:
        line[i] = np.nan
        if signal > 0:
            sig[i] = np.nan
            hist[i] = np.nan
        x = real[i]
        i += 1
        if np.isnan(x):  # the next clean bar starts a fresh series
            count = fs = ss = gs = 0
            ft = st = gt = 0.0
            continue
        if count >= fast_skip:
            fs, ft, fe = _ema_feed(fs, ft, fe, x, fast, fast_k)
        count += 1
        ss, st, se = _ema_feed(ss, st, se, x, slow, slow_k)
        if ss < slow:
            continue
        value = _po_value(fe, se, ratio)
        if signal > 0:
            gs, gt, ge = _ema_feed(gs, gt, ge, value, signal, signal_k)
            if gs < signal:
                continue
            sig[i - 1] = ge
            hist[i - 1] = value - ge
        line[i - 1] = value
        # Steady state: every EMA is seeded; plain recurrences until the next NaN.
        while i < n:
            x = real[i]
            if np.isnan(x):
                break
            fe = _fma(fe, fast_keep, x * fast_k)
            se = _fma(se, slow_keep, x * slow_k)
            value = _po_value(fe, se, ratio)
            line[i] = value
            if signal > 0:
                ge = _fma(ge, signal_keep, value * signal_k)
                sig[i] = ge
                hist[i] = value - ge
            i += 1


@njit
def _sma_spread(
    real: F64Array, fast: int, fast_skip: int, slow: int, ratio: bool, line: F64Array
) -> None:
    """``SMA_fast - SMA_slow`` (or PPO's ratio) into ``line`` in one pass, from ``slow - 1``.

    Both running sums follow TA-Lib's SMA step for step (add the bar, emit, drop the
    oldest, as ``ta_SMA.c``), so each average has TA-Lib's rounding, bit for bit;
    side by side, their two dependency chains overlap instead of running one after the
    other. The fast sum starts ``fast_skip`` bars into each clean run (MACDEXT's late
    start, ``slow - fast``; APO/PPO: 0).
    """
    n = real.shape[0]
    fast_first = fast_skip + fast - 1  # first bar of each run with a fast average
    i = 0
    while i < n:
        if np.isnan(real[i]):
            line[i] = np.nan
            i += 1
            continue
        begin = i
        fast_sum = slow_sum = 0.0
        while i < n:
            x = real[i]
            if np.isnan(x):
                break  # the next clean bar starts a fresh run
            bar = i - begin
            if bar >= fast_skip:
                fast_sum += x
            slow_sum += x
            if bar >= slow - 1:
                line[i] = _po_value(fast_sum / fast, slow_sum / slow, ratio)
                slow_sum -= real[i - slow + 1]
            else:
                line[i] = np.nan
            if bar >= fast_first:
                fast_sum -= real[i - fast + 1]
            i += 1
