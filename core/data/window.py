"""Timeframes at the source: the one helper that turns stored bars into what a job asked for.

A source that stores bars in one (native) timeframe serves any coarser one through
:func:`select_window` (``1m`` -> ``5m``, ``1h``, ``1d``; ``1d`` -> ``1w``, ``1mo``). Give it
the symbol's native bars up to the range end (the whole history, or only the last
:func:`native_warmup_bars` bars before the range when reading from a database), and it

1. drops the bars after ``date_range.end``,
2. resamples to the requested timeframe when it is coarser than the native one (a finer
   one is refused: candles cannot be split),
3. keeps the bars inside ``date_range`` plus up to ``warmup_bars`` bars before it.

Cutting at the range end *before* resampling matters: a weekly scan "as of" a Wednesday
gets the week so far as its last bar (stamped Wednesday), never the rest of that week.
"""

from __future__ import annotations

import operator

import numpy as np

from candlescan.data.resample import is_finer, resample
from candlescan.entities import Candles, DateRange, Timeframe
from candlescan.errors import DataSourceError

__all__ = ["check_warmup", "native_warmup_bars", "select_window"]

# The most native bars one bucket of a calendar timeframe can hold (a week has 7 days,
# a month 31 days or parts of 6 ISO weeks).
_CALENDAR_BUCKET = {
    (Timeframe.D1, Timeframe.W1): 7,
    (Timeframe.D1, Timeframe.MO1): 31,
    (Timeframe.W1, Timeframe.MO1): 6,
}


def check_warmup(warmup_bars: int) -> int:
    """``warmup_bars`` as a non-negative ``int``; ``ValueError``/``TypeError`` otherwise."""
    bars = operator.index(warmup_bars)
    if bars < 0:
        raise ValueError(f"warmup_bars must be >= 0, got {bars}")
    return bars


def _bucket_bound(native: Timeframe, wanted: Timeframe) -> int:
    """The most ``native`` bars one ``wanted`` bar can aggregate."""
    if wanted is native:
        return 1
    known = _CALENDAR_BUCKET.get((native, wanted))
    if known is not None:
        return known
    if wanted in (Timeframe.W1, Timeframe.MO1):  # intraday into a calendar bucket
        day = _bucket_bound(native, Timeframe.D1)
        return day * (7 if wanted is Timeframe.W1 else 31)
    ns = np.timedelta64(1, "ns")
    ratio = (wanted.numpy_unit / ns) / (native.numpy_unit / ns)
    return max(1, int(np.ceil(ratio)))


def native_warmup_bars(native: Timeframe, timeframe: Timeframe | str, warmup_bars: int) -> int:
    """How many native bars before the range to load so that :func:`select_window` can
    return ``warmup_bars`` complete bars of ``timeframe`` before it.

    Enough for the bucket that straddles the range start plus ``warmup_bars`` whole
    buckets; a bucket cut short by the load falls before the warm-up and is dropped.
    """
    warmup = check_warmup(warmup_bars)
    wanted = Timeframe.parse(timeframe)
    if wanted is native or is_finer(wanted, native):
        return warmup
    return (warmup + 1) * _bucket_bound(native, wanted)


def select_window(
    series: Candles,
    native: Timeframe,
    timeframe: Timeframe | str,
    date_range: DateRange,
    warmup_bars: int = 0,
    *,
    source: str = "",
) -> Candles:
    """Bars of ``series`` inside ``date_range`` in ``timeframe``, with up to ``warmup_bars``
    earlier bars (counted in ``timeframe``).

    :param series: the symbol's whole, validated history in its ``native`` timeframe.
    :param native: the timeframe ``series`` is stored in.
    :param timeframe: the timeframe asked for (``native`` or coarser).
    :param date_range: the inclusive date range of the job.
    :param warmup_bars: bars wanted before ``date_range.start``.
    :param source: the source's description, for error messages.
    :returns: new candles (their arrays never alias ``series``).
    :raises DataSourceError: ``timeframe`` is finer than ``native``.
    """
    warmup = check_warmup(warmup_bars)
    try:
        wanted = Timeframe.parse(timeframe)
    except ValueError as exc:
        raise DataSourceError(str(exc)) from None
    if is_finer(wanted, native):
        where = f"{source} " if source else ""
        raise DataSourceError(
            f"{where}holds {native.value} bars; cannot provide {wanted.value} bars for "
            f"{series.symbol!r} (only the same or a coarser timeframe can be built)"
        )
    stop = int(np.searchsorted(series.timestamps, date_range.stop64, side="left"))
    if wanted is not native:
        # resample only what can matter: everything up to the range end
        series = resample(series.slice(0, stop) if stop < len(series) else series, wanted)
        stop = len(series)
    first = int(np.searchsorted(series.timestamps, date_range.start64, side="left"))
    return series.slice(max(0, first - warmup), stop)
