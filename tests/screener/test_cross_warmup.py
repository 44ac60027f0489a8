"""A cross-sectional scan follows the job's warm-up policy like a per-symbol one.

The oracle is TA-Lib's RSI over each symbol's whole history: a one-day screen must
report the value a chart shows, whatever the range (issue: "what signals now").
"""

from __future__ import annotations

import numpy as np
import pytest

import candlescan

talib = pytest.importorskip("talib")

SYMBOLS = ["AAPL", "PH", "UNM", "XOM", "CBOE", "MSFT"]
DAY = "2017-12-29"
TERM = "rsi(close, 14)"


def _full_history_rsi(repo: candlescan.ICandleRepository, symbol: str) -> float:
    coverage = repo.coverage()
    assert coverage is not None
    candles = repo.get_candles(symbol, "1d", coverage)
    day = np.datetime64(DAY, "ns")
    index = int(np.searchsorted(candles.timestamps, day))
    assert candles.timestamps[index] == day
    return float(talib.RSI(candles.close, timeperiod=14)[index])


def _one_day(warmup: str) -> dict[str, float]:
    results = candlescan.scan(
        f"rank({TERM}) <= 1000",
        source="sample",
        symbols=SYMBOLS,
        start=DAY,
        end=DAY,
        backend="serial",
        warmup=warmup,
    )
    return {row.symbol: row.values[TERM] for row in results}


def test_converged_one_day_rank_scan_reports_the_full_history_value() -> None:
    repo = candlescan.PluginRegistry.default().open_source("sample")
    got = _one_day("converged")
    for symbol in SYMBOLS:
        want = _full_history_rsi(repo, symbol)
        assert got[symbol] == pytest.approx(want, rel=1e-9), symbol


def test_lookback_warmup_is_not_the_full_history_value() -> None:
    """The policy reaches the cross-sectional path: TA-Lib's minimum differs."""
    repo = candlescan.PluginRegistry.default().open_source("sample")
    got = _one_day("lookback")
    assert any(abs(got[s] - _full_history_rsi(repo, s)) > 1e-6 * abs(got[s]) for s in SYMBOLS)
