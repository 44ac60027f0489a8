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

import math

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array, Param, indicator

__all__ = ["bop", "cci", "mfi", "ultosc", "willr"]

_PERIOD = Param(14, 2, 100_000)


@njit
def _clean(a: F64Array, b: F64Array, cl: F64Array, d: F64Array, t: int) -> bool:
    return (
        math.isfinite(a[t]) and math.isfinite(b[t]) and math.isfinite(cl[t]) and math.isfinite(d[t])
    )


@njit
def _segment(a: F64Array, b: F64Array, cl: F64Array, d: F64Array, start: int) -> tuple[int, int]:
    """The next run ``[begin, end)`` of bars whose inputs are all finite, from ``start``."""
    n = len(a)
    begin = start
    while begin < n and not _clean(a, b, cl, d, begin):
        begin += 1
    end = begin
    while end < n and _clean(a, b, cl, d, end):
        end += 1
    return begin, end


# --- cci ----------------------------------------------------------------------------------


@njit
def _cci(hi: F64Array, lo: F64Array, cl: F64Array, p: int) -> F64Array:
    n = len(hi)
    out = np.full(n, np.nan)
    ring = np.empty(p)
    begin = 0
    while begin < n:
        begin, end = _segment(hi, lo, cl, cl, begin)
        slot = 0
        for t in range(begin, end):
            typical = (hi[t] + lo[t] + cl[t]) / 3
            ring[slot] = typical
            slot = slot + 1 if slot + 1 < p else 0
            if t - begin < p - 1:
                continue
            # TA-Lib sums the ring in slot order, not bar order; matching it matters when
            # the deviation from the mean is tiny and the ratio amplifies rounding.
            average = 0.0
            for j in range(p):
                average += ring[j]
            average /= p
            deviation = 0.0
            for j in range(p):
                deviation += abs(ring[j] - average)
            distance = typical - average
            # TA-Lib's dead zone: TP within 1e-14 of its mean's size is on the mean.
            on_mean = abs(distance) <= 1e-14 * (abs(typical) + abs(average))
            if not on_mean and deviation != 0.0:
                out[t] = distance / (0.015 * (deviation / p))
            else:
                out[t] = 0.0
        begin = end
    return out


# --- willr --------------------------------------------------------------------------------


@njit
def _willr(hi: F64Array, lo: F64Array, cl: F64Array, p: int) -> F64Array:
    n = len(hi)
    out = np.full(n, np.nan)
    begin = 0
    while begin < n:
        begin, end = _segment(hi, lo, cl, cl, begin)
        low_at = -1
        high_at = -1
        lowest = 0.0
        highest = 0.0
        for t in range(begin + p - 1, end):
            trailing = t - p + 1
            if low_at < trailing:  # the extreme left the window: rescan it
                low_at = trailing
                lowest = lo[trailing]
                for i in range(trailing + 1, t + 1):
                    if lo[i] < lowest:
                        low_at = i
                        lowest = lo[i]
            elif lo[t] <= lowest:
                low_at = t
                lowest = lo[t]
            if high_at < trailing:
                high_at = trailing
                highest = hi[trailing]
                for i in range(trailing + 1, t + 1):
                    if hi[i] > highest:
                        high_at = i
                        highest = hi[i]
            elif hi[t] >= highest:
                high_at = t
                highest = hi[t]
            spread = highest - lowest
            out[t] = -100.0 * ((highest - cl[t]) / spread) if spread != 0.0 else -50.0
        begin = end
    return out


# --- mfi ----------------------------------------------------------------------------------


@njit
def _mfi(hi: F64Array, lo: F64Array, cl: F64Array, vol: F64Array, p: int) -> F64Array:
    n = len(hi)
    out = np.full(n, np.nan)
    positive = np.zeros(p)
    negative = np.zeros(p)
    begin = 0
    while begin < n:
        begin, end = _segment(hi, lo, cl, vol, begin)
        if end - begin <= p:
            begin = end
            continue
        previous = (hi[begin] + lo[begin] + cl[begin]) / 3.0
        pos_sum = 0.0
        neg_sum = 0.0
        null_run = 0  # consecutive bars without money flow: an empty window is known exactly
        slot = 0
        for t in range(begin + 1, end):
            if t > begin + p:
                pos_sum -= positive[slot]
                neg_sum -= negative[slot]
            typical = (hi[t] + lo[t] + cl[t]) / 3.0
            change = typical - previous
            scale = abs(typical) + abs(previous)
            previous = typical
            # TA-Lib's dead zone: a change within 1e-14 of the prices' size is no change.
            flow = 0.0 if abs(change) <= 1e-14 * scale else typical * vol[t]
            positive[slot] = 0.0 if change < 0.0 else flow
            negative[slot] = flow if change < 0.0 else 0.0
            pos_sum += positive[slot]
            neg_sum += negative[slot]
            null_run = null_run + 1 if flow == 0.0 else 0
            if null_run >= p:
                null_run = p
                pos_sum = 0.0
                neg_sum = 0.0
            slot = slot + 1 if slot + 1 < p else 0
            if t < begin + p:
                continue
            total = pos_sum + neg_sum
            if null_run >= p:
                out[t] = 50.0  # no money flow in the window: neutral (TA-Lib: 0)
            elif total <= 0.0:
                out[t] = 0.0
            else:
                clamped = 0.0 if pos_sum < 0.0 else (total if pos_sum > total else pos_sum)
                out[t] = 100.0 * (clamped / total)
        begin = end
    return out


# --- ultosc -------------------------------------------------------------------------------


@njit
def _ultosc(hi: F64Array, lo: F64Array, cl: F64Array, p1: int, p2: int, p3: int) -> F64Array:
    # TA-Lib sorts the periods: the shortest gets weight 4, the longest weight 1.
    short = min(p1, p2, p3)
    long = max(p1, p2, p3)
    mid = p1 + p2 + p3 - short - long
    n = len(hi)
    out = np.full(n, np.nan)
    pressure = np.zeros(long)  # ring of the last `long` bars' terms
    ranges = np.zeros(long)
    begin = 0
    while begin < n:
        begin, end = _segment(hi, lo, cl, cl, begin)
        if end - begin <= long:
            begin = end
            continue
        a1 = a2 = a3 = b1 = b2 = b3 = 0.0
        k1 = k2 = k3 = 0  # bars with a non-zero true range in each window (exact 0/0 test)
        first = begin + long
        for t in range(begin + 1, end):
            true_low = min(lo[t], cl[t - 1])
            bp = cl[t] - true_low
            tr = hi[t] - lo[t]
            gap = abs(cl[t - 1] - hi[t])
            if gap > tr:
                tr = gap
            gap = abs(cl[t - 1] - lo[t])
            if gap > tr:
                tr = gap
            moved = 1 if tr != 0.0 else 0
            pressure[t % long] = bp
            ranges[t % long] = tr
            if t > first - short:
                a1 += bp
                b1 += tr
                k1 += moved
            if t > first - mid:
                a2 += bp
                b2 += tr
                k2 += moved
            a3 += bp
            b3 += tr
            k3 += moved
            if t < first:
                continue
            # An average over a window without any range is 0/0: read it as the neutral 0.5
            # (TA-Lib drops the term, pulling the oscillator toward 0).
            output = 0.0
            if k1 == 0:
                output += 4.0 * 0.5
            elif b1 != 0.0:
                output += 4.0 * (a1 / b1)
            if k2 == 0:
                output += 2.0 * 0.5
            elif b2 != 0.0:
                output += 2.0 * (a2 / b2)
            if k3 == 0:
                output += 0.5
            elif b3 != 0.0:
                output += a3 / b3
            out[t] = 100.0 * (output / 7.0)
            # Remove the bars that leave each window before the next bar.
            s = (t - short + 1) % long
            a1 -= pressure[s]
            b1 -= ranges[s]
            k1 -= 1 if ranges[s] != 0.0 else 0
            s = (t - mid + 1) % long
            a2 -= pressure[s]
            b2 -= ranges[s]
            k2 -= 1 if ranges[s] != 0.0 else 0
            s = (t - long + 1) % long
            a3 -= pressure[s]
            b3 -= ranges[s]
            k3 -= 1 if ranges[s] != 0.0 else 0
        begin = end
    return out


# --- bop ----------------------------------------------------------------------------------


@njit
def _bop(op: F64Array, hi: F64Array, lo: F64Array, cl: F64Array) -> F64Array:
    n = len(op)
    out = np.full(n, np.nan)
    for t in range(n):
        if _clean(op, hi, lo, cl, t):
            spread = hi[t] - lo[t]
            out[t] = (cl[t] - op[t]) / spread if spread > 0.0 else 0.0
    return out


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


@indicator(inputs=("high", "low", "close"), lookback=_window_lookback, timeperiod=_PERIOD)
def cci(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Commodity channel index (CCI).

    Parameters
    ----------
    high, low, close : ndarray of float64
        Bar prices, same length.
    timeperiod : int, default 14
        Window length, 2..100000.

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
    does, so that the values match it to the last bit.

    Equivalent to ``talib.CCI(high, low, close, timeperiod)``.

    NaN rule: a bar where an input is NaN or infinite outputs NaN, and the next value comes
    once the window holds ``timeperiod`` clean bars again (a fresh warm-up).
    """
    return _cci(high, low, close, timeperiod)


@indicator(inputs=("high", "low", "close"), lookback=_window_lookback, timeperiod=_PERIOD)
def willr(high: F64Array, low: F64Array, close: F64Array, timeperiod: int = 14) -> F64Array:
    """Williams' %R, -100..0.

    Parameters
    ----------
    high, low, close : ndarray of float64
        Bar prices, same length.
    timeperiod : int, default 14
        Window length, 2..100000.

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
    once the window holds ``timeperiod`` clean bars again (a fresh warm-up).
    """
    return _willr(high, low, close, timeperiod)


@indicator(inputs=("high", "low", "close", "volume"), lookback=_mfi_lookback, timeperiod=_PERIOD)
def mfi(
    high: F64Array, low: F64Array, close: F64Array, volume: F64Array, timeperiod: int = 14
) -> F64Array:
    """Money flow index (MFI), 0..100.

    Parameters
    ----------
    high, low, close, volume : ndarray of float64
        Bar prices and volume, same length.
    timeperiod : int, default 14
        Window length, 2..100000.

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
    once ``timeperiod + 1`` clean bars are available again (a fresh warm-up).
    """
    return _mfi(high, low, close, volume, timeperiod)


@indicator(
    inputs=("high", "low", "close"),
    lookback=_ultosc_lookback,
    timeperiod1=Param(7, 1, 100_000),
    timeperiod2=Param(14, 1, 100_000),
    timeperiod3=Param(28, 1, 100_000),
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

    Parameters
    ----------
    high, low, close : ndarray of float64
        Bar prices, same length.
    timeperiod1, timeperiod2, timeperiod3 : int, default 7, 14, 28
        The three window lengths, each 1..100000. As in TA-Lib they are sorted first: the
        shortest window gets weight 4, the middle one 2, the longest 1.

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
    once ``max(timeperiods) + 1`` clean bars are available again (a fresh warm-up).
    """
    return _ultosc(high, low, close, timeperiod1, timeperiod2, timeperiod3)


@indicator(inputs=("open", "high", "low", "close"), lookback=_bop_lookback)
def bop(open: F64Array, high: F64Array, low: F64Array, close: F64Array) -> F64Array:
    """Balance of power, -1..1.

    Parameters
    ----------
    open, high, low, close : ndarray of float64
        Bar prices, same length.

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
    return _bop(open, high, low, close)
