"""``DataSourceContract``: the checks every data source (repository) must pass."""

from __future__ import annotations

import pickle
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pytest

from candlescan.data.repository import ICandleRepository
from candlescan.data.resample import resample
from candlescan.entities import PRICE_COLUMNS, Candles, DateRange, Timeframe
from candlescan.errors import SymbolNotFoundError

__all__ = ["DataSourceContract"]

#: Coarser timeframes the contract asks for, beside the one under test. Each nests in the
#: one under test (its buckets are unions of whole buckets), so resampling the bars under
#: test gives the same result as resampling the source's native bars (weeks do not nest
#: in months, hence no 1w -> 1mo check).
_SERVED_FROM: dict[Timeframe, tuple[Timeframe, ...]] = {
    Timeframe.M1: (Timeframe.M5, Timeframe.H1),
    Timeframe.M5: (Timeframe.M15, Timeframe.H1),
    Timeframe.H1: (Timeframe.H4, Timeframe.D1),
    Timeframe.D1: (Timeframe.W1, Timeframe.MO1),
}


class DataSourceContract:
    """Checks every promise of :class:`~candlescan.ICandleRepository`.

    Provide a ``repository`` fixture. Optionally set :attr:`known_symbol` (a symbol with
    at least a handful of bars inside :attr:`full_range`), :attr:`unknown_symbol`,
    :attr:`timeframe` (a timeframe the source serves natively) and :attr:`full_range`.
    """

    #: A symbol the source serves; ``None`` means the first of ``repository.symbols()``.
    known_symbol: str | None = None
    #: A symbol the source must not know.
    unknown_symbol: str = "NO-SUCH-SYMBOL-ZZ9"
    #: A timeframe the source serves.
    timeframe: Timeframe = Timeframe.D1
    #: A range holding all (or most) of the known symbol's bars.
    full_range: DateRange = DateRange(date(1900, 1, 1), date(2199, 12, 31))
    #: Fields the source must report for the known symbol (e.g. ``{"sector": "Energy"}``);
    #: ``None`` checks only the shape of :meth:`~candlescan.ICandleRepository.symbol_metadata`.
    expected_metadata: dict[str, str] | None = None

    # --- fixtures -------------------------------------------------------------------------

    @pytest.fixture
    def repository(self) -> ICandleRepository:
        """The repository under test: override this fixture in your subclass."""
        pytest.fail(f"{type(self).__name__} must define a 'repository' fixture")

    @pytest.fixture
    def symbol(self, repository: ICandleRepository) -> str:
        """The symbol the checks load."""
        if self.known_symbol is not None:
            return self.known_symbol
        symbols = repository.symbols()
        assert symbols, "the repository lists no symbols; set known_symbol"
        return symbols[0]

    @pytest.fixture
    def full(self, repository: ICandleRepository, symbol: str) -> Candles:
        """All bars of ``symbol`` inside :attr:`full_range`."""
        candles = repository.get_candles(symbol, self.timeframe, self.full_range)
        assert len(candles) >= 2, f"{symbol!r} needs at least 2 bars in {self.full_range}"
        return candles

    def _later_range(self, full: Candles) -> tuple[DateRange, npt.NDArray[np.bool_]]:
        """A sub-range starting mid-history, and the mask of ``full`` bars inside it."""
        days = full.timestamps.astype("datetime64[D]")
        start = days[len(days) // 2].item()
        end = days[max(len(days) // 2, (3 * len(days)) // 4)].item()
        date_range = DateRange(start, end)
        inside = (full.timestamps >= date_range.start64) & (full.timestamps < date_range.stop64)
        return date_range, inside

    # --- the interface --------------------------------------------------------------------

    def test_is_a_repository(self, repository: ICandleRepository) -> None:
        assert isinstance(repository, ICandleRepository)
        description = repository.describe()
        assert isinstance(description, str) and description.strip()

    def test_symbol_metadata(self, repository: ICandleRepository, symbol: str) -> None:
        everything = repository.symbol_metadata()
        assert isinstance(everything, dict)
        assert set(everything) <= set(repository.symbols()), "metadata for unknown symbols"
        for fields in everything.values():
            assert isinstance(fields, dict)
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items())
        some = repository.symbol_metadata([symbol, self.unknown_symbol])
        assert set(some) <= {symbol}, "symbol_metadata(symbols) must keep to those symbols"
        assert some.get(symbol) == everything.get(symbol)
        if self.expected_metadata is not None:
            fields = some.get(symbol, {})
            for key, value in self.expected_metadata.items():
                assert fields.get(key) == value, f"{symbol}: {key}={fields.get(key)!r}"

    def test_symbols_are_sorted_unique_strings(
        self, repository: ICandleRepository, symbol: str
    ) -> None:
        symbols = repository.symbols()
        assert isinstance(symbols, tuple)
        assert all(isinstance(s, str) and s for s in symbols)
        assert list(symbols) == sorted(set(symbols)), "symbols() must be sorted and unique"
        assert symbol in symbols

    def test_unknown_symbol_raises_symbol_not_found(self, repository: ICandleRepository) -> None:
        with pytest.raises(SymbolNotFoundError) as info:
            repository.get_candles(self.unknown_symbol, self.timeframe, self.full_range)
        assert isinstance(info.value, KeyError)  # SymbolNotFoundError is one
        assert self.unknown_symbol in str(info.value)

    # --- what get_candles returns ---------------------------------------------------------

    def test_candles_are_kernel_ready(self, full: Candles, symbol: str) -> None:
        assert isinstance(full, Candles)
        assert full.symbol == symbol
        assert full.timestamps.dtype == np.dtype("datetime64[ns]")
        for name in PRICE_COLUMNS:
            column = full.column(name)
            assert column.dtype == np.float64, name
            assert column.ndim == 1 and len(column) == len(full), name
            assert column.flags.c_contiguous, f"{name} is not C-contiguous"
            assert column.flags.writeable, f"{name} is read-only"

    def test_candles_are_valid(self, full: Candles) -> None:
        full.validate()  # raises InvalidCandlesError: sorted, unique, high >= low, volume >= 0

    def test_bars_lie_inside_the_range(self, repository: ICandleRepository, full: Candles) -> None:
        date_range, inside = self._later_range(full)
        got = repository.get_candles(full.symbol, self.timeframe, date_range)
        assert len(got) == int(inside.sum())
        assert (got.timestamps >= date_range.start64).all()
        assert (got.timestamps < date_range.stop64).all()
        np.testing.assert_array_equal(got.timestamps, full.timestamps[inside])
        for name in PRICE_COLUMNS:
            np.testing.assert_array_equal(got.column(name), full.column(name)[inside])

    def test_warmup_bars_precede_the_range(
        self, repository: ICandleRepository, full: Candles
    ) -> None:
        date_range, inside = self._later_range(full)
        first = int(np.argmax(inside))
        stop = first + int(inside.sum())
        warmup = min(5, first)
        got = repository.get_candles(full.symbol, self.timeframe, date_range, warmup_bars=warmup)
        assert len(got) == stop - first + warmup
        np.testing.assert_array_equal(got.timestamps, full.timestamps[first - warmup : stop])
        for name in PRICE_COLUMNS:
            np.testing.assert_array_equal(
                got.column(name), full.column(name)[first - warmup : stop]
            )

    def test_warmup_is_capped_by_history(
        self, repository: ICandleRepository, full: Candles
    ) -> None:
        date_range, inside = self._later_range(full)
        stop = int(np.argmax(inside)) + int(inside.sum())
        got = repository.get_candles(
            full.symbol, self.timeframe, date_range, warmup_bars=len(full) + 1000
        )
        np.testing.assert_array_equal(got.timestamps, full.timestamps[:stop])

    def test_range_after_the_data(self, repository: ICandleRepository, full: Candles) -> None:
        last = full.timestamps[-1].astype("datetime64[D]").item()
        later = DateRange(last + timedelta(days=800), last + timedelta(days=1200))
        assert len(repository.get_candles(full.symbol, self.timeframe, later)) == 0
        got = repository.get_candles(full.symbol, self.timeframe, later, warmup_bars=2)
        np.testing.assert_array_equal(got.timestamps, full.timestamps[-2:])

    def test_returned_arrays_are_private_copies(
        self, repository: ICandleRepository, full: Candles
    ) -> None:
        expected = full.close.copy()
        mine = repository.get_candles(full.symbol, self.timeframe, self.full_range)
        mine.close[:] = -1.0
        again = repository.get_candles(full.symbol, self.timeframe, self.full_range)
        np.testing.assert_array_equal(again.close, expected)

    # --- processes ------------------------------------------------------------------------

    def test_repository_pickles(self, repository: ICandleRepository, symbol: str) -> None:
        fresh = pickle.loads(pickle.dumps(repository))
        assert type(fresh) is type(repository)
        assert fresh.symbols() == repository.symbols()
        assert fresh.describe() == repository.describe()
        a = repository.get_candles(symbol, self.timeframe, self.full_range)
        assert fresh.get_candles(symbol, self.timeframe, self.full_range) == a
        # after use (files opened, caches filled) it must still pickle, and work again
        used = pickle.loads(pickle.dumps(repository))
        assert used.get_candles(symbol, self.timeframe, self.full_range) == a

    def test_candles_pickle(self, full: Candles) -> None:
        assert pickle.loads(pickle.dumps(full)) == full

    def test_close_is_idempotent(self, repository: ICandleRepository) -> None:
        repository.close()
        repository.close()

    # --- bulk reads ----------------------------------------------------------------------

    def test_bulk_read_equals_single_reads(
        self, repository: ICandleRepository, full: Candles
    ) -> None:
        date_range, inside = self._later_range(full)
        others = [s for s in repository.symbols() if s != full.symbol][:2]
        asked = [full.symbol, self.unknown_symbol, *others]
        got = repository.get_candles_many(asked, self.timeframe, date_range, warmup_bars=3)
        assert set(got) == set(asked), "every symbol asked gets an entry"
        assert isinstance(got[self.unknown_symbol], SymbolNotFoundError), (
            "an unknown symbol fails alone, with SymbolNotFoundError"
        )
        for name in (full.symbol, *others):
            single = repository.get_candles(name, self.timeframe, date_range, warmup_bars=3)
            assert isinstance(got[name], Candles), f"{name}: {got[name]!r}"
            assert got[name] == single, f"bulk and single reads of {name} differ"
        first = int(np.argmax(inside))
        mine = got[full.symbol]
        assert isinstance(mine, Candles)
        start = max(0, first - 3)
        np.testing.assert_array_equal(
            mine.timestamps, full.timestamps[start : first + int(inside.sum())]
        )

    def test_bulk_read_of_nothing(self, repository: ICandleRepository) -> None:
        assert repository.get_candles_many([], self.timeframe, self.full_range) == {}

    # --- timeframes at the source --------------------------------------------------------

    def _coarser(self) -> list[Timeframe]:
        order = list(Timeframe)
        here = order.index(self.timeframe)
        return [tf for tf in order[here + 1 :] if tf in _SERVED_FROM.get(self.timeframe, ())]

    def test_coarser_timeframes_follow_the_resample_rules(
        self, repository: ICandleRepository, full: Candles
    ) -> None:
        """A coarser timeframe equals resampling the native bars (the documented rules)."""
        for timeframe in self._coarser():
            got = repository.get_candles(full.symbol, timeframe, self.full_range)
            assert got == resample(full, timeframe), f"{timeframe.value} bars differ"

    def test_coarser_timeframes_with_warmup(
        self, repository: ICandleRepository, full: Candles
    ) -> None:
        date_range, _ = self._later_range(full)
        for timeframe in self._coarser():
            upto = full.slice(0, int(np.searchsorted(full.timestamps, date_range.stop64)))
            whole = resample(upto, timeframe)
            first = int(np.searchsorted(whole.timestamps, date_range.start64))
            warm = min(2, first)
            got = repository.get_candles(full.symbol, timeframe, date_range, warmup_bars=warm)
            assert got == whole.slice(first - warm, len(whole)), f"{timeframe.value} window"
            many = repository.get_candles_many(
                [full.symbol], timeframe, date_range, warmup_bars=warm
            )
            assert many[full.symbol] == got
