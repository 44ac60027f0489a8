"""Bounded oscillators over high/low/close/volume (cci, willr, mfi, ultosc, bop).

Every kernel here follows TA-Lib 0.8.2 bar for bar on finite input, with two deliberate
differences, both documented in each kernel's Notes:

* the NaN rule: a bar where any input is NaN or infinite outputs NaN, and the indicator
  restarts on the next clean bar exactly as at the start of a series (a fresh warm-up of
  ``lookback`` bars), so one bad bar never poisons the rest of the series;
* 0/0 on flat prices reads neutral, not extreme: WILLR -50 (TA-Lib 0, the top of its
  range), MFI 50 and each ULTOSC average 0.5 (TA-Lib 0, the bottom of the range).
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._meta import F64Array, Param, indicator
from candlescan.kernels._oscillators import _bop_into, _cci, _mfi, _ultosc_into, _willr_into

__all__ = ["bop", "cci", "mfi", "ultosc", "willr"]


# --- lookbacks ----------------------------------------------------------------------------


def _window_lookback(timeperiod: int) -> int:
    return timeperiod - 1


def _mfi_lookback(timeperiod: int) -> int:
    return timeperiod


def _ultosc_lookback(timeperiod1: int, timeperiod2: int, timeperiod3: int) -> int:
    return max(timeperiod1, timeperiod2, timeperiod3)


def _bop_lookback() -> int:
    return 0


# --- public kernels -----------------------------------------------------------------------


@indicator(
    inputs=("high", "low", "close"),
    lookback=_window_lookback,
    timeperiod=Param(14, 2, 100_000, doc="Window length."),
)
def cci(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Commodity channel index (CCI).

    Returns
    -------
    ndarray of float64
        Same length as the inputs; the first ``timeperiod - 1`` values are NaN.

    Notes
    -----
    ``TP = (H + L + C) / 3``; ``CCI = (TP - SMA_n(TP)) / (0.015 * MD)`` where ``MD`` is the
    mean absolute deviation of the window's TP about ``SMA_n(TP)`` (Lambert, *Commodities*,
    1980). Flat prices (MD = 0) and TP exactly on its mean read 0, as in TA-Lib: 0 is the
    neutral middle of CCI. The window is summed every bar, O(n * timeperiod), as TA-Lib
    does (in four partial sums: the same values up to rounding).

    Equivalent to ``talib.CCI(high, low, close, timeperiod)``.

    NaN rule: a bar where an input is NaN or infinite outputs NaN, and the next value comes
    once the window holds ``timeperiod`` clean bars again (a fresh warm-up), as TA-Lib does.
    """
    return _cci(high, low, close, timeperiod)


@indicator(
    inputs=("high", "low", "close"),
    lookback=_window_lookback,
    timeperiod=Param(14, 2, 100_000, doc="Window length."),
)
def willr(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Williams' %R, -100..0.

    Returns
    -------
    ndarray of float64
        Same length as the inputs; the first ``timeperiod - 1`` values are NaN.

    Notes
    -----
    ``%R = -100 * (HH - C) / (HH - LL)`` with ``HH``/``LL`` the highest high and lowest low
    of the last ``timeperiod`` bars (Williams, 1973). Flat prices (``HH == LL``, 0/0) read
    **-50**, the neutral middle; TA-Lib returns 0 there, the overbought extreme, so a flat
    or halted stock would match every ``willr > -20`` screen.

    Equivalent to ``talib.WILLR(high, low, close, timeperiod)`` except on flat windows.

    NaN rule: a bar where an input is NaN or infinite outputs NaN, and the next value comes
    once the window holds ``timeperiod`` clean bars again (a fresh warm-up); TA-Lib's
    comparisons silently skip a NaN.
    """
    out = np.empty(len(high))  # NumPy buffer: huge pages, fewer page faults than Numba's
    _willr_into(high, low, close, timeperiod, out)
    return out


@indicator(
    inputs=("high", "low", "close", "volume"),
    lookback=_mfi_lookback,
    timeperiod=Param(14, 2, 100_000, doc="Window length."),
)
def mfi(
    high: F64Array, low: F64Array, close: F64Array, volume: F64Array, timeperiod: int = 14
) -> F64Array:
    """Money flow index (MFI), 0..100.

    Returns
    -------
    ndarray of float64
        Same length as the inputs; the first ``timeperiod`` values are NaN.

    Notes
    -----
    ``TP = (H + L + C) / 3`` and money flow ``TP * V``. A bar's flow is positive when TP rose
    from the previous bar, negative when it fell; when TP is unchanged (TA-Lib's dead zone:
    ``|dTP| <= 1e-14 * (|TP| + |TPprev|)``) the bar has no flow. ``MFI = 100 * pos / (pos +
    neg)`` over the last ``timeperiod`` bars (Quong and Soudack, 1989). A window with no
    money flow at all (flat typical price, or zero volume; 0/0) reads **50**, neutral;
    TA-Lib returns 0 there, the oversold extreme.

    Equivalent to ``talib.MFI(high, low, close, volume, timeperiod)`` except on windows
    without money flow.

    NaN rule: a bar where an input is NaN or infinite outputs NaN, and the next value comes
    once ``timeperiod + 1`` clean bars are available again (a fresh warm-up); TA-Lib returns
    NaN to the end of the series.
    """
    return _mfi(high, low, close, volume, timeperiod)


@indicator(
    inputs=("high", "low", "close"),
    lookback=_ultosc_lookback,
    timeperiod1=Param(
        7,
        1,
        100_000,
        doc=(
            "The three window lengths. As in TA-Lib they are sorted first: the shortest window "
            "gets weight 4, the middle one 2, the longest 1."
        ),
    ),
    timeperiod2=Param(
        14,
        1,
        100_000,
        doc=(
            "The three window lengths. As in TA-Lib they are sorted first: the shortest window "
            "gets weight 4, the middle one 2, the longest 1."
        ),
    ),
    timeperiod3=Param(
        28,
        1,
        100_000,
        doc=(
            "The three window lengths. As in TA-Lib they are sorted first: the shortest window "
            "gets weight 4, the middle one 2, the longest 1."
        ),
    ),
)
def ultosc(
    high: F64Array,
    low: F64Array,
    close: F64Array,
    timeperiod1: int = 7,
    timeperiod2: int = 14,
    timeperiod3: int = 28,
) -> F64Array:
    """Ultimate oscillator, 0..100.

    Returns
    -------
    ndarray of float64
        Same length as the inputs; the first ``max(timeperiods)`` values are NaN.

    Notes
    -----
    Buying pressure ``BP = C - min(L, Cprev)``, true range ``TR = max(H, Cprev) -
    min(L, Cprev)``; ``A_k = sum(BP) / sum(TR)`` over each window and
    ``ULTOSC = 100 * (4 A_short + 2 A_mid + A_long) / 7`` (Williams, 1985). A window without
    any true range (flat prices, 0/0) counts as the neutral ``A = 0.5``; TA-Lib drops the
    term instead, so a flat stock reads 0, the oversold extreme.

    Equivalent to ``talib.ULTOSC(high, low, close, timeperiod1, timeperiod2, timeperiod3)``
    except on windows without range.

    NaN rule: a bar where an input is NaN or infinite outputs NaN, and the next value comes
    once ``max(timeperiods) + 1`` clean bars are available again (a fresh warm-up); TA-Lib
    reads 0 or NaN to the end of the series.
    """
    out = np.empty(len(high))  # NumPy buffer: see willr
    _ultosc_into(high, low, close, timeperiod1, timeperiod2, timeperiod3, out)
    return out


@indicator(inputs=("open", "high", "low", "close"), lookback=_bop_lookback)
def bop(open: F64Array, high: F64Array, low: F64Array, close: F64Array) -> F64Array:
    """Balance of power, -1..1.

    Returns
    -------
    ndarray of float64
        Same length as the inputs; no warm-up (lookback 0).

    Notes
    -----
    ``BOP = (C - O) / (H - L)`` (Livshin, *Stocks & Commodities*, 2001). A bar with
    ``H - L <= 0`` (a flat bar, 0/0, or an inverted bar) reads 0, as in TA-Lib; 0 is the
    neutral middle of BOP.

    Equivalent to ``talib.BOP(open, high, low, close)``.

    NaN rule: a bar where an input is NaN or infinite outputs NaN; other bars are
    unaffected.
    """
    out = np.empty(len(open))  # NumPy buffer: see willr
    _bop_into(open, high, low, close, out)
    return out
