"""The data-source interface: :class:`ICandleRepository`."""

from __future__ import annotations

import abc

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
