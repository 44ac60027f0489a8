"""tf(): higher timeframes use only completed bars and never look ahead."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candlescan import Candles, DateRange
from candlescan.formula import FormulaService
from tests.conftest import examples

DAY = np.timedelta64(1, "D")


def weekdays(weeks: int) -> Candles:
    """Mon..Fri bars; the close is 10 * week + weekday (week 1 Monday = 11)."""
    stamps, closes = [], []
    monday = np.datetime64("2021-01-04", "ns")
    for week in range(weeks):
        for day in range(5):
            stamps.append(monday + (7 * week + day) * DAY)
            closes.append(10.0 * (week + 1) + day + 1)
    c = np.array(closes)
    return Candles("W", np.array(stamps), c, c, c, c, np.ones(len(c)))


def _indices(candles: Candles, matches: tuple[np.datetime64, ...]) -> list[int]:
    return [int(np.searchsorted(candles.timestamps, t)) for t in matches]


def test_a_week_is_visible_from_the_first_bar_after_it(service: FormulaService) -> None:
    candles = weekdays(4)
    whole = DateRange("2021-01-22", "2021-01-29")  # week 3 Friday .. week 4 Friday
    week2 = service.compile('tf("1w", close) == 25')  # Friday of week 2
    week3 = service.compile('tf("1w", close) == 35')
    assert week2.warmup_bars == 14
    # On Friday of week 3, week 3 is not known to be complete: week 2 is the last one.
    assert _indices(candles, week2.evaluate(candles, whole).matches) == [14]
    # From Monday of week 4 on, week 3 is.
    assert _indices(candles, week3.evaluate(candles, whole).matches) == [15, 16, 17, 18, 19]


def test_weekly_high_and_low_aggregate_the_week(service: FormulaService) -> None:
    candles = weekdays(4)
    plan = service.compile('tf("1w", high - low) == 4 and tf("1w", volume) == 5')
    ev = plan.evaluate(candles, DateRange("2021-01-22", "2021-01-29"))
    assert len(ev.matches) == 6


def test_terms_inside_tf_are_reported(service: FormulaService) -> None:
    candles = weekdays(30)
    plan = service.compile('tf("1w", close > sma(close, 3))')
    assert plan.indicator_terms == ('tf("1w", sma(close, 3))',)
    ev = plan.evaluate(candles, DateRange("2021-06-01", "2021-07-30"))
    # The last bar is a Friday: the latest complete week is the previous one.
    weekly_closes = 10.0 * np.arange(1, 31) + 5
    expected = weekly_closes[-4:-1].mean()
    assert ev.computed_indicators['tf("1w", sma(close, 3))'] == pytest.approx(expected)


def _monthly_reference(candles: Candles, n: int) -> np.ndarray:
    index = pd.DatetimeIndex(candles.timestamps)
    close = pd.Series(candles.close, index=index)
    month = index.to_period("M")
    monthly = close.groupby(month).last()
    stamps = close.index.to_series().groupby(month).max()
    held = (monthly > monthly.rolling(n).mean()).to_numpy()
    # visible from the first daily bar after the month's last bar
    seen = np.searchsorted(stamps.to_numpy(), candles.timestamps, side="left") - 1
    return np.where(seen >= 0, held[np.clip(seen, 0, None)], False)


def test_monthly_condition_matches_pandas(
    service: FormulaService, real_candles: dict[str, Candles]
) -> None:
    plan = service.compile('tf("1mo", close > sma(close, 6))')
    for symbol in ("AAPL", "XOM", "BMY"):
        candles = real_candles[symbol]
        ev = plan.evaluate(candles, DateRange("2014-06-01", "2018-02-07"))
        expected = _monthly_reference(candles, 6)
        first, stop = candles.index_range(DateRange("2014-06-01", "2018-02-07"))
        want = candles.timestamps[first:stop][expected[first:stop]]
        assert list(ev.matches) == list(want), symbol


_FORMULAS = [
    'tf("1w", close > sma(close, 5))',
    'tf("1w", close crosses above ema(close, 4)) within 3 bars',
    'tf("1mo", close > open) and close > tf("1w", sma(close, 4))',
    'close > tf("1w", highest(high, 3))',
]


@settings(max_examples=examples(5 / 12))
@given(st.sampled_from(_FORMULAS), st.integers(400, 1250))
def test_appending_bars_never_changes_earlier_results(
    service: FormulaService, real_candles: dict[str, Candles], formula: str, cut: int
) -> None:
    candles = real_candles["MSFT"]
    plan = service.compile(formula)
    start = str(candles.timestamps[300])[:10]
    end = str(candles.timestamps[cut - 1])[:10]
    date_range = DateRange(start, end)
    full = plan.evaluate(candles, DateRange(start, "2100-01-01"))
    short = plan.evaluate(candles.slice(0, cut), date_range)
    stop = candles.timestamps[cut - 1]
    assert short.matches == tuple(t for t in full.matches if t <= stop)


def test_daily_values_on_hourly_bars(service: FormulaService) -> None:
    # Ten days of hourly bars 09:00..16:00; the close counts up 1, 2, 3, ...
    stamps = [
        np.datetime64(f"2021-03-{d:02d}T{h:02d}:00", "ns")
        for d in range(1, 11)
        for h in range(9, 17)
    ]
    c = np.arange(1.0, len(stamps) + 1)
    candles = Candles("H", np.array(stamps), c, c, c, c, np.ones(len(c)))
    plan = service.compile('tf("1d", close) == 56', timeframe="1h")
    assert plan.warmup_bars == 2 * 24
    ev = plan.evaluate(candles, DateRange("2021-03-08", "2021-03-10"))
    # Day 7 closes at 56 (its last hourly bar); every bar of day 8 sees it, none other.
    assert [str(t)[:13] for t in ev.matches] == [f"2021-03-08T{h:02d}" for h in range(9, 17)]


def test_own_timeframe_is_the_previous_bar(service: FormulaService) -> None:
    candles = weekdays(6)
    a = service.compile('tf("1d", close) == close[1]', timeframe="1d")
    ev = a.evaluate(candles, DateRange("2021-01-13", "2021-02-12"))
    assert ev.bars == len(ev.matches) > 0
