"""``coverage()``: the span of dates a source holds, used for the CLI's default range."""

from __future__ import annotations

from datetime import date

import numpy as np

from candlescan import Candles, DateRange
from candlescan.plugins.sources.memory import MemoryRepository
from candlescan.plugins.sources.sample import SampleRepository
from candlescan.plugins.sources.synthetic import SyntheticRepository


def test_sample_coverage_matches_the_data_readme() -> None:
    # shared/data/README.md: "2013-02-08 .. 2018-02-07"
    assert SampleRepository().coverage() == DateRange("2013-02-08", "2018-02-07")


def test_synthetic_coverage_spans_its_business_days() -> None:
    # 2013-01-02 is a Wednesday; 5 business days end on Tuesday 2013-01-08.
    assert SyntheticRepository(2, 5).coverage() == DateRange("2013-01-02", "2013-01-08")


def test_memory_coverage_spans_all_symbols_and_is_none_when_empty() -> None:
    def bars(symbol: str, start: str, n: int) -> Candles:
        stamps = np.arange(start, n, dtype="datetime64[D]")
        ones = np.ones(n)
        return Candles(symbol, stamps, ones, ones, ones, ones, ones)

    repo = MemoryRepository([bars("A", "2020-01-05", 3), bars("B", "2019-12-30", 2)])
    assert repo.coverage() == DateRange(date(2019, 12, 30), date(2020, 1, 7))
    assert MemoryRepository().coverage() is None
