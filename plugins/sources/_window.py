"""The one place that turns a symbol's full history into what a job asked for.

Every built-in source loads a symbol's whole native series, validates it once, and hands
it to :func:`select_window`, which

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

__all__ = ["check_warmup", "select_window"]


def check_warmup(warmup_bars: int) -> int:
    """``warmup_bars`` as a non-negative ``int``; ``ValueError``/``TypeError`` otherwise."""
    bars = operator.index(warmup_bars)
    if bars < 0:
        raise ValueError(f"warmup_bars must be >= 0, got {bars}")
    return bars


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
