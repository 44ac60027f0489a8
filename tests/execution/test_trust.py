"""Acceptance: "what signals now" equals the chart, whatever the date range (issue 8).

On the real sample CSVs (``../shared/data/ohlcv``): the indicator values of a one-day scan
equal TA-Lib over each symbol's whole history within 1e-9 relative, and the matches inside
a range do not depend on how much earlier the scan starts. TA-Lib (the ``talib``
package) is the independent reference.

Both the default ``"converged"`` policy (the kernels' declared warm-ups, composed by the
compiler) and ``"full"`` (all history) must hold; ``test_the_lookback_policy_does_not``
shows the check can fail.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from candlescan import DateRange, PluginRegistry, ProcessingEngine, ProcessingJob
from candlescan.formula import FormulaService

talib = pytest.importorskip("talib")

SYMBOLS = (
    "AAPL", "MSFT", "XOM", "JNJ", "JPM", "PG", "WFC", "CVX", "PFE", "PH",
    "UNM", "CBOE", "INTC", "CSCO", "HD", "MRK", "BA", "MMM", "VZ", "CAT",
)  # fmt: skip
FORMULA = (
    "rsi(close, 14) < 30 or ema(close, 20) > close or atr(14) > 2 or adx(14) > 25 "
    "or macd(close).macd > macd(close).macdsignal"
)
DAYS = (date(2017, 12, 29), date(2018, 2, 7))
RANGE = DateRange("2017-07-01", "2017-12-31")
STARTS = (date(2017, 7, 1), date(2017, 4, 1), date(2014, 7, 1))

_REGISTRY = PluginRegistry(entrypoints=False)
#: "lookback" is what the engine loaded before (AAPL's RSI on 2018-02-07: 22.07, not 33.68).
POLICIES = ["converged", "full"]


def _talib(frame: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    h, lo, c = frame["high"], frame["low"], frame["close"]
    macd, signal, _ = talib.MACD(c, 12, 26, 9)
    return {
        "rsi(close, 14)": talib.RSI(c, 14),
        "ema(close, 20)": talib.EMA(c, 20),
        "atr(14)": talib.ATR(h, lo, c, 14),
        "adx(14)": talib.ADX(h, lo, c, 14),
        "macd(close, 12, 26, 9).macd": macd,
        "macd(close, 12, 26, 9).macdsignal": signal,
    }


def _read(folder: Path, symbol: str) -> dict[str, np.ndarray]:
    rows = np.genfromtxt(
        folder / f"{symbol}.csv", delimiter=",", names=True, dtype=None, encoding="utf-8"
    )
    frame = {name: rows[name].astype(float) for name in ("high", "low", "close")}
    frame["date"] = rows["date"].astype("datetime64[D]")
    return frame


def _scan(folder: Path, date_range: DateRange, warmup: str) -> dict[str, object]:
    registry = _REGISTRY
    repo = registry.open_source(f"csv:{folder}")
    job = ProcessingJob("trust", SYMBOLS, "1d", date_range, FORMULA, warmup=warmup)
    with ProcessingEngine(repo, FormulaService(registry), 1, backend="serial") as engine:
        results = asyncio.run(engine.process_batch(job))
    assert all(r.error is None for r in results), [r.error for r in results if r.error]
    return {r.symbol: r for r in results}


@pytest.mark.parametrize("warmup", POLICIES)
@pytest.mark.parametrize("day", DAYS)
def test_one_day_scan_values_equal_talib_over_the_full_history(
    shared_data: Path, day: date, warmup: str
) -> None:
    folder = shared_data / "ohlcv"
    results = _scan(folder, DateRange(day, day), warmup)
    worst = 0.0
    for symbol in SYMBOLS:
        frame = _read(folder, symbol)
        at = int(np.searchsorted(frame["date"], np.datetime64(day)))
        assert frame["date"][at] == np.datetime64(day)
        result = results[symbol]
        assert result.indicators_at == np.datetime64(day, "ns")
        for term, series in _talib(frame).items():
            got, want = result.computed_indicators[term], series[at]
            worst = max(worst, abs(got - want) / abs(want))
            assert got == pytest.approx(want, rel=1e-9, abs=0), (symbol, term, got, want)
    assert worst <= 1e-9


@pytest.mark.parametrize("warmup", POLICIES)
def test_matches_in_a_range_do_not_depend_on_where_the_scan_starts(
    shared_data: Path, warmup: str
) -> None:
    folder = shared_data / "ohlcv"
    inside = np.datetime64(RANGE.start, "ns")
    seen = []
    for start in STARTS:
        results = _scan(folder, DateRange(start, RANGE.end), warmup)
        seen.append({s: [m for m in r.matches if m >= inside] for s, r in results.items()})
    assert seen[0] == seen[1] == seen[2]
    # and they are TA-Lib's matches over the whole history
    for symbol in SYMBOLS:
        frame = _read(folder, symbol)
        ref = _talib(frame)
        with np.errstate(invalid="ignore"):
            held = (
                (ref["rsi(close, 14)"] < 30)
                | (ref["ema(close, 20)"] > frame["close"])
                | (ref["atr(14)"] > 2)
                | (ref["adx(14)"] > 25)
                | (ref["macd(close, 12, 26, 9).macd"] > ref["macd(close, 12, 26, 9).macdsignal"])
            )
        days = frame["date"]
        want = days[
            held & (days >= np.datetime64(RANGE.start)) & (days <= np.datetime64(RANGE.end))
        ]
        assert [m.astype("datetime64[D]") for m in seen[0][symbol]] == list(want), symbol


def test_the_lookback_policy_does_not(shared_data: Path) -> None:
    folder = shared_data / "ohlcv"
    day = DAYS[1]
    results = _scan(folder, DateRange(day, day), "lookback")
    frame = _read(folder, "AAPL")
    at = int(np.searchsorted(frame["date"], np.datetime64(day)))
    got = results["AAPL"].computed_indicators["rsi(close, 14)"]
    assert abs(got - _talib(frame)["rsi(close, 14)"][at]) > 1.0
