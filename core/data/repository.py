"""The data-source interface: :class:`ICandleRepository`."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from candlescan.entities import Candles, DateRange, Timeframe

__all__ = ["ICandleRepository"]


class ICandleRepository(abc.ABC):
    """Where candles come from. Implemented by every data-source plugin.

    A repository is **sent to every worker process**, so it must be picklable: keep
    paths, settings and in-memory arrays; open files and connections lazily, once per
    process (drop them in ``__getstate__``).
    """

    __module__ = "candlescan"

    @abc.abstractmethod
    def get_candles(
        self,
        symbol: str,
        timeframe: Timeframe,
        date_range: DateRange,
        *,
        warmup_bars: int = 0,
    ) -> Candles:
        """Bars inside ``date_range``, preceded by up to ``warmup_bars`` earlier bars.

        The result is validated (:meth:`Candles.validate`). Fewer warm-up bars than asked
        are returned when the history is shorter; the caller decides whether that is enough.

        :raises SymbolNotFoundError: the source has no such symbol.
        :raises InvalidCandlesError: the stored bars are unsorted, duplicated or inconsistent.
        :raises DataSourceError: any other failure to read.
        """

    def get_candles_many(
        self,
        symbols: Sequence[str],
        timeframe: Timeframe,
        date_range: DateRange,
        *,
        warmup_bars: int = 0,
    ) -> dict[str, Candles | Exception]:
        """:meth:`get_candles` for several symbols at once: ``{symbol: candles or error}``.

        Sources that can read many symbols in one query (a database, a Parquet dataset)
        override this; the engine calls it once per chunk of symbols. Errors stay per
        symbol: a symbol that cannot be served maps to the exception
        :meth:`get_candles` would have raised, and the others still get their candles.
        An exception raised by this method itself (the whole read failed) is the error
        of every symbol of the chunk.

        The default calls :meth:`get_candles` once per symbol.
        """
        results: dict[str, Candles | Exception] = {}
        for symbol in symbols:
            try:
                results[symbol] = self.get_candles(
                    symbol, timeframe, date_range, warmup_bars=warmup_bars
                )
            except Exception as exc:  # per-symbol errors stay per symbol
                results[symbol] = exc
        return results

    @property
    def has_bulk_reads(self) -> bool:
        """True when :meth:`get_candles_many` is overridden (reads a chunk in one go)."""
        return type(self).get_candles_many is not ICandleRepository.get_candles_many

    @abc.abstractmethod
    def symbols(self) -> tuple[str, ...]:
        """All symbols this source can serve, sorted."""

    def coverage(self) -> DateRange | None:
        """The span of dates this source holds data for, if cheaply known (else ``None``).

        The CLI uses it to pick a default date range (the last year of data).
        """
        return None

    def symbol_metadata(self, symbols: list[str] | None = None) -> dict[str, dict[str, str]]:
        """Per-symbol fields such as ``name`` and ``sector`` (optional; default: none).

        :param symbols: the symbols wanted; ``None`` means every symbol the source knows.
        :returns: ``{symbol: {field: value}}``; a symbol the source has nothing on is
            left out. Cross-sectional groups (``rank(x, by=sector)``) and universe filters
            (``--where sector=Energy``) read it in the parent process.
        """
        return {}

    def describe(self) -> str:
        """A short human description, e.g. ``"csv:/data/daily"``."""
        return type(self).__name__

    def close(self) -> None:  # noqa: B027 - optional hook, no-op by default
        """Release files or connections held in this process."""
