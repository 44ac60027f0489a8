"""The ``memory`` source: arrays and DataFrame-like tables the host already holds."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from candlescan import (
    Candles,
    DataSourceError,
    DateRange,
    InvalidCandlesError,
    SymbolNotFoundError,
    Timeframe,
)
from candlescan.plugins.sources.memory import MemoryRepository, memory_source

DATES = np.array(
    ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"],
    dtype="datetime64[D]",
)
COLUMNS = {
    "date": DATES,
    "open": [10.0, 11.0, 12.0, 13.0, 14.0, 15.0],
    "high": [11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    "low": [9.0, 10.0, 11.0, 12.0, 13.0, 14.0],
    "close": [10.5, 11.5, 12.5, 13.5, 14.5, 15.5],
    "volume": [100, 200, 300, 400, 500, 600],
}
ALL = DateRange("2000-01-01", "2100-01-01")


def test_from_arrays_returns_the_given_values() -> None:
    repo = MemoryRepository.from_arrays({"AAA": COLUMNS})
    candles = repo.get_candles("AAA", Timeframe.D1, ALL)
    assert candles.symbol == "AAA"
    np.testing.assert_array_equal(candles.timestamps, DATES.astype("datetime64[ns]"))
    for name in ("open", "high", "low", "close", "volume"):
        np.testing.assert_array_equal(candles.column(name), np.asarray(COLUMNS[name], float))
        assert candles.column(name).dtype == np.float64


def test_range_and_warmup_are_counted_in_bars() -> None:
    repo = MemoryRepository.from_arrays({"AAA": COLUMNS})
    got = repo.get_candles("AAA", "1d", DateRange("2024-01-04", "2024-01-05"), warmup_bars=2)
    # two bars inside the range (Jan 4, 5) preceded by two warm-up bars (Jan 2, 3)
    assert list(got.close) == [11.5, 12.5, 13.5, 14.5]
    got = repo.get_candles("AAA", "1d", DateRange("2024-01-02", "2024-01-02"), warmup_bars=9)
    assert list(got.close) == [10.5, 11.5]  # only one bar of history exists


def test_weekly_request_is_resampled() -> None:
    repo = MemoryRepository.from_arrays({"AAA": COLUMNS})
    weekly = repo.get_candles("AAA", Timeframe.W1, ALL)
    # 2024-01-01 is a Monday: Jan 1..5 is one ISO week (stamped Friday), Jan 8 the next
    assert list(weekly.timestamps.astype("datetime64[D]").astype(str)) == [
        "2024-01-05",
        "2024-01-08",
    ]
    assert list(weekly.open) == [10.0, 15.0]
    assert list(weekly.high) == [15.0, 16.0]
    assert list(weekly.low) == [9.0, 14.0]
    assert list(weekly.close) == [14.5, 15.5]
    assert list(weekly.volume) == [1500.0, 600.0]


def test_finer_timeframe_than_stored_is_refused() -> None:
    repo = MemoryRepository.from_arrays({"AAA": COLUMNS})
    with pytest.raises(DataSourceError, match="1d bars; cannot provide 1h"):
        repo.get_candles("AAA", Timeframe.H1, ALL)


def test_from_frames_accepts_a_date_column_or_a_datetime_index() -> None:
    frame = pd.DataFrame(COLUMNS)
    indexed = frame.set_index("date")
    capitalised = frame.rename(columns=str.capitalize)  # yfinance-style names
    repo = MemoryRepository.from_frames({"A": frame, "B": indexed, "C": capitalised})
    expected = MemoryRepository.from_arrays({"X": COLUMNS}).get_candles("X", "1d", ALL)
    for symbol in ("A", "B", "C"):
        got = repo.get_candles(symbol, Timeframe.D1, ALL)
        assert got == Candles(symbol, *(getattr(expected, n) for n in _FIELDS))


_FIELDS = ("timestamps", "open", "high", "low", "close", "volume")


def test_timezone_aware_index_is_converted_to_utc() -> None:
    index = pd.DatetimeIndex(["2024-01-02 09:30", "2024-01-02 10:30"], tz="America/New_York")
    frame = pd.DataFrame(
        {
            "open": [1.0, 2.0],
            "high": [2.0, 3.0],
            "low": [0.5, 1.5],
            "close": [1.5, 2.5],
            "volume": [1.0, 1.0],
        },
        index=index,
    )
    repo = MemoryRepository.from_frames({"TZ": frame}, timeframe="1h")
    stamps = repo.get_candles("TZ", "1h", ALL).timestamps
    assert str(stamps[0]) == "2024-01-02T14:30:00.000000000"  # 09:30 EST is 14:30 UTC


def test_bad_data_fails_at_construction_naming_symbol_and_row() -> None:
    bad = dict(COLUMNS, high=[11.0, 12.0, 13.0, 11.5, 15.0, 16.0])  # row 3: high 11.5 < low 12
    with pytest.raises(InvalidCandlesError) as info:
        MemoryRepository.from_arrays({"BAD": bad})
    assert (info.value.symbol, info.value.row) == ("BAD", 3)
    unsorted = dict(COLUMNS, date=DATES[[0, 2, 1, 3, 4, 5]])
    with pytest.raises(InvalidCandlesError) as info:
        MemoryRepository.from_arrays({"UNS": unsorted})
    assert (info.value.symbol, info.value.row) == ("UNS", 2)


def test_missing_column_is_reported() -> None:
    columns = {k: v for k, v in COLUMNS.items() if k != "volume"}
    with pytest.raises(InvalidCandlesError, match="no 'volume' column"):
        MemoryRepository.from_arrays({"AAA": columns})


def test_unknown_symbol() -> None:
    repo = MemoryRepository.from_arrays({"AAA": COLUMNS})
    with pytest.raises(SymbolNotFoundError) as info:
        repo.get_candles("ZZZ", Timeframe.D1, ALL)
    assert isinstance(info.value, KeyError)
    assert "ZZZ" in str(info.value)


def test_returned_arrays_are_independent_of_the_store() -> None:
    repo = MemoryRepository.from_arrays({"AAA": COLUMNS})
    first = repo.get_candles("AAA", Timeframe.D1, ALL)
    first.close[:] = -1.0
    assert repo.get_candles("AAA", Timeframe.D1, ALL).close[0] == 10.5


def test_pickle_carries_the_data() -> None:
    repo = MemoryRepository.from_arrays({"AAA": COLUMNS, "BBB": COLUMNS})
    clone = pickle.loads(pickle.dumps(repo))
    assert clone.symbols() == ("AAA", "BBB")
    assert clone.get_candles("BBB", "1d", ALL) == repo.get_candles("BBB", "1d", ALL)


def test_factory_makes_an_empty_repository_and_refuses_arguments() -> None:
    assert memory_source(None).symbols() == ()
    with pytest.raises(DataSourceError, match="takes no argument"):
        memory_source("something")
