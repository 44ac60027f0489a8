"""ScanResults: per-symbol and per-match tables, ordering, to_dict."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import candlescan
from candlescan import DateRange
from candlescan.plugins.sources.sample import SampleRepository

SYMBOLS = ["AAPL", "MSFT", "XOM", "JPM", "NFLX", "KO"]  # KO is not in the sample


@pytest.fixture(scope="module")
def results() -> candlescan.ScanResults:
    return candlescan.scan(
        "rsi(close, 14) > 65",
        symbols=SYMBOLS,
        columns=["rsi(close, 14)", "close / sma(close, 20)"],
        sort="-rsi(close, 14)",
        start="2017-01-01",
        end="2017-12-31",
        backend="thread",
    )


def test_rows_are_sorted_by_the_column_and_failures_come_last(
    results: candlescan.ScanResults,
) -> None:
    ok = [r for r in results if r.error is None]
    values = [r.values["rsi(close, 14)"] for r in ok]
    assert values == sorted(values, reverse=True)
    assert results[-1].symbol == "KO" and "SymbolNotFoundError" in str(results[-1].error)
    assert len(results) == len(SYMBOLS)


def test_one_row_per_match_with_the_values_on_that_bar(results: candlescan.ScanResults) -> None:
    frame = results.to_pandas("match")
    assert len(frame) == sum(len(r.matches) for r in results) > 0
    assert (frame["rsi(close, 14)"] > 65).all()  # the formula held on each of those bars
    for row in results:
        dates = frame.loc[frame["symbol"] == row.symbol, "date"].to_numpy()
        assert np.array_equal(
            dates.astype("datetime64[ns]"), np.array(row.matches, "datetime64[ns]")
        )
    # the ratio column by pandas on the sample, on each match's bar
    c = SampleRepository().get_candles(
        "AAPL", "1d", DateRange("2017-01-01", "2017-12-31"), warmup_bars=30
    )
    close = pd.Series(c.close, index=pd.DatetimeIndex(c.timestamps.astype("datetime64[ns]")))
    ratio = close / close.rolling(20).mean()
    aapl = frame[frame["symbol"] == "AAPL"]
    np.testing.assert_allclose(
        aapl["close / sma(close, 20)"], ratio.loc[aapl["date"]].to_numpy(), rtol=1e-9
    )


def test_one_row_per_symbol_and_json_ready_dicts(results: candlescan.ScanResults) -> None:
    frame = results.to_pandas()
    assert list(frame["symbol"]) == list(results.symbols)
    assert {"matches", "signal", "rsi(close, 14)", "sector", "name", "error"} <= set(frame.columns)
    for row in results:
        document = json.loads(json.dumps(row.to_dict()))
        assert document["symbol"] == row.symbol and len(document["matches"]) == len(row.matches)
    assert results.matched().symbols == tuple(r.symbol for r in results if r.matches)
    assert results.head(2).symbols == results.symbols[:2]


def test_where_ranks_within_the_filtered_universe() -> None:
    """A --where universe and a by= group are two routes to the same ranks."""
    energy = candlescan.scan(
        "rank(roc(close, 63)) <= 3",
        where={"sector": "Energy"},
        start="2017-06-01",
        end="2017-12-31",
        backend="thread",
    )
    grouped = candlescan.scan(
        "rank(roc(close, 63), by=sector) <= 3",
        start="2017-06-01",
        end="2017-12-31",
        backend="thread",
    )
    assert all(r.fields["sector"] == "Energy" for r in energy)
    ranks = {r.symbol: r.values["rank(roc(close, 63))"] for r in energy if r.error is None}
    by_sector = {
        r.symbol: r.values["rank(roc(close, 63), by=sector)"] for r in grouped if r.error is None
    }
    assert ranks == {s: by_sector[s] for s in ranks}
    assert sorted(v for v in ranks.values() if v <= 3) == [1.0, 2.0, 3.0]
    assert {r.symbol for r in energy if r.matches} == {
        r.symbol for r in grouped if r.matches and r.fields["sector"] == "Energy"
    }
