"""The worker's check of every source's candles, built-in or third-party.

:func:`check_candles` runs once per symbol, right after ``get_candles``, so the promise of
:class:`~candlescan.ICandleRepository` (``InvalidCandlesError`` for bad bars) holds for any
source. It is one compiled pass over the bars (about a microsecond for a year of daily
bars) that stops at the first problem:

* a missing (NaT), duplicate or out-of-order timestamp;
* bars closer together than the timeframe allows (half a bar for intraday and daily
  bars, 3 days for weekly and 20 for monthly ones, except the last bar, which may close
  a partial period one day later): a source that returns hourly bars for a daily job or
  daily bars for a weekly one, i.e. more bars than the range can hold;
* ``high < low`` (NaN prices are missing bars and pass);
* a negative volume.

Bars with a missing price (NaN open, high, low or close) are not errors, since
indicators skip them, but the same pass counts them so the result can say so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from candlescan.entities import Candles, DateRange, Timeframe, stamp_text
from candlescan.errors import InvalidCandlesError

__all__ = ["check_candles", "min_step"]

_NS_PER_MINUTE = 60 * 10**9
_MINUTES = {"1m": 1, "5m": 5, "15m": 15, "30m": 30, "1h": 60, "4h": 240, "1d": 1440}

_OK, _NAT, _ORDER, _CLOSE, _INVERTED, _NEGATIVE = range(6)
_NAT_VALUE = int(np.iinfo(np.int64).min)


def min_step(timeframe: Timeframe) -> tuple[int, int]:
    """The smallest gap between two bars of ``timeframe``, and before the last bar (ns)."""
    minutes = _MINUTES.get(timeframe.value)
    if minutes is not None:
        return minutes * _NS_PER_MINUTE // 2, minutes * _NS_PER_MINUTE // 2
    # A week closes on its last trading day (Friday, or Thursday before a holiday); a
    # month on a day >= the 20th; the last bar may be a period so far, a day later.
    days = 3 if timeframe is Timeframe.W1 else 20
    return days * 1440 * _NS_PER_MINUTE, 1440 * _NS_PER_MINUTE


def check_candles(candles: Candles, timeframe: Timeframe, date_range: DateRange) -> str | None:
    """Raise :class:`InvalidCandlesError` naming the first bad bar of ``candles``.

    :returns: a warning for the result when some bars have a missing price, else ``None``.
    """
    stamps = candles.timestamps.view(np.int64)
    step, last_step = min_step(timeframe)
    scan = _scanner()
    c = candles
    code, row, missing, first = scan(
        stamps, c.open, c.high, c.low, c.close, c.volume, step, last_step
    )
    if code != _OK:
        raise InvalidCandlesError(candles.symbol, row, _reason(candles, timeframe, code, row))
    if not missing:
        return None
    bars = "bar has" if missing == 1 else "bars have"
    return (
        f"{missing} loaded {bars} a missing price (first {stamp_text(candles.timestamps[first])})"
    )


def _reason(candles: Candles, timeframe: Timeframe, code: int, row: int) -> str:
    stamps = candles.timestamps
    if code == _NAT:
        return "missing timestamp"
    when = stamp_text(stamps[row])
    if code == _ORDER:
        kind = "duplicate" if stamps[row] == stamps[row - 1] else "out-of-order"
        return f"{kind} timestamp {when} after {stamp_text(stamps[row - 1])}"
    if code == _CLOSE:
        return (
            f"bar {when} follows {stamp_text(stamps[row - 1])} too closely for {timeframe.value} "
            "bars (is the source returning another timeframe?)"
        )
    if code == _INVERTED:
        return f"high {candles.high[row]:g} < low {candles.low[row]:g} on {when}"
    return f"negative volume {candles.volume[row]:g} on {when}"


_SCANNER: Any = None


def _scanner() -> Any:
    """The compiled loop, built on first use (Numba stays out of the parent's imports)."""
    global _SCANNER
    if _SCANNER is None:
        from candlescan.kernels._config import njit

        _SCANNER = njit(_scan)
    return _SCANNER


def _scan(
    stamps: Any,
    open_: Any,
    high: Any,
    low: Any,
    close: Any,
    volume: Any,
    step: int,
    last_step: int,
) -> tuple[int, int, int, int]:  # pragma: no cover - compiled
    """(problem, its row, bars with a missing price, the first of them)."""
    n = len(stamps)
    missing, first = 0, -1
    for i in range(n):
        if stamps[i] == _NAT_VALUE:
            return _NAT, i, missing, first
        if i > 0:
            gap = stamps[i] - stamps[i - 1]
            if gap <= 0:
                return _ORDER, i, missing, first
            if gap < (last_step if i == n - 1 else step):
                return _CLOSE, i, missing, first
        if high[i] < low[i]:
            return _INVERTED, i, missing, first
        if volume[i] < 0:
            return _NEGATIVE, i, missing, first
        # NaN != NaN: one comparison per price finds a missing one.
        if open_[i] != open_[i] or high[i] != high[i] or low[i] != low[i] or close[i] != close[i]:
            if missing == 0:
                first = i
            missing += 1
    return _OK, -1, missing, first
