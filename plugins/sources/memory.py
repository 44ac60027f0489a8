"""``memory``: candles the host already holds, as arrays or DataFrame-like tables.

Example::

    repo = MemoryRepository.from_arrays({
        "AAPL": {"date": dates, "open": o, "high": h, "low": l, "close": c, "volume": v},
    })
    repo = MemoryRepository.from_frames({"AAPL": aapl_df})   # pandas/polars-like tables

pandas is never imported: a table is anything with the named columns (``table["close"]``)
or with a datetime index (``table.index``) in place of a ``date`` column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from candlescan.entities import Candles, DateRange, Timeframe
from candlescan.errors import DataSourceError, InvalidCandlesError, SymbolNotFoundError
from candlescan.plugins.sources._base import SeriesRepository, span_of
from candlescan.plugins.sources._metadata import select

__all__ = ["MemoryRepository", "memory_source"]

_PRICES = ("open", "high", "low", "close", "volume")
#: Accepted names of the time column, in order of preference.
_TIME_NAMES = ("date", "timestamp", "timestamps", "time", "datetime")


class MemoryRepository(SeriesRepository):
    """Serves candles held in memory; the arrays travel to workers when pickled.

    :param candles: symbol -> :class:`~candlescan.Candles` (or an iterable of candles,
        keyed by their ``symbol``). Every series is validated here, so bad data fails in
        the host, before any worker starts.
    :param timeframe: the timeframe the candles are in (default daily); coarser
        timeframes are resampled on request.
    :param metadata: optional ``{symbol: {field: value}}`` (``name``, ``sector``...)
        served by :meth:`symbol_metadata`.
    :raises InvalidCandlesError: a series is unsorted, has duplicate timestamps, high < low...
    """

    _cache_series = False  # the data itself is the cache

    def __init__(
        self,
        candles: Mapping[str, Candles] | Iterable[Candles] = (),
        *,
        timeframe: Timeframe | str = Timeframe.D1,
        metadata: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__()
        self._metadata = {
            str(symbol): {str(k): str(v) for k, v in fields.items()}
            for symbol, fields in (metadata or {}).items()
        }
        self.native_timeframe = Timeframe.parse(timeframe)
        items = (
            candles.items() if isinstance(candles, Mapping) else ((c.symbol, c) for c in candles)
        )
        self._data: dict[str, Candles] = {}
        for symbol, series in items:
            if not isinstance(series, Candles):
                raise DataSourceError(
                    f"memory source: {symbol!r} maps to {type(series).__name__}, not Candles"
                )
            if series.symbol != symbol:  # the key names the symbol callers will ask for
                series = Candles(symbol, *(getattr(series, n) for n in ("timestamps", *_PRICES)))
            self._data[symbol] = series.validate()
        self._symbols = tuple(sorted(self._data))

    @classmethod
    def from_arrays(
        cls,
        data: Mapping[str, Mapping[str, Any]],
        *,
        timeframe: Timeframe | str = Timeframe.D1,
    ) -> MemoryRepository:
        """Build from ``{symbol: {"date": ..., "open": ..., ..., "volume": ...}}``.

        The time column may also be called ``timestamp(s)``, ``time`` or ``datetime``;
        any array-like works (lists, numpy arrays, pandas Series). Column names are
        case-insensitive.
        """
        return cls(
            {symbol: _candles_from_columns(symbol, columns) for symbol, columns in data.items()},
            timeframe=timeframe,
        )

    @classmethod
    def from_frames(
        cls, frames: Mapping[str, Any], *, timeframe: Timeframe | str = Timeframe.D1
    ) -> MemoryRepository:
        """Build from ``{symbol: table}`` where a table has open/high/low/close/volume
        columns and either a date column or a datetime index (a pandas DataFrame, say)."""
        return cls(
            {symbol: _candles_from_table(symbol, table) for symbol, table in frames.items()},
            timeframe=timeframe,
        )

    def _load(self, symbol: str) -> Candles:
        try:
            return self._data[symbol]
        except (KeyError, TypeError):
            raise SymbolNotFoundError(symbol, self.describe()) from None

    def _validate(self, series: Candles) -> Candles:
        return series  # validated in __init__

    def symbols(self) -> tuple[str, ...]:
        """The symbols held, sorted."""
        return self._symbols

    def coverage(self) -> DateRange | None:
        """From the earliest to the latest bar held (``None`` when empty)."""
        spans = [(c.timestamps[0], c.timestamps[-1]) for c in self._data.values() if len(c)]
        if not spans:
            return None
        return span_of(min(first for first, _ in spans), max(last for _, last in spans))

    def symbol_metadata(self, symbols: list[str] | None = None) -> dict[str, dict[str, str]]:
        """The ``metadata`` given to the constructor (for the symbols held)."""
        wanted = self._symbols if symbols is None else symbols
        return select(self._metadata, [s for s in wanted if s in self._data])

    def describe(self) -> str:
        """``"memory(N symbols)"``."""
        return f"memory({len(self._data)} symbols)"

    def close(self) -> None:
        """Nothing to release: the data is the repository."""


def _lookup(columns: Mapping[str, Any], names: Iterable[str]) -> Any:
    lowered = {str(key).lower(): key for key in columns}
    for name in names:
        if name in lowered:
            return columns[lowered[name]]
    return None


def _times(values: Any, symbol: str) -> np.ndarray[Any, np.dtype[np.datetime64]]:
    # a timezone-aware pandas index/Series: compare instants in UTC, without importing pandas
    accessor = getattr(values, "dt", values)
    if getattr(accessor, "tz", None) is not None:
        values = accessor.tz_convert("UTC")
        values = getattr(values, "dt", values).tz_localize(None)
    try:
        return np.asarray(values).astype("datetime64[ns]")
    except (TypeError, ValueError) as exc:
        raise InvalidCandlesError(symbol, -1, f"time column is not datetime-like: {exc}") from None


def _candles_from_columns(symbol: str, columns: Mapping[str, Any]) -> Candles:
    if not isinstance(columns, Mapping):
        raise DataSourceError(
            f"memory source: {symbol!r} must map to a mapping of columns, "
            f"got {type(columns).__name__}"
        )
    stamps = _lookup(columns, _TIME_NAMES)
    if stamps is None:
        raise InvalidCandlesError(symbol, -1, f"no time column (one of {', '.join(_TIME_NAMES)})")
    prices = []
    for name in _PRICES:
        column = _lookup(columns, (name,))
        if column is None:
            raise InvalidCandlesError(symbol, -1, f"no {name!r} column")
        prices.append(np.asarray(column))
    return Candles(symbol, _times(stamps, symbol), *prices)


def _candles_from_table(symbol: str, table: Any) -> Candles:
    names = getattr(table, "columns", None)
    if names is None:
        if isinstance(table, Mapping):
            return _candles_from_columns(symbol, table)
        raise DataSourceError(
            f"memory source: {symbol!r} maps to {type(table).__name__}, which has no columns"
        )
    columns = {str(name): table[name] for name in names}
    if _lookup(columns, _TIME_NAMES) is None:
        index = getattr(table, "index", None)
        if index is None:
            raise InvalidCandlesError(symbol, -1, "no date column and no datetime index")
        columns["date"] = index
    return _candles_from_columns(symbol, columns)


def memory_source(argument: str | None) -> MemoryRepository:
    """Factory for ``--source memory``: an empty repository (hosts build their own with
    :meth:`MemoryRepository.from_arrays` or :meth:`MemoryRepository.from_frames`)."""
    if argument:
        raise DataSourceError(
            f"the memory source takes no argument, got {argument!r}; build a "
            "MemoryRepository in Python to serve your own arrays"
        )
    return MemoryRepository()
