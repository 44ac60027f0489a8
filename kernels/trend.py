"""Trend strength: directional movement (adx, adxr, dx, plus_di, minus_di) and aroon.

Every kernel here follows TA-Lib 0.8.2 bar for bar on finite input and adds the
project's NaN rule: a bar where any input is NaN or infinite outputs NaN, and the
indicator restarts on the next clean bar exactly as at the start of a series (a fresh
warm-up of ``lookback`` bars), so one bad bar never poisons the rest of the series.

Warm-up (rules in :mod:`candlescan.kernels._warmup`): the directional family converges
as Wilder's sums forget their seed (ADX and ADXR through a second smoothing); aroon is a
window, exact at its lookback.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._trend import (
    _ADX,
    _DX,
    _MINUS_DI,
    _MINUS_DM,
    _PLUS_DI,
    _PLUS_DM,
    _adxr,
    _aroon_into,
    _directional,
)
from candlescan.kernels._warmup import CROSSES_ZERO, decay_bars, wilder_rate

__all__ = [
    "adx",
    "adxr",
    "aroon",
    "aroonosc",
    "dx",
    "minus_di",
    "minus_dm",
    "plus_di",
    "plus_dm",
]

_PERIOD1 = Param(14, 1, 100_000)  # TA-Lib lets DM and DI run unsmoothed (period 1)


# --- lookbacks ----------------------------------------------------------------------------


def _dm_lookback(timeperiod: int) -> int:
    return max(timeperiod - 1, 1)


def _di_lookback(timeperiod: int) -> int:
    return timeperiod


def _adx_lookback(timeperiod: int) -> int:
    return 2 * timeperiod - 1


def _adxr_lookback(timeperiod: int) -> int:
    return 3 * timeperiod - 2


# --- warm-ups (candlescan.kernels._warmup) --------------------------------------------------
# +DM, -DM and TR are Wilder sums keeping 1 - 1/n a bar (period 1: no memory). A DM sum
# is sparse (zero on every bar moving the other way), so one gap can be most of a seed:
# its seed may be off by 10 times more than SEED_SPREAD allows (-DM on BAX's 2015 spin-off
# gap needed it). DI = DM/TR has the relative errors of both (gain 2); DX = |+DI - -DI| /
# (+DI + -DI) those of four and reaches zero; ADX (and ADXR, ADX's average with its value
# n-1 bars back) smooths DX once more with the same rate: a cascade of two.
_SPARSE = 10.0


def _extra(timeperiod: int, tolerance: float, order: int, gain: float) -> int:
    return decay_bars(wilder_rate(timeperiod), tolerance, order, _SPARSE * gain)


def _dm_warmup(tolerance: float, timeperiod: int) -> int:
    return _dm_lookback(timeperiod) + _extra(timeperiod, tolerance, 1, 1.0)


def _di_warmup(tolerance: float, timeperiod: int) -> int:
    return _di_lookback(timeperiod) + _extra(timeperiod, tolerance, 1, 2.0)


def _dx_warmup(tolerance: float, timeperiod: int) -> int:
    return _di_lookback(timeperiod) + _extra(timeperiod, tolerance, 1, 4.0 * CROSSES_ZERO)


def _adx_warmup(tolerance: float, timeperiod: int) -> int:
    return _adx_lookback(timeperiod) + _extra(timeperiod, tolerance, 2, 4.0 * CROSSES_ZERO)


def _adxr_warmup(tolerance: float, timeperiod: int) -> int:
    return _adxr_lookback(timeperiod) + _extra(timeperiod, tolerance, 2, 4.0 * CROSSES_ZERO)


# --- public kernels -----------------------------------------------------------------------


@indicator(
    inputs=("high", "low"),
    lookback=_dm_lookback,
    warmup=_dm_warmup,
    timeperiod=Param(14, 1, 100_000, doc="Smoothing period (1: the unsmoothed one-bar +DM)."),
)
def plus_dm(high: F64Array, low: F64Array, timeperiod: int = 14) -> F64Array:
    """Plus directional movement, Wilder-smoothed (+DM).

    Returns
    -------
    ndarray of float64
        Same length as the inputs; the first ``max(timeperiod - 1, 1)`` values are NaN.

    Notes
    -----
    One-bar ``+DM1 = H - Hprev`` when that up-move is positive and larger than the
    down-move ``Lprev - L``, else 0. The first output (bar ``timeperiod - 1``) is the sum
    of the ``timeperiod - 1`` one-bar values of bars 1..timeperiod-1; then
    ``DM = DM - DM/n + DM1`` (Wilder, *New Concepts in Technical Trading Systems*, 1978).

    Equivalent to ``talib.PLUS_DM(high, low, timeperiod)``.

    NaN rule: a bar where an input is NaN or infinite outputs NaN, and the indicator
    re-seeds from the next clean bar as at the start of a series (a fresh warm-up of
    ``lookback`` bars); TA-Lib silently counts such a bar as no movement.
    """
    return _directional(high, low, low, timeperiod, _PLUS_DM)


@indicator(
    inputs=("high", "low"),
    lookback=_dm_lookback,
    warmup=_dm_warmup,
    timeperiod=Param(14, 1, 100_000, doc="Smoothing period (1: the unsmoothed one-bar -DM)."),
)
def minus_dm(high: F64Array, low: F64Array, timeperiod: int = 14) -> F64Array:
    """Minus directional movement, Wilder-smoothed (-DM).

    Returns
    -------
    ndarray of float64
        Same length as the inputs; the first ``max(timeperiod - 1, 1)`` values are NaN.

    Notes
    -----
    One-bar ``-DM1 = Lprev - L`` when that down-move is positive and larger than the
    up-move ``H - Hprev``, else 0; seeded and smoothed as :func:`plus_dm`.

    Equivalent to ``talib.MINUS_DM(high, low, timeperiod)``.

    NaN rule: a bar where an input is NaN or infinite outputs NaN, and the indicator
    re-seeds from the next clean bar as at the start of a series (a fresh warm-up of
    ``lookback`` bars); TA-Lib silently counts such a bar as no movement.
    """
    return _directional(high, low, low, timeperiod, _MINUS_DM)


@indicator(
    inputs=("high", "low", "close"),
    lookback=_di_lookback,
    warmup=_di_warmup,
    timeperiod=Param(14, 1, 100_000, doc="Smoothing period."),
)
def plus_di(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Plus directional indicator (+DI), in percent of the smoothed true range.

    Returns
    -------
    ndarray of float64
        Same length as the inputs; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``+DI = 100 * +DM_n / TR_n``. ``+DM_n`` and ``TR_n`` start as sums of the one-bar values
    of bars 1..n-1 and take one Wilder step ``S = S - S/n + x`` at bar n, the first output.
    With ``timeperiod=1`` TA-Lib returns the one-bar ratio ``+DM1 / TR1`` *without* the factor
    100; this kernel does the same. When the smoothed true range is 0 (no price movement at
    all) the result is 0, as in TA-Lib: no directional movement, not an extreme.
    Wilder, *New Concepts in Technical Trading Systems*, 1978.

    Equivalent to ``talib.PLUS_DI(high, low, close, timeperiod)``.

    NaN rule: a bar where an input is NaN or infinite outputs NaN, and the indicator
    re-seeds from the next clean bar as at the start of a series (a fresh warm-up of
    ``lookback`` bars); after a NaN high or low TA-Lib reads 0 for the rest of the series.
    """
    return _directional(high, low, close, timeperiod, _PLUS_DI)


@indicator(
    inputs=("high", "low", "close"),
    lookback=_di_lookback,
    warmup=_di_warmup,
    timeperiod=Param(14, 1, 100_000, doc="Smoothing period."),
)
def minus_di(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Minus directional indicator (-DI), in percent of the smoothed true range.

    Returns
    -------
    ndarray of float64
        Same length as the inputs; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``-DI = 100 * -DM_n / TR_n``, seeded and smoothed as :func:`plus_di` (including the
    TA-Lib quirk that ``timeperiod=1`` gives the ratio without the factor 100, and 0 when
    the smoothed true range is 0).

    Equivalent to ``talib.MINUS_DI(high, low, close, timeperiod)``.

    NaN rule: a bar where an input is NaN or infinite outputs NaN, and the indicator
    re-seeds from the next clean bar as at the start of a series (a fresh warm-up of
    ``lookback`` bars); after a NaN high or low TA-Lib reads 0 for the rest of the series.
    """
    return _directional(high, low, close, timeperiod, _MINUS_DI)


@indicator(
    inputs=("high", "low", "close"),
    lookback=_di_lookback,
    warmup=_dx_warmup,
    timeperiod=Param(14, 2, 100_000, doc="Smoothing period."),
)
def dx(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Directional movement index (DX), 0..100.

    Returns
    -------
    ndarray of float64
        Same length as the inputs; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``DX = 100 * |+DI - -DI| / (+DI + -DI)`` with +DI and -DI as in :func:`plus_di`.
    Flat prices (0/0): when the smoothed true range or ``+DI + -DI`` is 0, the first DX
    of a (re-)seeded run is 0 (no trend) and later bars repeat the previous DX, exactly as
    TA-Lib does; a stretch of flat bars after movement therefore keeps the last reading
    (the limit of the ratio, since DM and TR decay together) rather than jumping to 0 or 100.

    Equivalent to ``talib.DX(high, low, close, timeperiod)``.

    NaN rule: a bar where an input is NaN or infinite outputs NaN, and the indicator
    re-seeds from the next clean bar as at the start of a series (a fresh warm-up of
    ``lookback`` bars); after a NaN high or low TA-Lib freezes DX for the rest of the series.
    """
    return _directional(high, low, close, timeperiod, _DX)


@indicator(
    inputs=("high", "low", "close"),
    lookback=_adx_lookback,
    warmup=_adx_warmup,
    timeperiod=Param(14, 2, 100_000, doc="Smoothing period."),
)
def adx(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Average directional movement index (ADX), 0..100.

    Returns
    -------
    ndarray of float64
        Same length as the inputs; the first ``2 * timeperiod - 1`` values are NaN.

    Notes
    -----
    DX as in :func:`dx` from bar n on. The first ADX, at bar ``2n - 1``, is the mean of the
    n DX values of bars n..2n-1; then ``ADX = (ADX * (n - 1) + DX) / n`` (Wilder, *New
    Concepts in Technical Trading Systems*, 1978). Flat prices (0/0): an undefined DX counts
    as 0 in the first mean and leaves ADX unchanged afterwards, as in TA-Lib, so a series
    that never moves reads ADX = 0 (no trend) and a halted stock keeps its last ADX.

    Equivalent to ``talib.ADX(high, low, close, timeperiod)``.

    NaN rule: a bar where an input is NaN or infinite outputs NaN, and ADX re-seeds from the
    next clean bar as at the start of a series (a fresh warm-up of ``2n - 1`` bars). TA-Lib
    instead freezes ADX at its last value for the rest of the series after a NaN high or
    low, and silently drops a NaN close from its true range.
    """
    return _directional(high, low, close, timeperiod, _ADX)


@indicator(
    inputs=("high", "low", "close"),
    lookback=_adxr_lookback,
    warmup=_adxr_warmup,
    timeperiod=Param(14, 2, 100_000, doc="Smoothing period."),
)
def adxr(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Average directional movement index rating (ADXR), 0..100.

    Returns
    -------
    ndarray of float64
        Same length as the inputs; the first ``3 * timeperiod - 2`` values are NaN.

    Notes
    -----
    ``ADXR[t] = (ADX[t] + ADX[t - (n - 1)]) / 2`` with ADX as in :func:`adx` (Wilder, 1978).

    Equivalent to ``talib.ADXR(high, low, close, timeperiod)``.

    NaN rule: a bar where an input is NaN or infinite outputs NaN; ADX re-seeds from the next
    clean bar, so ADXR is NaN for the ``3n - 2`` bars after it (a fresh warm-up).
    """
    return _adxr(high, low, close, timeperiod)


@indicator(
    inputs=("high", "low"),
    lookback=_di_lookback,
    outputs=("aroondown", "aroonup"),
    timeperiod=Param(
        14, 2, 100_000, doc="Look-back period (the window holds ``timeperiod + 1`` bars)."
    ),
)
def aroon(high: F64Array, low: F64Array, timeperiod: int = 14) -> tuple[F64Array, F64Array]:
    """Aroon down and up, 0..100: how recent the lowest low and highest high are.

    Returns
    -------
    (aroondown, aroonup) : tuple of ndarray of float64
        TA-Lib's output order; each the length of the inputs, the first ``timeperiod``
        values NaN.

    Notes
    -----
    ``up = 100 * (n - bars since the highest high) / n`` and
    ``down = 100 * (n - bars since the lowest low) / n`` over the last ``n + 1`` bars; on a
    tie the latest bar counts, as in TA-Lib, so a flat window reads up = down = 100 (the
    current bar *is* the high and the low; no division is involved). Chande and Kroll,
    *The New Technical Trader*, 1994.

    Equivalent to ``talib.AROON(high, low, timeperiod)``.

    NaN rule: a bar where an input is NaN or infinite outputs NaN, and the next value comes
    once the window holds ``n + 1`` clean bars again (a fresh warm-up); TA-Lib's comparisons
    silently skip a NaN.
    """
    down = np.full(len(high), np.nan)  # NumPy buffers: huge pages, fewer page faults
    up = np.full(len(high), np.nan)
    _aroon_into(high, low, timeperiod, down, up, False)
    return down, up


@indicator(
    inputs=("high", "low"),
    lookback=_di_lookback,
    timeperiod=Param(14, 2, 100_000, doc="Look-back period."),
)
def aroonosc(high: F64Array, low: F64Array, timeperiod: int = 14) -> F64Array:
    """Aroon oscillator, -100..100: Aroon up minus Aroon down.

    Returns
    -------
    ndarray of float64
        Same length as the inputs; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``aroonup - aroondown`` as in :func:`aroon`; a flat window reads 0.

    Equivalent to ``talib.AROONOSC(high, low, timeperiod)``.

    NaN rule: as :func:`aroon`.
    """
    out = np.full(len(high), np.nan)
    _aroon_into(high, low, timeperiod, out, out[:0], True)
    return out
