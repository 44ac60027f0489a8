"""Long-format columns (one row per bar, many symbols) into per-symbol candles.

A database or Parquet query returns a chunk of symbols as a few long arrays sorted by
(symbol, time). :func:`split_long` cuts them into one :class:`~candlescan.Candles` per
symbol with a single vectorised pass (``searchsorted`` on the symbol positions), so no
Python code runs per row. Missing prices may arrive as masked arrays (SQL ``NULL``);
they become NaN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from candlescan.entities import Candles

__all__ = ["PRICE_COLUMNS", "as_float64", "split_long"]

#: The price and volume columns, in the order every query of this package selects them.
PRICE_COLUMNS = ("open", "high", "low", "close", "volume")


def as_float64(values: Any) -> npt.NDArray[np.float64]:
    """A C-contiguous float64 copy of ``values``; masked (NULL) entries become NaN."""
    if isinstance(values, np.ma.MaskedArray):
        values = np.ma.filled(values.astype(np.float64), np.nan)
    return np.ascontiguousarray(values, dtype=np.float64)


def _is_sorted(where: npt.NDArray[np.int64], times: npt.NDArray[np.datetime64]) -> bool:
    if len(where) < 2:
        return True
    step = np.diff(where)
    same = step == 0
    return bool((step >= 0).all() and (np.diff(times.view(np.int64))[same] > 0).all())


def split_long(
    symbols: Sequence[str],
    positions: npt.ArrayLike,
    stamps: npt.ArrayLike,
    columns: Mapping[str, Any],
) -> dict[str, Candles]:
    """Candles per symbol from long arrays (sorted here by ``(positions, stamps)`` if needed).

    :param symbols: the chunk's symbols; ``positions`` index into it (0-based).
    :param positions: for each row, the position of its symbol in ``symbols``.
    :param stamps: for each row, its timestamp (anything numpy casts to ``datetime64[ns]``).
    :param columns: ``open``, ``high``, ``low``, ``close`` and ``volume`` arrays, row-aligned.
    :returns: ``{symbol: candles}`` for every symbol of ``symbols`` (empty candles for a
        symbol without rows; the caller decides whether that means "unknown").
    """
    where = np.asarray(positions, dtype=np.int64)
    times = np.asarray(stamps).astype("datetime64[ns]")
    prices = [as_float64(columns[name]) for name in PRICE_COLUMNS]
    if not _is_sorted(where, times):
        # an engine may return rows in any order: sorting here is cheaper than in SQL
        order = np.lexsort((times, where))
        where, times = where[order], times[order]
        prices = [column[order] for column in prices]
    bounds = np.searchsorted(where, np.arange(len(symbols) + 1))
    out: dict[str, Candles] = {}
    for index, symbol in enumerate(symbols):
        lo, hi = int(bounds[index]), int(bounds[index + 1])
        # Candles copies each slice into its own C-contiguous array
        out[symbol] = Candles(symbol, times[lo:hi], *(column[lo:hi] for column in prices))
    return out
