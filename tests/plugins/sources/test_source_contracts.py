"""Every built-in source passes the plugin-author contract, ``candlescan.testing``."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from candlescan import Candles, DateRange, ICandleRepository, InvalidCandlesError, Timeframe
from candlescan.plugins.sources.csv import CsvRepository
from candlescan.plugins.sources.memory import MemoryRepository
from candlescan.plugins.sources.sample import SampleRepository
from candlescan.plugins.sources.synthetic import SyntheticRepository
from candlescan.testing import DataSourceContract
from tests.conftest import SHARED_DATA


class TestMemorySource(DataSourceContract):
    known_symbol = "BBB"
    expected_metadata: ClassVar[dict[str, str]] = {"sector": "Energy", "name": "Bravo"}

    @pytest.fixture
    def repository(self) -> ICandleRepository:
        source = SyntheticRepository(n_symbols=3, bars=60, seed=11)
        return MemoryRepository(
            {
                name: source.get_candles(f"SYM000{i}", "1d", self.full_range)
                for i, name in enumerate(("AAA", "BBB", "CCC"))
            },
            metadata={"BBB": {"sector": "Energy", "name": "Bravo"}, "ZZZ": {"sector": "x"}}
            | {"AAA": {"sector": "Utilities"}},
        )


class TestSyntheticSource(DataSourceContract):
    @pytest.fixture
    def repository(self) -> ICandleRepository:
        return SyntheticRepository(n_symbols=5, bars=120, seed=3)


class TestSyntheticHourlySource(DataSourceContract):
    timeframe = Timeframe.H1
    known_symbol = "SYM0001"

    @pytest.fixture
    def repository(self) -> ICandleRepository:
        # 300 hourly bars span several days, so ranges cut through days of 24 bars
        return SyntheticRepository(n_symbols=2, bars=300, timeframe="1h")


class TestSyntheticWeeklyFromDaily(DataSourceContract):
    """A resampled timeframe meets the same contract as a native one."""

    timeframe = Timeframe.W1

    @pytest.fixture
    def repository(self) -> ICandleRepository:
        return SyntheticRepository(n_symbols=2, bars=200)


class TestCsvSource(DataSourceContract):
    known_symbol = "SYM0002"
    expected_metadata: ClassVar[dict[str, str]] = {"sector": "Health Care", "name": "Two, Inc."}

    @pytest.fixture
    def repository(self, tmp_path: Path) -> ICandleRepository:
        source = SyntheticRepository(n_symbols=4, bars=80, seed=5)
        for symbol in source.symbols():
            c = source.get_candles(symbol, "1d", DateRange("2000-01-01", "2100-01-01"))
            days = c.timestamps.astype("datetime64[D]").astype(str)
            rows = [
                f"{d},{float(o)!r},{float(h)!r},{float(lo)!r},{float(cl)!r},{v:.0f}"
                for d, o, h, lo, cl, v in zip(
                    days, c.open, c.high, c.low, c.close, c.volume, strict=True
                )
            ]
            (tmp_path / f"{symbol}.csv").write_text(
                "date,open,high,low,close,volume\n" + "\n".join(rows) + "\n"
            )
        (tmp_path / "symbols.csv").write_text(
            'Symbol,Name,Sector\nSYM0002,"Two, Inc.",Health Care\nSYM0003,,Energy\n'
        )
        return CsvRepository(tmp_path)


@pytest.mark.skipif(not (SHARED_DATA / "ohlcv").is_dir(), reason="shared data folder not found")
class TestCsvSourceOnRealData(DataSourceContract):
    known_symbol = "BMY"  # has gaps in its calendar

    @pytest.fixture
    def repository(self) -> ICandleRepository:
        return CsvRepository(SHARED_DATA / "ohlcv")


class TestSampleSource(DataSourceContract):
    known_symbol = "AAPL"
    expected_metadata: ClassVar[dict[str, str]] = {
        "name": "Apple Inc.",
        "sector": "Information Technology",
    }

    @pytest.fixture
    def repository(self) -> ICandleRepository:
        return SampleRepository()


class TestSampleMonthly(DataSourceContract):
    known_symbol = "MSFT"
    timeframe = Timeframe.MO1

    @pytest.fixture
    def repository(self) -> ICandleRepository:
        return SampleRepository()


class _Reversed(MemoryRepository):
    """A broken source: returns its bars newest first."""

    def get_candles(
        self, symbol: str, timeframe: Timeframe, date_range: DateRange, *, warmup_bars: int = 0
    ) -> Candles:
        c = super().get_candles(symbol, timeframe, date_range, warmup_bars=warmup_bars)
        return Candles(c.symbol, c.timestamps[::-1], *(c.column(n)[::-1] for n in _COLUMNS))


class _IgnoresRange(MemoryRepository):
    """A broken source: returns every bar whatever the range."""

    def get_candles(
        self, symbol: str, timeframe: Timeframe, date_range: DateRange, *, warmup_bars: int = 0
    ) -> Candles:
        everything = DateRange("1900-01-01", "2199-12-31")
        return super().get_candles(symbol, timeframe, everything, warmup_bars=warmup_bars)


_COLUMNS = ("open", "high", "low", "close", "volume")


def test_contract_can_fail() -> None:
    """The contract is not vacuous: broken sources fail it."""
    contract = DataSourceContract()
    data = {"A": SyntheticRepository(1, 10).get_candles("SYM0000", "1d", contract.full_range)}
    reversed_ = _Reversed(data)
    with pytest.raises(InvalidCandlesError, match="out-of-order"):
        contract.test_candles_are_valid(reversed_.get_candles("A", "1d", contract.full_range))
    ignores = _IgnoresRange(data)
    with pytest.raises(AssertionError):
        contract.test_bars_lie_inside_the_range(
            ignores, ignores.get_candles("A", "1d", contract.full_range)
        )
