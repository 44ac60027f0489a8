"""The ``synthetic`` source: deterministic random-walk OHLCV."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from candlescan import DataSourceError, DateRange, SymbolNotFoundError, Timeframe
from candlescan.plugins.sources.synthetic import (
    SyntheticRepository,
    parse_synthetic_argument,
    synthetic_source,
)

ALL = DateRange("2000-01-01", "2100-01-01")


def test_symbols_and_lengths() -> None:
    repo = SyntheticRepository(n_symbols=3, bars=40)
    assert repo.symbols() == ("SYM0000", "SYM0001", "SYM0002")
    for symbol in repo.symbols():
        assert len(repo.get_candles(symbol, Timeframe.D1, ALL)) == 40


def test_same_symbol_same_series_whatever_the_repository_size() -> None:
    small = SyntheticRepository(n_symbols=3, bars=50, seed=4)
    large = SyntheticRepository(n_symbols=500, bars=50, seed=4)
    assert small.get_candles("SYM0002", "1d", ALL) == large.get_candles("SYM0002", "1d", ALL)


def test_seed_and_symbol_change_the_series() -> None:
    a = SyntheticRepository(3, 50, seed=1).get_candles("SYM0000", "1d", ALL)
    b = SyntheticRepository(3, 50, seed=2).get_candles("SYM0000", "1d", ALL)
    c = SyntheticRepository(3, 50, seed=1).get_candles("SYM0001", "1d", ALL)
    assert not np.array_equal(a.close, b.close)
    assert not np.array_equal(a.close, c.close)


def test_bars_are_consistent_ohlc() -> None:
    repo = SyntheticRepository(n_symbols=20, bars=300, seed=9)
    for symbol in repo.symbols():
        c = repo.get_candles(symbol, Timeframe.D1, ALL)
        assert (c.low <= np.minimum(c.open, c.close)).all()
        assert (c.high >= np.maximum(c.open, c.close)).all()
        assert (c.low > 0).all() and (c.volume > 0).all()


def test_daily_bars_are_business_days_from_start() -> None:
    c = SyntheticRepository(1, 10, start="2013-01-02").get_candles("SYM0000", "1d", ALL)
    days = c.timestamps.astype("datetime64[D]")
    assert str(days[0]) == "2013-01-02"
    assert np.is_busday(days).all()
    # Wed 2 .. Fri 4, Mon 7 .. Fri 11, Mon 14, Tue 15
    assert [int(str(d)[-2:]) for d in days] == [2, 3, 4, 7, 8, 9, 10, 11, 14, 15]


def test_intraday_timeframe() -> None:
    repo = SyntheticRepository(1, 10, timeframe="1h")
    c = repo.get_candles("SYM0000", Timeframe.H1, ALL)
    assert (np.diff(c.timestamps) == np.timedelta64(1, "h")).all()
    assert len(repo.get_candles("SYM0000", Timeframe.H4, ALL)) == 3  # 00-03, 04-07, 08-09


@pytest.mark.parametrize("symbol", ["SYM0003", "SYM003", "sym0000", "XYZ", "SYM00000", "SYM-001"])
def test_unknown_symbols(symbol: str) -> None:
    with pytest.raises(SymbolNotFoundError):
        SyntheticRepository(n_symbols=3, bars=5).get_candles(symbol, "1d", ALL)


def test_wide_names_past_ten_thousand() -> None:
    repo = SyntheticRepository(n_symbols=10_001, bars=2)
    assert repo.symbols()[-1] == "SYM10000"
    assert repo.symbols()[0] == "SYM00000"
    assert list(repo.symbols()) == sorted(repo.symbols())


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        (None, {"n_symbols": 100, "bars": 252}),
        ("2500x252", {"n_symbols": 2500, "bars": 252}),
        (" 10X5 , seed=7 ", {"n_symbols": 10, "bars": 5, "seed": 7}),
        (
            "3x4,start=2020-01-01,timeframe=1h",
            {"n_symbols": 3, "bars": 4, "start": "2020-01-01", "timeframe": Timeframe.H1},
        ),
    ],
)
def test_argument_syntax(argument: str | None, expected: dict[str, object]) -> None:
    assert parse_synthetic_argument(argument) == expected


@pytest.mark.parametrize("argument", ["2500", "ax5", "3x4,seed=x", "3x4,colour=red", "3x4,seed"])
def test_bad_arguments(argument: str) -> None:
    with pytest.raises(DataSourceError):
        parse_synthetic_argument(argument)


def test_describe_round_trips_through_the_factory() -> None:
    repo = SyntheticRepository(7, 30, seed=3, start="2015-06-01", timeframe="1h")
    rebuilt = synthetic_source(repo.describe().partition(":")[2])
    assert rebuilt.get_candles("SYM0006", "1h", ALL) == repo.get_candles("SYM0006", "1h", ALL)


def test_pickles_small() -> None:
    repo = SyntheticRepository(2500, 252)
    blob = pickle.dumps(repo)
    assert len(blob) < 2000
    assert pickle.loads(blob).get_candles("SYM2499", "1d", ALL) == repo.get_candles(
        "SYM2499", "1d", ALL
    )
