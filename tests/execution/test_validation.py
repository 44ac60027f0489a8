"""The engine validates every source's candles in the worker (third-party ones included).

``LaxSource`` is a third-party source that returns whatever it is told, unchecked: before
the worker's check, ``high < low`` on a bar made ``high < low`` match that bar, and
out-of-order timestamps gave unsorted ``matches``.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from candlescan import (
    Candles,
    DateRange,
    ICandleRepository,
    ProcessingEngine,
    ProcessingJob,
    Timeframe,
)
from candlescan.execution.validation import check_candles

RANGE = DateRange("2021-01-01", "2021-12-31")
DAY = np.timedelta64(1, "D")


def _candles(symbol: str) -> Candles:
    n = 60
    stamps = np.datetime64("2021-02-01", "ns") + np.arange(n) * DAY
    close = 100.0 + np.arange(n)
    high, low = close + 1.0, close - 1.0
    volume = np.full(n, 1000.0)
    if symbol == "INVERTED":
        high[10], low[10] = 90.0, 110.0
    elif symbol == "UNSORTED":
        stamps[20], stamps[21] = stamps[21], stamps[20]
    elif symbol == "DUPLICATE":
        stamps[30] = stamps[29]
    elif symbol == "HOURLY":
        stamps = np.datetime64("2021-02-01", "ns") + np.arange(n) * np.timedelta64(1, "h")
    elif symbol == "NEGATIVE":
        volume[5] = -1.0
    return Candles(symbol, stamps, close, high, low, close, volume)


class LaxSource(ICandleRepository):
    """Returns its bars unchecked (the constructor of Candles does not validate)."""

    def get_candles(
        self, symbol: str, timeframe: Timeframe, date_range: DateRange, *, warmup_bars: int = 0
    ) -> Candles:
        return _candles(symbol)

    def symbols(self) -> tuple[str, ...]:
        return ("DUPLICATE", "HOURLY", "INVERTED", "NEGATIVE", "OK", "UNSORTED")


EXPECTED = {
    "INVERTED": "InvalidCandlesError: invalid candles for 'INVERTED' at row 10: "
    "high 90 < low 110 on 2021-02-11",
    "UNSORTED": "InvalidCandlesError: invalid candles for 'UNSORTED' at row 21: "
    "out-of-order timestamp 2021-02-21 after 2021-02-22",
    "DUPLICATE": "InvalidCandlesError: invalid candles for 'DUPLICATE' at row 30: "
    "duplicate timestamp 2021-03-02 after 2021-03-02",
    "HOURLY": "InvalidCandlesError: invalid candles for 'HOURLY' at row 1: bar 2021-02-01 "
    "01:00 follows 2021-02-01 too closely for 1d bars (is the source returning another "
    "timeframe?)",
    "NEGATIVE": "InvalidCandlesError: invalid candles for 'NEGATIVE' at row 5: "
    "negative volume -1 on 2021-02-06",
    "OK": None,
}


@pytest.mark.parametrize("backend", ["serial", "process"])
def test_bad_bars_from_any_source_are_that_symbols_error(backend: str, service) -> None:  # type: ignore[no-untyped-def]
    source = LaxSource()
    job = ProcessingJob("lax", source.symbols(), "1d", RANGE, "high < low or close > 0")
    with ProcessingEngine(source, service, 2, backend=backend) as engine:
        results = asyncio.run(engine.process_batch(job))
    errors = {r.symbol: r.error for r in results}
    assert errors == EXPECTED
    ok = next(r for r in results if r.symbol == "OK")
    assert len(ok.matches) == 60 and list(ok.matches) == sorted(ok.matches)


@pytest.mark.parametrize(
    ("timeframe", "gap_days", "ok"),
    [
        ("1w", 7, True),
        ("1w", 1, False),  # daily bars for a weekly job
        ("1mo", 30, True),
        ("1mo", 7, False),
        ("1d", 1, True),
    ],
)
def test_bar_spacing_must_fit_the_timeframe(timeframe: str, gap_days: int, ok: bool) -> None:
    n = 12
    stamps = np.datetime64("2020-01-03", "ns") + np.arange(n) * np.timedelta64(gap_days, "D")
    c = np.ones(n)
    candles = Candles("S", stamps, c, c, c, c, c)
    if ok:
        check_candles(candles, Timeframe.parse(timeframe), RANGE)
    else:
        with pytest.raises(ValueError, match="too closely"):
            check_candles(candles, Timeframe.parse(timeframe), RANGE)


def test_a_partial_last_period_may_close_a_day_after_the_previous_one() -> None:
    stamps = np.array(["2021-01-01", "2021-01-08", "2021-01-15", "2021-01-18"], "datetime64[ns]")
    c = np.ones(4)
    check_candles(Candles("W", stamps, c, c, c, c, c), Timeframe.W1, RANGE)


def test_missing_prices_pass_and_nat_does_not() -> None:
    stamps = np.datetime64("2021-01-01", "ns") + np.arange(4) * DAY
    c = np.array([1.0, np.nan, 1.0, 1.0])
    check_candles(Candles("N", stamps, c, c, c, c, np.ones(4)), Timeframe.D1, RANGE)
    stamps[2] = np.datetime64("NaT")
    with pytest.raises(ValueError, match="row 2: missing timestamp"):
        check_candles(Candles("N", stamps, c, c, c, c, np.ones(4)), Timeframe.D1, RANGE)


def test_missing_prices_are_counted_in_a_warning() -> None:
    stamps = np.datetime64("2021-01-04", "ns") + np.arange(6) * DAY
    ok = np.ones(6)
    close = np.array([1.0, 1.0, np.nan, 1.0, np.nan, 1.0])
    opens = np.array([1.0, 1.0, 1.0, np.nan, 1.0, 1.0])  # any price counts, once a bar
    candles = Candles("M", stamps, opens, ok, ok, close, ok)
    warning = check_candles(candles, Timeframe.D1, RANGE)
    assert warning == "3 loaded bars have a missing price (first 2021-01-06)"
    assert check_candles(Candles("C", stamps, ok, ok, ok, ok, ok), Timeframe.D1, RANGE) is None


class GappySource(ICandleRepository):
    """Two years of daily bars; GAPPY has empty closes early in 2020 and in mid-2021."""

    def get_candles(
        self, symbol: str, timeframe: Timeframe, date_range: DateRange, *, warmup_bars: int = 0
    ) -> Candles:
        n = 730
        stamps = np.datetime64("2020-01-01", "ns") + np.arange(n) * DAY
        close = 100.0 + np.sin(np.arange(n) / 7.0)
        if symbol == "GAPPY":
            close[[3, 4]] = np.nan  # 2020, before anything a 2021 scan loads
            close[[560, 600]] = np.nan  # 2021-07-14 and 2021-08-23
        whole = Candles(symbol, stamps, close, close + 1, close - 1, close, np.ones(n))
        first, stop = whole.index_range(date_range)
        return whole.slice(max(0, first - warmup_bars), stop)

    def symbols(self) -> tuple[str, ...]:
        return ("CLEAN", "GAPPY")


@pytest.mark.parametrize("backend", ["serial", "process"])
def test_missing_prices_in_the_loaded_bars_warn_on_that_result(backend: str, service) -> None:  # type: ignore[no-untyped-def]
    """Only what was loaded (range + warm-up) counts; the symbol still gets its result."""
    source = GappySource()
    job = ProcessingJob("gaps", source.symbols(), "1d", RANGE, "close > sma(close, 5)")
    with ProcessingEngine(source, service, 2, backend=backend) as engine:
        results = {r.symbol: r for r in asyncio.run(engine.process_batch(job))}
    assert results["GAPPY"].error is None and results["CLEAN"].error is None
    assert results["GAPPY"].warnings == ("2 loaded bars have a missing price (first 2021-07-14)",)
    assert results["CLEAN"].warnings == ()
