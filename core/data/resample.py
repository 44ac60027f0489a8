"""Aggregate candles into a higher timeframe: :func:`resample`.

Rules (the usual OHLCV aggregation, written down so nobody has to guess):

* Each output bar groups the consecutive input bars that fall in the same **bucket** of the
  target timeframe: ISO weeks (Monday to Sunday) for ``1w``, calendar months for ``1mo``,
  calendar days (UTC) for ``1d``, and for intraday targets (``5m``, ``1h``, ``4h``, ...)
  fixed windows aligned to midnight UTC.
* ``open`` is the first, ``close`` the last, ``high`` the largest and ``low`` the smallest
  value in the bucket, and ``volume`` the sum. NaN values (missing prices) are skipped, as
  in pandas; a column that is NaN on every bar of a bucket stays NaN.
* Each output bar is stamped with the timestamp of its **last input bar**, i.e. the moment
  the bar was complete. A weekly bar built from Monday..Friday daily bars carries Friday's
  date, so a formula evaluated "on" that timestamp only ever sees data that existed then:
  resampling never looks ahead. (pandas stamps a bucket with its label instead, e.g. the
  week-ending Sunday or the month start; the values are the same, the stamps differ.)
* A bucket with no input bar produces no output bar (there are no empty bars).

Only buckets are computed, nothing is interpolated, so resampling a series to its own
timeframe returns it unchanged.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from candlescan.entities import Candles, Timeframe
from candlescan.errors import DataSourceError, InvalidCandlesError

__all__ = ["is_finer", "resample", "timeframe_rank"]

#: Timeframes from finest to coarsest; the enum lists them in this order.
_ORDER: tuple[Timeframe, ...] = tuple(Timeframe)

# 1970-01-01 was a Thursday; ISO weeks start on Monday, three days later in the week.
_ISO_WEEK_SHIFT = 3


def timeframe_rank(timeframe: Timeframe | str) -> int:
    """Position of ``timeframe`` from finest (``1m`` = 0) to coarsest (``1mo``)."""
    return _ORDER.index(Timeframe.parse(timeframe))


def is_finer(a: Timeframe | str, b: Timeframe | str) -> bool:
    """True when bars of ``a`` are shorter than bars of ``b`` (``is_finer("1d", "1w")``)."""
    return timeframe_rank(a) < timeframe_rank(b)


def _bucket_keys(stamps: npt.NDArray[np.datetime64], timeframe: Timeframe) -> npt.NDArray[np.int64]:
    """An integer per bar that is equal exactly for bars in the same target bucket."""
    if timeframe is Timeframe.MO1:
        return stamps.astype("datetime64[M]").view(np.int64)
    if timeframe is Timeframe.W1:
        days = stamps.astype("datetime64[D]").view(np.int64)
        # floor division keeps dates before 1970 in the right week too
        weeks: npt.NDArray[np.int64] = (days + _ISO_WEEK_SHIFT) // 7
        return weeks
    unit = int(timeframe.numpy_unit.astype("timedelta64[ns]").astype(np.int64))
    windows: npt.NDArray[np.int64] = stamps.astype("datetime64[ns]").view(np.int64) // unit
    return windows


def _first_valid(
    values: npt.NDArray[np.float64], starts: npt.NDArray[np.intp], last: bool
) -> npt.NDArray[np.float64]:
    """First (or last) non-NaN value of each bucket; NaN when the bucket has none."""
    n = len(values)
    positions = np.arange(n, dtype=np.int64)
    valid = ~np.isnan(values)
    if last:
        chosen = np.maximum.reduceat(np.where(valid, positions, -1), starts)
        missing = chosen < 0
    else:
        chosen = np.minimum.reduceat(np.where(valid, positions, n), starts)
        missing = chosen >= n
    out: npt.NDArray[np.float64] = values[np.clip(chosen, 0, n - 1)]
    out[missing] = np.nan
    return out


def resample(candles: Candles, timeframe: Timeframe | str) -> Candles:
    """Aggregate ``candles`` into bars of ``timeframe`` (see the module docs for the rules).

    :param candles: bars in time order (validated candles are).
    :param timeframe: the target timeframe, e.g. ``"1w"``.
    :returns: new candles, one bar per non-empty bucket, each stamped with the timestamp of
        the last input bar in its bucket.
    :raises InvalidCandlesError: the timestamps are not in increasing order.
    :raises DataSourceError: ``timeframe`` is not a known timeframe.
    """
    try:
        target = Timeframe.parse(timeframe)
    except ValueError as exc:
        raise DataSourceError(str(exc)) from None
    stamps = candles.timestamps
    if len(stamps) == 0:
        return candles.slice(0, 0)
    steps = np.diff(stamps.view(np.int64))
    if (steps < 0).any():
        row = int(np.argmax(steps < 0)) + 1
        raise InvalidCandlesError(
            candles.symbol, row, f"cannot resample: timestamp {stamps[row]} is out of order"
        )
    keys = _bucket_keys(stamps, target)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(stamps)] - 1

    with np.errstate(invalid="ignore"):
        # fmax/fmin ignore a NaN when the other operand is a number, as pandas' max/min do
        high = np.fmax.reduceat(candles.high, starts)
        low = np.fmin.reduceat(candles.low, starts)
    volume_known = ~np.isnan(candles.volume)
    volume = np.add.reduceat(np.where(volume_known, candles.volume, 0.0), starts)
    volume[np.add.reduceat(volume_known.astype(np.int64), starts) == 0] = np.nan
    return Candles(
        candles.symbol,
        stamps[ends],
        _first_valid(candles.open, starts, last=False),
        high,
        low,
        _first_valid(candles.close, starts, last=True),
        volume,
    )
