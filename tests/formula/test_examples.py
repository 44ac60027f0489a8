"""Every example scan of the formula notes (§6c) on real symbols, against pandas + TA-Lib.

The reference side never touches candlescan's parser, evaluator or kernels: indicator
values come from TA-Lib, the logic (bars ago, crossovers, within/for, weekly bars) is
written directly with pandas.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from candlescan import Candles, DateRange
from candlescan.formula import FormulaService

talib = pytest.importorskip("talib")

RANGE = DateRange("2014-03-01", "2018-02-07")
SYMBOLS = ("AAPL", "MSFT", "XOM", "BMY", "AMD")

Frame = pd.DataFrame
Reference = Callable[[Frame], pd.Series]


def _frame(candles: Candles) -> Frame:
    return pd.DataFrame(
        {n: candles.column(n) for n in ("open", "high", "low", "close", "volume")},
        index=pd.DatetimeIndex(candles.timestamps),
    )


def _s(df: Frame, values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=df.index)


def sma(df: Frame, col: str, n: int) -> pd.Series:
    return _s(df, talib.SMA(df[col].to_numpy(), n))


def ema(df: Frame, col: str, n: int) -> pd.Series:
    return _s(df, talib.EMA(df[col].to_numpy(), n))


def rsi(df: Frame, n: int = 14) -> pd.Series:
    return _s(df, talib.RSI(df["close"].to_numpy(), n))


def highest(df: Frame, col: str, n: int) -> pd.Series:
    return df[col].rolling(n).max()


def lowest(series: pd.Series, n: int) -> pd.Series:
    return series.rolling(n).min()


def above(a: pd.Series, b: pd.Series | float) -> pd.Series:
    """a crosses above b: a > b now and a <= b on the previous bar (NaN -> False)."""
    prev_b = b.shift(1) if isinstance(b, pd.Series) else b
    return (a > b) & (a.shift(1) <= prev_b)


def within(cond: pd.Series, n: int) -> pd.Series:
    return cond.astype(float).rolling(n, min_periods=1).max() > 0


def width(df: Frame) -> pd.Series:
    up, mid, low = talib.BBANDS(df["close"].to_numpy(), 20, 2, 2, 0)
    return _s(df, (up - low) / mid)


def upper(df: Frame) -> pd.Series:
    return _s(df, talib.BBANDS(df["close"].to_numpy(), 20, 2, 2, 0)[0])


def macd(df: Frame) -> tuple[pd.Series, pd.Series]:
    line, signal, _ = talib.MACD(df["close"].to_numpy(), 12, 26, 9)
    return _s(df, line), _s(df, signal)


def weekly_close_above_ema10(df: Frame) -> pd.Series:
    """The weekly condition on each day, using only weeks that ended before that day."""
    week = df.index.to_period("W-SUN")
    weekly = df.groupby(week).agg(close=("close", "last"))
    weekly["stamp"] = df.index.to_series().groupby(week).max().to_numpy()
    weekly["held"] = weekly["close"] > talib.EMA(weekly["close"].to_numpy(), 10)
    days = pd.DataFrame({"day": df.index})
    merged = pd.merge_asof(
        days, weekly[["stamp", "held"]], left_on="day", right_on="stamp",
        allow_exact_matches=False,
    )  # fmt: skip
    return pd.Series(merged["held"].fillna(False).astype(bool).to_numpy(), index=df.index)


def _trend(df: Frame) -> pd.Series:
    c = df["close"]
    s50, s150, s200 = sma(df, "close", 50), sma(df, "close", 150), sma(df, "close", 200)
    return (
        (c > s150)
        & (s150 > s200)
        & (s200 > s200.shift(20))
        & (s50 > s150)
        & (c >= 1.3 * lowest(df["low"], 252))
        & (c >= 0.75 * highest(df, "high", 252))
    )


EXAMPLES: dict[str, tuple[str, Reference]] = {
    "golden-cross": (
        "sma(close, 50) crosses above sma(close, 200)",
        lambda df: above(sma(df, "close", 50), sma(df, "close", 200)),
    ),
    "golden-cross-recent": (
        "(sma(close,50) crosses above sma(close,200)) within 5 bars and close > sma(close,50)",
        lambda df: (
            within(above(sma(df, "close", 50), sma(df, "close", 200)), 5)
            & (df["close"] > sma(df, "close", 50))
        ),
    ),
    "rsi-oversold-uptrend": (
        "rsi(close, 14) < 30 and close > sma(close, 200)",
        lambda df: (rsi(df) < 30) & (df["close"] > sma(df, "close", 200)),
    ),
    "rsi-recovery": ("rsi(close, 14) crosses above 30", lambda df: above(rsi(df), 30.0)),
    "52-week-high-breakout": (
        "close > highest(high, 252)[1]",
        lambda df: df["close"] > highest(df, "high", 252).shift(1),
    ),
    "near-52-week-high": (
        "close >= 0.95 * highest(high, 252)",
        lambda df: df["close"] >= 0.95 * highest(df, "high", 252),
    ),
    "volume-spike": (
        "volume > 2 * sma(volume, 20)[1] and close > open",
        lambda df: (df["volume"] > 2 * sma(df, "volume", 20).shift(1)) & (df["close"] > df["open"]),
    ),
    "macd-cross-below-zero": (
        "macd(close,12,26,9).line crosses above macd(close,12,26,9).signal"
        " and macd(close,12,26,9).line < 0",
        lambda df: above(*macd(df)) & (macd(df)[0] < 0),
    ),
    "bollinger-squeeze": (
        "bbands(close,20,mult=2).width <= lowest(bbands(close,20,mult=2).width, 126)",
        lambda df: width(df) <= lowest(width(df), 126),
    ),
    "squeeze-breakout": (
        "(bbands(close,20,mult=2).width <= lowest(bbands(close,20,mult=2).width,126))"
        " within 5 bars and close crosses above bbands(close,20,mult=2).upper",
        lambda df: within(width(df) <= lowest(width(df), 126), 5) & above(df["close"], upper(df)),
    ),
    "gap-up": ("open > close[1] * 1.03", lambda df: df["open"] > df["close"].shift(1) * 1.03),
    "inside-bar": (
        "high < high[1] and low > low[1]",
        lambda df: (df["high"] < df["high"].shift(1)) & (df["low"] > df["low"].shift(1)),
    ),
    "three-higher-closes": (
        "close > close[1] for 3 bars",
        lambda df: (df["close"] > df["close"].shift(1)).astype(float).rolling(3).min() == 1,
    ),
    "weekly-trend-daily-pullback": (
        'tf("1w", close > ema(close, 10)) and close < ema(close, 20)'
        " and rsi(close,14) between 40 and 50",
        lambda df: (
            weekly_close_above_ema10(df)
            & (df["close"] < ema(df, "close", 20))
            & (rsi(df) >= 40)
            & (rsi(df) <= 50)
        ),
    ),
    "trend-template": (
        """close > sma(close,150) and sma(close,150) > sma(close,200)
        and sma(close,200) > sma(close,200)[20] and sma(close,50) > sma(close,150)
        and close >= 1.3 * lowest(low,252) and close >= 0.75 * highest(high,252)""",
        _trend,
    ),
    "parameterised-rsi": (
        "rsi(close, $period) < $oversold",
        lambda df: rsi(df, 10) < 25,
    ),
}

PARAMETERS = {"period": 10, "oversold": 25}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_matches_independent_evaluation(
    name: str, service: FormulaService, real_candles: dict[str, Candles]
) -> None:
    formula, reference = EXAMPLES[name]
    plan = service.compile(formula, PARAMETERS)
    total = 0
    for symbol in SYMBOLS:
        candles = real_candles[symbol]
        ev = plan.evaluate(candles, RANGE)
        df = _frame(candles)
        held = reference(df).fillna(False).astype(bool)
        in_range = (df.index >= pd.Timestamp(RANGE.start)) & (
            df.index < pd.Timestamp(RANGE.end) + pd.Timedelta(days=1)
        )
        expected = df.index[held.to_numpy() & in_range].to_numpy()
        got = np.array(ev.matches, dtype="datetime64[ns]")
        assert list(got) == list(expected), f"{name} on {symbol}"
        total += len(got)
    # The comparison is meaningless if nothing ever matches (except rare events).
    assert total > 0 or name in {"golden-cross", "squeeze-breakout"}


@pytest.mark.parametrize("name", ["golden-cross", "macd-cross-below-zero", "trend-template"])
def test_example_computed_indicators_are_the_last_match_values(
    name: str, service: FormulaService, real_candles: dict[str, Candles]
) -> None:
    formula, reference = EXAMPLES[name]
    plan = service.compile(formula, PARAMETERS)
    candles = real_candles["MSFT"]
    ev = plan.evaluate(candles, RANGE)
    df = _frame(candles)
    in_range = (df.index >= pd.Timestamp(RANGE.start)) & (
        df.index < pd.Timestamp(RANGE.end) + pd.Timedelta(days=1)
    )
    held = reference(df).fillna(False).astype(bool).to_numpy() & in_range
    # the last match, else the last bar of the range
    at = int(np.flatnonzero(held)[-1]) if held.any() else int(np.flatnonzero(in_range)[-1])
    assert ev.indicators_at == df.index[at].to_datetime64()
    expected = {
        "sma(close, 50)": sma(df, "close", 50).iloc[at],
        "sma(close, 150)": sma(df, "close", 150).iloc[at],
        "sma(close, 200)": sma(df, "close", 200).iloc[at],
        "macd(close, 12, 26, 9).macd": macd(df)[0].iloc[at],
        "macd(close, 12, 26, 9).macdsignal": macd(df)[1].iloc[at],
        "lowest(low, 252)": lowest(df["low"], 252).iloc[at],
        "highest(high, 252)": highest(df, "high", 252).iloc[at],
    }
    assert ev.computed_indicators
    for term, value in ev.computed_indicators.items():
        assert value == pytest.approx(expected[term], rel=1e-9), term


def test_every_preset_compiles_and_runs(
    service: FormulaService, real_candles: dict[str, Candles]
) -> None:
    presets = service.presets()
    assert len(presets) >= 10
    for preset in presets:
        plan = service.compile_preset(preset.name)
        ev = plan.evaluate(real_candles["AAPL"], RANGE)
        assert ev.bars > 900
        assert set(ev.computed_indicators) == set(plan.indicator_terms)
