"""The built-in presets: named example scans (``candlescan scan --preset NAME``).

Each preset is an ordinary formula; ``$name`` placeholders have defaults here that a
job's parameters override (``--param period=10``). ``docs/formula-language.md`` has the
same table for readers.
"""

from __future__ import annotations

from candlescan import PresetSpec, hookimpl

__all__ = ["PRESETS", "candlescan_register_presets"]

#: The presets, in documentation order.
PRESETS: tuple[PresetSpec, ...] = (
    PresetSpec(
        "golden-cross",
        "sma(close, $fast) crosses above sma(close, $slow)",
        "50-bar SMA crosses above the 200-bar SMA today",
        (("fast", 50), ("slow", 200)),
    ),
    PresetSpec(
        "death-cross",
        "sma(close, $fast) crosses below sma(close, $slow)",
        "50-bar SMA crosses below the 200-bar SMA today",
        (("fast", 50), ("slow", 200)),
    ),
    PresetSpec(
        "golden-cross-recent",
        "(sma(close, 50) crosses above sma(close, 200)) within $bars bars"
        " and close > sma(close, 50)",
        "golden cross in the last 5 bars and the close still above the 50-bar SMA",
        (("bars", 5),),
    ),
    PresetSpec(
        "rsi-oversold-uptrend",
        "rsi(close, $period) < $oversold and close > sma(close, $trend)",
        "RSI(14) below 30 while the close is above its 200-bar SMA",
        (("period", 14), ("oversold", 30), ("trend", 200)),
    ),
    PresetSpec(
        "rsi-recovery",
        "rsi(close, $period) crosses above $oversold",
        "RSI(14) crosses back above 30",
        (("period", 14), ("oversold", 30)),
    ),
    PresetSpec(
        "52-week-high-breakout",
        "close > highest(high, 252)[1]",
        "close above the highest high of the previous 252 bars",
    ),
    PresetSpec(
        "near-52-week-high",
        "close >= (1 - $within) * highest(high, 252)",
        "close within 5% of the 252-bar high",
        (("within", 0.05),),
    ),
    PresetSpec(
        "volume-spike",
        "volume > $ratio * sma(volume, 20)[1] and close > open",
        "volume over twice its previous 20-bar average on an up bar",
        (("ratio", 2),),
    ),
    PresetSpec(
        "macd-cross-below-zero",
        "macd(close, 12, 26, 9).line crosses above macd(close, 12, 26, 9).signal"
        " and macd(close, 12, 26, 9).line < 0",
        "MACD line crosses above its signal line while below zero",
    ),
    PresetSpec(
        "bollinger-squeeze",
        "bbands(close, 20, mult=2).width <= lowest(bbands(close, 20, mult=2).width, 126)",
        "Bollinger band width at its narrowest in 126 bars (about six months)",
    ),
    PresetSpec(
        "squeeze-breakout",
        "(bbands(close, 20, mult=2).width <= lowest(bbands(close, 20, mult=2).width, 126))"
        " within 5 bars and close crosses above bbands(close, 20, mult=2).upper",
        "a squeeze in the last 5 bars, then the close crosses above the upper band",
    ),
    PresetSpec(
        "gap-up",
        "open > close[1] * (1 + $gap)",
        "opens at least 3% above the previous close",
        (("gap", 0.03),),
    ),
    PresetSpec(
        "inside-bar",
        "high < high[1] and low > low[1]",
        "today's range lies inside yesterday's",
    ),
    PresetSpec(
        "three-higher-closes",
        "close > close[1] for 3 bars",
        "three closes in a row, each above the one before",
    ),
    PresetSpec(
        "weekly-trend-daily-pullback",
        'tf("1w", close > ema(close, 10)) and close < ema(close, 20)'
        " and rsi(close, 14) between 40 and 50",
        "weekly close above its 10-week EMA, daily close pulled back under its 20-day EMA",
    ),
    PresetSpec(
        "trend-template",
        "close > sma(close, 150) and sma(close, 150) > sma(close, 200)"
        " and sma(close, 200) > sma(close, 200)[20] and sma(close, 50) > sma(close, 150)"
        " and close >= 1.3 * lowest(low, 252) and close >= 0.75 * highest(high, 252)",
        "Minervini's trend template (core rules)",
    ),
)


@hookimpl
def candlescan_register_presets() -> list[PresetSpec]:
    """The example scans shipped with candlescan."""
    return list(PRESETS)
