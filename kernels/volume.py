"""Volume flow indicators (obv, ad, adosc); the volume-weighted averages are in
:mod:`candlescan.kernels.volume_averages`.

NaN rule shared by every kernel here (see :mod:`candlescan.kernels._runs`): the inputs
are cut into runs of bars where every input is non-NaN, and each run is computed as if
it were a whole series of its own, with a fresh warm-up of ``lookback`` bars. For the
cumulative indicators (obv, ad) this means the running total restarts at
the first clean bar after a gap. On finite input this is exactly TA-Lib.

Warm-up (rules in :mod:`candlescan.kernels._warmup`): obv and ad are running totals and
need the whole history (``FULL_HISTORY``); adosc converges (the totals' offset cancels).
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._runs import _fma, _run2, _run4
from candlescan.kernels._unsigned import _u
from candlescan.kernels._warmup import CROSSES_ZERO, decay_bars, ema_rate, full_history

__all__: list[str] = ["ad", "adosc", "obv"]


# --- OBV --------------------------------------------------------------------------------


@njit
def _obv_run(real: F64Array, volume: F64Array, s: int, e: int, out: F64Array) -> bool:
    """OBV on ``[s, e)`` (``s < e``); False when an input was NaN (garbage written)."""
    # TA-Lib seeds with the first bar's volume, not 0.
    total = volume[_u(s)]
    out[_u(s)] = total
    previous = real[_u(s)]
    bad = previous != previous
    for i in range(s + 1, e):
        price = real[_u(i)]
        # Branch-free sign of the price change (a rising/falling branch mispredicts
        # on real data): total + v, total - v, or total + 0.0 (exactly total).
        sign = (price > previous) - (price < previous)
        total += sign * volume[_u(i)]
        out[_u(i)] = total
        # A NaN price gives sign 0: flag it (a NaN volume stays in the total).
        bad |= price != price
        previous = price
    return not (bad or np.isnan(total))


@njit
def _obv_into(real: F64Array, volume: F64Array, out: F64Array) -> None:
    n = len(real)
    # Optimistic one pass; on a NaN, redo run by run.
    if n == 0 or _obv_run(real, volume, 0, n, out):
        return
    out[:] = np.nan
    s, e = _run2(real, volume, 0)
    while s < n:
        _obv_run(real, volume, s, e, out)
        s, e = _run2(real, volume, e)


def _no_lookback() -> int:
    return 0


# OBV and A/D are running totals from the first bar: a cut history is off by the total
# before the cut, forever. They need the whole history (candlescan.kernels._warmup).
@indicator(
    inputs=("real", "volume"),
    about_inputs="Prices (usually the close) and their volume, same length.",
    lookback=_no_lookback,
    warmup=full_history,
)
def obv(real: F64Array, volume: F64Array) -> F64Array:
    """On-balance volume.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; no warm-up.

    Notes
    -----
    ``obv[0] = volume[0]``; then ``obv[t] = obv[t-1] + volume[t]`` if the price rose,
    ``- volume[t]`` if it fell, unchanged if it is equal. TA-Lib seeds with the first
    volume where Granville's and StockCharts' OBV start at 0, so the two differ by the
    constant ``volume[0]``. Reference: Joseph Granville, *New Key to Stock Market Profits*
    (1963); TA-Lib ``ta_OBV.c``. NaN rule: a bar with a NaN input is NaN and the total
    restarts, seeded with the volume of the next clean bar.

    Equivalent to ``talib.OBV(real, volume)``.
    """
    out = np.empty(len(real))
    _obv_into(real, volume, out)
    return out


# --- Chaikin A/D line and oscillator ----------------------------------------------------


@njit
def _money_flow(high: float, low: float, close: float, volume: float) -> float:
    # TA-Lib's order of operations; a bar with high == low adds nothing.
    spread = high - low
    if spread > 0.0:
        # A NaN close or volume reaches the result (high and low are not NaN here).
        return (close - low - (high - close)) / spread * volume
    # 0 * (...): 0 on clean data (adding -0.0 leaves a total unchanged), and a NaN input
    # (which ``spread > 0`` turned away) reaches the running total, so the one-pass fast
    # paths can see it.
    return 0.0 * (spread + close + volume)


@njit
def _ad_run(
    high: F64Array, low: F64Array, close: F64Array, volume: F64Array, s: int, e: int, out: F64Array
) -> None:
    total = 0.0
    for i in range(s, e):
        total += _money_flow(high[_u(i)], low[_u(i)], close[_u(i)], volume[_u(i)])
        out[_u(i)] = total


@njit
def _ad_into(
    high: F64Array, low: F64Array, close: F64Array, volume: F64Array, out: F64Array
) -> None:
    n = len(close)
    if n > 0:
        # Optimistic one pass: a NaN input propagates through the total to the last bar.
        _ad_run(high, low, close, volume, 0, n, out)
        if not np.isnan(out[n - 1]):
            return
    out[:] = np.nan
    s, e = _run4(high, low, close, volume, 0)
    while s < n:
        _ad_run(high, low, close, volume, s, e, out)
        s, e = _run4(high, low, close, volume, e)


@njit
def _adosc_run(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    volume: F64Array,
    s: int,
    e: int,
    fastperiod: int,
    slowperiod: int,
    out: F64Array,
) -> None:
    lookback = max(fastperiod, slowperiod) - 1
    if e - s <= lookback:
        return
    fastk = 2.0 / (fastperiod + 1.0)
    slowk = 2.0 / (slowperiod + 1.0)
    # TA-Lib seeds both EMAs with the first A/D value (not an SMA) and emits from bar
    # ``max(fast, slow) - 1``.
    ad = _money_flow(high[_u(s)], low[_u(s)], close[_u(s)], volume[_u(s)])
    fast = ad
    slow = ad
    fast_keep = 1.0 - fastk
    slow_keep = 1.0 - slowk
    # k * ad + (1 - k) * ema as TA-Lib's compiled code evaluates it (one fused
    # multiply-add): bit-identical to talib.ADOSC, and a shorter dependency chain.
    for i in range(s + 1, s + lookback):
        ad += _money_flow(high[_u(i)], low[_u(i)], close[_u(i)], volume[_u(i)])
        fast = _fma(fast_keep, fast, fastk * ad)
        slow = _fma(slow_keep, slow, slowk * ad)
    for i in range(s + lookback, e):  # lookback >= 1: both periods are >= 2
        ad += _money_flow(high[_u(i)], low[_u(i)], close[_u(i)], volume[_u(i)])
        fast = _fma(fast_keep, fast, fastk * ad)
        slow = _fma(slow_keep, slow, slowk * ad)
        out[_u(i)] = fast - slow


@njit
def _adosc_into(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    volume: F64Array,
    fastperiod: int,
    slowperiod: int,
    out: F64Array,
) -> None:
    n = len(close)
    lookback = max(fastperiod, slowperiod) - 1
    out[: min(lookback, n)] = np.nan
    if n > lookback:
        # Optimistic one pass: a NaN input propagates through the EMAs to the last bar.
        _adosc_run(high, low, close, volume, 0, n, fastperiod, slowperiod, out)
        if not np.isnan(out[n - 1]):
            return
    out[:] = np.nan
    s, e = _run4(high, low, close, volume, 0)
    while s < n:
        _adosc_run(high, low, close, volume, s, e, fastperiod, slowperiod, out)
        s, e = _run4(high, low, close, volume, e)


def _adosc_lookback(fastperiod: int, slowperiod: int) -> int:
    return max(fastperiod, slowperiod) - 1


def _adosc_warmup(tolerance: float, fastperiod: int, slowperiod: int) -> int:
    # A/D from a cut history is off by a constant, which both EMAs carry (their weights sum
    # to 1) and the difference cancels; what is left is each EMA's seed, forgotten at the
    # slower rate, in an output crossing zero (candlescan.kernels._warmup).
    slowest = ema_rate(max(fastperiod, slowperiod))
    extra = decay_bars(slowest, tolerance, 1, 2.0 * CROSSES_ZERO)
    return _adosc_lookback(fastperiod, slowperiod) + extra


@indicator(inputs=("high", "low", "close", "volume"), lookback=_no_lookback, warmup=full_history)
def ad(high: F64Array, low: F64Array, close: F64Array, volume: F64Array) -> F64Array:
    """Chaikin accumulation/distribution line.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; no warm-up.

    Notes
    -----
    ``ad[t] = ad[t-1] + ((close - low) - (high - close)) / (high - low) * volume``,
    starting from 0; a bar with ``high == low`` adds 0 (the 0/0 money-flow multiplier
    reads as neutral, as in TA-Lib). Reference: Marc Chaikin; StockCharts ChartSchool
    "Accumulation Distribution Line"; TA-Lib ``ta_AD.c``. NaN rule: a bar with a NaN
    input is NaN and the line restarts from 0 at the next clean bar.

    Equivalent to ``talib.AD(high, low, close, volume)``.
    """
    out = np.empty(len(close))
    _ad_into(high, low, close, volume, out)
    return out


@indicator(
    inputs=("high", "low", "close", "volume"),
    lookback=_adosc_lookback,
    warmup=_adosc_warmup,
    fastperiod=Param(3, 2, 100_000, doc="Period of the first EMA."),
    slowperiod=Param(10, 2, 100_000, doc="Period of the second EMA."),
)
def adosc(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    volume: F64Array,
    fastperiod: int = 3,
    slowperiod: int = 10,
) -> F64Array:
    """Chaikin A/D oscillator: fast EMA minus slow EMA of the A/D line.

    Returns
    -------
    numpy.ndarray
        float64, same length as the inputs; the first
        ``max(fastperiod, slowperiod) - 1`` values are NaN.

    Notes
    -----
    ``adosc = EMA(ad, fastperiod) - EMA(ad, slowperiod)`` with ``k = 2 / (n + 1)``; both
    EMAs are seeded with the first A/D value (TA-Lib's and Metastock's convention, not
    the SMA seed of :func:`~candlescan.kernels.ema`) and run through the warm-up.
    ``fastperiod`` need not be the smaller one: the result is always fast minus slow.
    Reference: Marc Chaikin; TA-Lib ``ta_ADOSC.c``. NaN rule: each run of clean bars is
    computed as a series of its own (A/D from 0, fresh EMA seeds).

    Equivalent to ``talib.ADOSC(high, low, close, volume, fastperiod, slowperiod)``.
    """
    out = np.empty(len(close))
    _adosc_into(high, low, close, volume, fastperiod, slowperiod, out)
    return out
