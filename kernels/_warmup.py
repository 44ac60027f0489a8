"""Convergence warm-up: how many bars a recursive kernel needs to forget where it started.

A window kernel (SMA, WMA, Bollinger width, ...) is exact once its lookback is filled. A
recursive one (EMA, Wilder's RMA, RSI, ATR, ADX, MACD, KAMA, T3, ...) carries a state from
bar to bar, and a history cut short starts that state from a different seed: the output
only *converges* to the full-history value. ``kernel.warmup(tolerance, **params)`` is the
number of bars an output bar needs before it so that it equals the full-history value
within ``tolerance`` (TA-Lib's "unstable period", derived here instead of configured).

The rule every family uses
--------------------------
A first-order recursion ``s[t] = r * s[t-1] + (1 - r) * x[t]`` forgets a wrong start
geometrically: two runs fed the same inputs differ by ``r**j`` times their initial
difference ``j`` bars later. A cascade of ``m`` such stages of the same rate (DEMA: 2,
TEMA and TRIX: 3, T3: 6, ADX: Wilder's DX average over Wilder's DI sums: 2) differs by at
most ``r**j * sum_{i<m} C(j+i-1, i) * (1-r)**i``. :func:`decay_bars` returns the smallest
``j`` that brings this below ``tolerance / gain``, and a kernel's warm-up is its lookback
(the seed window) plus ``j``. The assumptions, each stated where it is used:

* the state a cut history starts from is off by at most :data:`SEED_SPREAD` times the
  state's size: a seed is a mean of the same kind of values as the state, but from
  another stretch of the market (a calm month's ATR or +DM against a volatile one's);
* ``gain`` bounds how much a relative state error can show in the output: 2 for a ratio
  of two smoothed sums (RSI, DI), :data:`CROSSES_ZERO` for an output that is a
  difference and passes through zero (MACD, APO, CMO, DX), which is judged against 1 % of
  its scale as the TA-Lib parity comparison does (``1e-11`` of the scale for ``1e-9``);
* stages in a pipeline of different rates (MACD's line, then its signal; RSI, then
  STOCHRSI's %D average) add their bars: each stage starts to converge once its input has.

Cumulative kernels (OBV, A/D, a cumulative VWAP) and path-dependent state machines (SAR,
SuperTrend) never converge from a partial history by a bound that can be stated: they
return :data:`FULL_HISTORY`, which callers read as "every bar the source has".

Everything here is plain Python on a few numbers (called when a formula is compiled) and
cached.
"""

from __future__ import annotations

import functools
import math

__all__ = [
    "CROSSES_ZERO",
    "FULL_HISTORY",
    "SEED_SPREAD",
    "decay_bars",
    "ema_rate",
    "full_history",
    "is_full_history",
    "kama_extra",
    "ma_extra",
    "mama_extra",
    "t3_gain",
    "wilder_rate",
]

#: The warm-up of a kernel that needs the whole history (cumulative sums, SAR,
#: SuperTrend): larger than any series, small enough that sums of a few stay exact in
#: float64 and int64. Test with :func:`is_full_history`, not ``==``: a composed warm-up
#: may add bars to it.
FULL_HISTORY = 1 << 40

#: How far the state a cut history starts from may be off, relative to the state: an
#: order of magnitude (volatility, gains and directional movement change that much
#: between market regimes). On the sample's 409 stocks, 1 was not enough for -DM and -DI.
SEED_SPREAD = 10.0

#: Output gain of a state error in an output that is a difference crossing zero: the
#: parity comparison allows ``tolerance`` relative, or ``tolerance / 100`` of the output's
#: largest magnitude near zero, so the state must be 100 times closer.
CROSSES_ZERO = 100.0

#: TA-Lib's KAMA smoothing constant is ``(ER*(2/3 - 2/31) + 2/31)**2``: at least
#: ``(2/31)**2`` whatever the data (ER = 0, a market going nowhere).
_KAMA_SLOWEST = (2.0 / 31.0) ** 2

#: MAMA's Hilbert transform smooths its quadrature, phase and period with factors of at
#: most 0.8 per bar (Ehlers' 0.2/0.8 and 0.33/0.67 smoothers).
_HILBERT_RATE = 0.8


def full_history(tolerance: float, **params: object) -> int:
    """The warm-up of a kernel that never converges from a partial history."""
    return FULL_HISTORY


def is_full_history(bars: int) -> bool:
    """Whether a warm-up of ``bars`` means "every bar the source has"."""
    return bars >= FULL_HISTORY


def ema_rate(timeperiod: int) -> float:
    """``1 - k`` of an EMA with ``k = 2 / (n + 1)``: the weight the state keeps each bar."""
    return 1.0 - 2.0 / (timeperiod + 1)


def wilder_rate(timeperiod: int) -> float:
    """``1 - 1/n``: the weight Wilder's smoothing (RMA, RSI, ATR, DM/TR sums) keeps each bar."""
    return 1.0 - 1.0 / timeperiod


@functools.lru_cache(maxsize=4096)
def decay_bars(rate: float, tolerance: float, order: int = 1, gain: float = 1.0) -> int:
    """Bars after which a cascade of ``order`` recursions keeping ``rate`` has forgotten its start.

    The smallest ``j >= 0`` with ``SEED_SPREAD * gain * rate**j * sum_{i<order} C(j+i-1, i)
    * (1-rate)**i <= tolerance`` (see the module docstring). ``rate <= 0`` (no memory) needs 0 bars;
    ``rate >= 1`` (no forgetting) or a tolerance of 0 needs :data:`FULL_HISTORY`.
    """
    if not 0.0 <= tolerance < 1.0 or math.isnan(tolerance):
        raise ValueError(f"tolerance must be in [0, 1), got {tolerance!r}")
    if rate <= 0.0:
        return 0
    if rate >= 1.0 or tolerance == 0.0:
        return FULL_HISTORY
    log_rate = math.log(rate)
    target = math.log(tolerance / (gain * SEED_SPREAD))

    def log_error(j: int) -> float:
        terms = sum(math.comb(j + i - 1, i) * (1.0 - rate) ** i for i in range(order))
        return j * log_rate + math.log(terms)

    # The cascade's polynomial is >= 1, so the one-stage answer is a lower bound; past it
    # the error only falls (its peak is near (order - 1) / (1 - rate), far earlier).
    low = max(0, math.ceil(target / log_rate))
    if log_error(low) <= target:
        return low
    high = low + 1
    while log_error(high) > target:
        high = low + 2 * (high - low)
    while high - low > 1:  # log_error(low) > target >= log_error(high)
        middle = (low + high) // 2
        if log_error(middle) > target:
            low = middle
        else:
            high = middle
    return high


def t3_gain(vfactor: float) -> float:
    """``|c1| + |c2| + |c3| + |c4|``: how much T3's weighted sum of its EMAs can amplify."""
    v = vfactor
    c1 = -(v**3)
    c2 = 3 * v**2 + 3 * v**3
    c3 = -6 * v**2 - 3 * v - 3 * v**3
    c4 = 1 + 3 * v + v**3 + 3 * v**2
    return abs(c1) + abs(c2) + abs(c3) + abs(c4)


def mama_extra(fastlimit: float, slowlimit: float, tolerance: float, gain: float = 1.0) -> int:
    """Bars past MAMA's lookback: its Hilbert transform settles, then FAMA (a cascade of
    two recursions whose slowest keeps ``1 - min(limits) / 2``) forgets its start."""
    hilbert = decay_bars(_HILBERT_RATE, tolerance, 1, gain)
    slowest = 1.0 - min(fastlimit, slowlimit) / 2.0
    return hilbert + decay_bars(slowest, tolerance, 2, 2.0 * gain)


def ma_extra(timeperiod: int, matype: int, tolerance: float, gain: float = 1.0) -> int:
    """Bars past ``ma(timeperiod, matype)``'s lookback until it converges (0 for a window).

    TA-Lib's types: 0 SMA, 1 EMA, 2 WMA, 3 DEMA, 4 TEMA, 5 TRIMA, 6 KAMA, 7 MAMA, 8 T3,
    9 HMA, 10 identity, 11 SMA, 12 ZLEMA, 13 RMA; ``timeperiod = 1`` is the identity for
    every type but MAMA (which ignores the period).
    """
    if timeperiod == 1:
        return 0
    if matype == 7:
        return mama_extra(0.5, 0.05, tolerance, gain)
    rate = ema_rate(timeperiod)
    cascades = {
        1: (rate, 1, 1.0),  # EMA
        3: (rate, 2, 3.0),  # DEMA = 2*e1 - e2
        4: (rate, 3, 7.0),  # TEMA = 3*e1 - 3*e2 + e3
        6: (1.0 - _KAMA_SLOWEST, 1, 1.0),  # KAMA, at its slowest smoothing
        8: (rate, 6, t3_gain(0.7)),  # T3, TA-Lib's MA uses vfactor 0.7
        12: (rate, 1, 1.0),  # ZLEMA: an EMA of 2*x[t] - x[t-lag]
        13: (wilder_rate(timeperiod), 1, 1.0),  # RMA
    }
    if matype not in cascades:
        return 0  # a window average: exact at its lookback
    stage_rate, order, weight = cascades[matype]
    return decay_bars(stage_rate, tolerance, order, gain * weight)


def kama_extra(tolerance: float, gain: float = 1.0) -> int:
    """Bars past KAMA's lookback: its state keeps at most ``1 - (2/31)**2`` a bar."""
    return decay_bars(1.0 - _KAMA_SLOWEST, tolerance, 1, gain)
