"""A stricter check than :meth:`Candles.validate` for sources that read stored files.

``Candles.validate`` (the contract every source meets) refuses unsorted or duplicate
timestamps, ``high < low`` and negative volume. Files from data vendors also contain bars
whose open or close lies outside their own ``[low, high]`` (a bad print, a half-adjusted
split); indicators such as stochastics silently produce nonsense on them. The file-backed
sources (``csv``, ``sample``) therefore also refuse those, naming the first such row. NaN
prices (missing values) are allowed, as in ``validate``.
"""

from __future__ import annotations

import numpy as np

from candlescan.entities import Candles
from candlescan.errors import InvalidCandlesError

__all__ = ["check_ohlc_bounds"]


def check_ohlc_bounds(candles: Candles) -> Candles:
    """Raise :class:`InvalidCandlesError` at the first bar with open or close outside
    ``[low, high]`` (comparisons with NaN never fail); return ``candles`` otherwise."""
    with np.errstate(invalid="ignore"):
        outside = (
            (candles.open < candles.low)
            | (candles.open > candles.high)
            | (candles.close < candles.low)
            | (candles.close > candles.high)
        )
    if outside.any():
        row = int(np.argmax(outside))
        name = "open" if not candles.low[row] <= candles.open[row] <= candles.high[row] else "close"
        value = candles.column(name)[row]
        raise InvalidCandlesError(
            candles.symbol,
            row,
            f"{name} {value:g} outside [low {candles.low[row]:g}, high {candles.high[row]:g}] "
            f"on {np.datetime_as_string(candles.timestamps[row], unit='D')}",
        )
    return candles
