"""A base class for sources that can load one symbol's whole history at a time.

:class:`SeriesRepository` implements :meth:`~candlescan.ICandleRepository.get_candles` once
for every built-in source: load the symbol's native series (subclass), validate it once,
cache it for this process, then cut the requested window with
:func:`~candlescan.data.window.select_window`. The per-process cache is dropped
when the repository is pickled, so what travels to a worker is only the settings.

The cache is bounded by bytes (least recently used series evicted first): by default
256 MB per process, or ``CANDLESCAN_SOURCE_CACHE_MB`` (``0`` disables it), or the
``cache_bytes`` attribute of a repository. For data larger than that which you scan
repeatedly, ingest it into the store (``candlescan ingest``): its file is shared by all
workers through the operating system's page cache instead of a parsed copy in each.
"""

from __future__ import annotations

import abc
import os
from collections import OrderedDict
from typing import Any

import numpy as np

from candlescan.data.repository import ICandleRepository
from candlescan.data.window import check_warmup, select_window
from candlescan.entities import Candles, DateRange, Timeframe

__all__ = ["DEFAULT_CACHE_BYTES", "SeriesRepository", "span_of"]

#: The default bound of each process's series cache.
DEFAULT_CACHE_BYTES = 256 * 2**20


def _cache_bound() -> int:
    text = os.environ.get("CANDLESCAN_SOURCE_CACHE_MB", "").strip()
    try:
        return int(float(text) * 2**20) if text else DEFAULT_CACHE_BYTES
    except ValueError:
        return DEFAULT_CACHE_BYTES


def _size(candles: Candles) -> int:
    return len(candles) * 48  # six 8-byte columns


def span_of(first: np.datetime64, last: np.datetime64) -> DateRange:
    """The calendar dates from ``first`` to ``last`` (timestamps of the first and last bar)."""
    return DateRange(first.astype("datetime64[D]").item(), last.astype("datetime64[D]").item())


class SeriesRepository(ICandleRepository):
    """An :class:`~candlescan.ICandleRepository` built from whole per-symbol series.

    Subclasses set :attr:`native_timeframe` and implement :meth:`_load` and
    :meth:`symbols`; they may override :meth:`_validate` to phrase errors in their own
    terms (a file and line number). Set ``_cache_series = False`` when loading is cheaper
    than keeping every series in memory.
    """

    native_timeframe: Timeframe = Timeframe.D1
    _cache_series: bool = True

    def __init__(self) -> None:
        self._cache: OrderedDict[str, Candles] = OrderedDict()
        self._cached_bytes = 0
        #: Bound of this process's cache in bytes (``None``: the environment's default).
        self.cache_bytes: int | None = None

    # --- for subclasses ---------------------------------------------------------------

    @abc.abstractmethod
    def _load(self, symbol: str) -> Candles:
        """The symbol's whole history, oldest first; raise ``SymbolNotFoundError`` if none."""

    def _validate(self, series: Candles) -> Candles:
        """Check a freshly loaded series (whole history, so row numbers are file rows)."""
        return series.validate()

    # --- the interface ----------------------------------------------------------------

    def series(self, symbol: str) -> Candles:
        """The whole validated native series of ``symbol`` (cached in this process).

        The returned object is shared with the cache: do not modify its arrays.
        """
        cached = self._cache.get(symbol)
        if cached is not None:
            self._cache.move_to_end(symbol)
            return cached
        series = self._validate(self._load(symbol))
        if self._cache_series:
            self._remember(symbol, series)
        return series

    def _remember(self, symbol: str, series: Candles) -> None:
        bound = self.cache_bytes if self.cache_bytes is not None else _cache_bound()
        size = _size(series)
        if size > bound:
            return
        self._cache[symbol] = series
        self._cached_bytes += size
        while self._cached_bytes > bound:
            _, evicted = self._cache.popitem(last=False)
            self._cached_bytes -= _size(evicted)

    def get_candles(
        self,
        symbol: str,
        timeframe: Timeframe,
        date_range: DateRange,
        *,
        warmup_bars: int = 0,
    ) -> Candles:
        """Bars inside ``date_range`` plus up to ``warmup_bars`` earlier bars.

        A timeframe coarser than :attr:`native_timeframe` is built with
        :func:`candlescan.data.resample.resample`; a finer one raises ``DataSourceError``.
        """
        check_warmup(warmup_bars)
        return select_window(
            self.series(symbol),
            self.native_timeframe,
            timeframe,
            date_range,
            warmup_bars,
            source=self.describe(),
        )

    def close(self) -> None:
        """Forget the series cached in this process (they are reloaded on demand)."""
        self._cache.clear()
        self._cached_bytes = 0

    # --- pickling: settings travel, caches do not ---------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_cache"] = OrderedDict()
        state["_cached_bytes"] = 0
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
