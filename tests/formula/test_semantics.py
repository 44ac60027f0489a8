"""The documented semantics, each on a hand-derived case."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from candlescan import Candles, DateRange, FormulaTypeError, PluginRegistry, UnknownNameError
from candlescan.formula import FormulaService

from . import _plugin

DAY = np.timedelta64(1, "D")
START = np.datetime64("2021-01-04", "ns")  # a Monday


def make(close: list[float], **columns: list[float]) -> Candles:
    n = len(close)
    c = np.asarray(close, dtype=float)
    return Candles(
        "T",
        START + np.arange(n) * DAY,
        columns.get("open", c),
        columns.get("high", c),
        columns.get("low", c),
        c,
        columns.get("volume", np.ones(n)),
    )


def held(service: FormulaService, text: str, candles: Candles, **params: object) -> list[int]:
    """Indices of the bars where ``text`` holds (the whole series is the range)."""
    plan = service.compile(text, params)  # type: ignore[arg-type]
    start = str(candles.timestamps[plan.warmup_bars])[:10]
    ev = plan.evaluate(candles, DateRange(start, "2100-01-01"))
    return [int((t - START) // DAY) for t in ev.matches]


def test_nan_compares_false_for_every_operator(service: FormulaService) -> None:
    c = make([1.0, np.nan, 3.0, 4.0])
    assert held(service, "close > 0", c) == [0, 2, 3]
    assert held(service, "close != 3", c) == [0, 3]  # NumPy alone would say NaN != 3
    assert held(service, "not (close > 0)", c) == [1]  # negation of False is True
    assert held(service, "close == close", c) == [0, 2, 3]


def test_crossover_is_an_event(service: FormulaService) -> None:
    c = make([1, 2, 3, 2, 3, 3, 1, 3])
    # crosses above 2.5: > 2.5 now and <= 2.5 on the bar before
    assert held(service, "close crosses above 2.5", c) == [2, 4, 7]
    assert held(service, "close crosses below 2.5", c) == [3, 6]
    assert held(service, "close crosses 2.5", c) == [2, 3, 4, 6, 7]
    assert held(service, "crossover(close, 2.5)", c) == [2, 4, 7]
    assert held(service, "crossunder(close, 2.5)", c) == [3, 6]


def test_touching_then_leaving_is_a_cross(service: FormulaService) -> None:
    # a <= b on the previous bar includes equality (Pine / thinkScript convention)
    c = make([1, 2, 3])
    assert held(service, "close crosses above 2", c) == [2]


def test_nan_on_either_bar_means_no_cross(service: FormulaService) -> None:
    c = make([1, np.nan, 3, 1, 3])
    assert held(service, "close crosses above 2", c) == [4]


def test_within_covers_the_current_bar_and_n_minus_1_before(service: FormulaService) -> None:
    c = make([0, 5, 0, 0, 0, 0, 5, 0])
    # bar 3 still sees bar 1 (two bars back); bar 4 does not. Bars 0-1 are warm-up.
    assert held(service, "close > 1 within 3 bars", c) == [2, 3, 6, 7]
    assert held(service, "close > 1 within 1 bars", c) == [1, 6]


def test_for_needs_every_one_of_the_last_n_bars(service: FormulaService) -> None:
    c = make([1, 2, 3, 4, 3, 4, 5, 6])
    assert held(service, "close > close[1] for 3 bars", c) == [3, 7]


def test_bars_ago_looks_into_the_past(service: FormulaService) -> None:
    c = make([1, 5, 2, 6, 3])
    assert held(service, "close > close[2]", c) == [2, 3, 4]
    assert held(service, "close[0] == close", c) == [0, 1, 2, 3, 4]
    assert held(service, "ref(close, 2) < close", c) == [2, 3, 4]


def test_between_is_inclusive(service: FormulaService) -> None:
    c = make([1, 2, 3, 4, 5])
    assert held(service, "close between 2 and 4", c) == [1, 2, 3]


def test_percentages(service: FormulaService) -> None:
    c = make([100, 104, 106, 100])
    assert held(service, "close > close[1] * (1 + 5%)", c) == []
    assert held(service, "close >= 100 * (1 + 4%)", c) == [1, 2]
    assert service.compile("close > 5%").indicator_terms == ()


def test_precedence(service: FormulaService) -> None:
    c = make([1, 2, 3])
    assert held(service, "close == 1 + 2 * 1", c) == [2]
    assert held(service, "close == -1 * -2", c) == [1]
    assert held(service, "close == 6 / 2 / 3", c) == [0]
    assert held(service, "close == 1 - 1 - 1 + 3", c) == [1]
    # not binds tighter than and, and tighter than or
    assert held(service, "not close == 1 and close < 3 or close == 3", c) == [1, 2]
    assert held(service, "close > 1 and close < 3 or close == 1", c) == [0, 1]


def test_keywords_are_case_insensitive(service: FormulaService) -> None:
    c = make([1, 2, 3])
    assert held(service, "CLOSE > 1 AND Close < 3 Or close == 1", c) == [0, 1]


def test_constant_conditions(service: FormulaService) -> None:
    c = make([1, 2, 3])
    assert held(service, "true", c) == [0, 1, 2]
    assert held(service, "1 > 2 or false", c) == []


def test_parameters_of_each_type(service: FormulaService) -> None:
    c = make([1, 2, 3, 4])
    assert held(service, "close > $level and $on", c, level=2, on=True) == [2, 3]
    assert held(service, "close > $level", c, level=2.5) == [2, 3]
    assert held(service, "close > close[$bars]", c, bars=2) == [2, 3]


def test_division_by_zero_is_nan_and_never_matches(service: FormulaService) -> None:
    c = make([1, 0, 2], open=[1, 0, 1])
    assert held(service, "close / (open - open) > 0", c) == [0, 2]  # inf > 0
    assert held(service, "(close - close) / (open - open) > -1", c) == []  # NaN


def test_spellings_share_one_canonical_term(service: FormulaService) -> None:
    spellings = [
        "sma(close, 20) > 1",
        "SMA( Close , 20 ) > 1",
        "sma(close, timeperiod=20) > 1",
        "sma(close, period=20) > 1",
        "sma(real=close, timeperiod=20) > 1",
        "sma(close, $n) > 1",
    ]
    for text in spellings:
        assert service.compile(text, {"n": 20}).indicator_terms == ("sma(close, 20)",), text


def test_price_inputs_default_to_their_columns(service: FormulaService) -> None:
    short = service.compile("atr(14) > 1")
    full = service.compile("atr(high, low, close, 14) > 1")
    assert short.indicator_terms == full.indicator_terms == ("atr(14)",)
    assert short.program == full.program
    other = service.compile("atr(high, low, open, 14) > 1")
    assert other.indicator_terms == ("atr(open, 14)",)


def test_output_selectors_and_aliases(service: FormulaService) -> None:
    plan = service.compile(
        "macd(close).line > macd(close).signal and macd(close).hist > 0"
        " and macd(close).macdhist > 0 and bbands(close, 20).upper > bbands(close, 20).lower"
    )
    assert plan.indicator_terms == (
        "macd(close, 12, 26, 9).macd",
        "macd(close, 12, 26, 9).macdsignal",
        "macd(close, 12, 26, 9).macdhist",
        "bbands(close, 20, 2, 2, 0).upperband",
        "bbands(close, 20, 2, 2, 0).lowerband",
    )
    assert sum(step.op == "kernel" for step in plan.program) == 2  # one macd, one bbands


def test_bbands_mult_sets_both_deviations(service: FormulaService) -> None:
    plan = service.compile("bbands(close, 20, mult=3).upper > close")
    assert plan.indicator_terms == ("bbands(close, 20, 3, 3, 0).upperband",)


def test_identical_sub_expressions_are_computed_once(service: FormulaService) -> None:
    plan = service.compile(
        "sma(close, 20) > sma(close, 50) and sma(close,20) < 2 * sma(close, 50)"
        " and (sma(close, 20) > sma(close, 50)) within 3 bars"
    )
    kernels = [step for step in plan.program if step.op == "kernel"]
    assert len(kernels) == 2
    comparisons = [step for step in plan.program if step.op == "gt"]
    assert len(comparisons) == 1
    assert len(plan.program) == len(set(plan.program))


@pytest.mark.parametrize(
    ("text", "warmup"),
    [
        ("close > open", 0),
        ("close > close[3]", 3),
        ("sma(close, 20) > 1", 19),
        ("sma(close, 20)[5] > 1", 24),
        ("sma(sma(close, 20), 10) > 1", 28),  # 19 + 9
        ("close crosses above sma(close, 20)", 20),
        ("close > sma(close, 20) within 5 bars", 23),
        ("close > sma(close, 20) for 5 bars", 23),
        ("(close crosses above sma(close, 20)) within 5 bars", 24),
        ("rsi(close, 14) < 30 or close > sma(close, 200)", 199),
        ("highest(high, 252)[1] < close", 252),
        ('tf("1w", close > sma(close, 10))', (9 + 2) * 7),
    ],
)
def test_warmup_is_derived_from_the_expression(
    service: FormulaService, text: str, warmup: int
) -> None:
    assert service.compile(text, warmup="lookback").warmup_bars == warmup
    assert service.compile(text).lookback_bars == warmup


def test_warmup_is_enough_for_windowed_formulas(service: FormulaService) -> None:
    """With exactly ``warmup_bars`` of history, matches equal those with all history."""
    from .conftest import synthetic

    candles = synthetic(400, seed=11)
    text = "close > sma(close, 20)[3] and (close crosses above highest(high, 10)[1]) within 4 bars"
    plan = service.compile(text)
    first = 300
    day = str(candles.timestamps[first])[:10]
    full = plan.evaluate(candles, DateRange(day, "2100-01-01"))
    trimmed = candles.slice(first - plan.warmup_bars, len(candles))
    exact = plan.evaluate(trimmed, DateRange(day, "2100-01-01"))
    assert full.matches == exact.matches
    # A running sum started elsewhere may differ in the last bits, nothing more.
    assert full.computed_indicators == pytest.approx(exact.computed_indicators, rel=1e-12)


def test_timeframe_must_not_be_shorter_than_the_job(service: FormulaService) -> None:
    with pytest.raises(FormulaTypeError, match="shorter than the job's timeframe"):
        service.compile('tf("1d", close > open)', timeframe="1w")
    service.compile('tf("1mo", close > open)', timeframe="1w")


def test_third_party_indicator_is_usable_once_registered() -> None:
    registry = PluginRegistry(entrypoints=False)
    service = FormulaService(registry)
    with pytest.raises(UnknownNameError):
        service.compile("spread(2) > 1")
    registry.register(_plugin, name="spread-plugin")
    plan = service.compile("spread(2) > 1")
    assert plan.indicator_terms == ("spread(2)",)
    plan = pickle.loads(pickle.dumps(plan))
    c = make([10, 10, 10], high=[10.2, 11, 10.9], low=[9.9, 10, 10.5])
    ev = plan.evaluate(c, DateRange("2021-01-04", "2021-01-06"))
    assert [int((t - START) // DAY) for t in ev.matches] == [1]
    # values on the last match (bar 1: 2 * (11 - 10)), not on the last bar (0.8)
    assert ev.computed_indicators["spread(2)"] == pytest.approx(2.0)


def test_compile_is_cached_per_text_and_parameters(service: FormulaService) -> None:
    a = service.compile("close > $x", {"x": 1})
    assert service.compile("close > $x", {"x": 1}) is a
    assert service.compile("close > $x", {"x": 2}) is not a
    # True == 1 in Python, but a bool is a condition, not a number: the key has the type.
    with pytest.raises(FormulaTypeError):
        service.compile("close > $x", {"x": True})


def test_band_width_is_derived_for_every_band_indicator(service: FormulaService) -> None:
    from .conftest import synthetic

    candles = synthetic(200, seed=2)
    plan = service.compile("keltner(20).width > 0 and donchian(20).width > 0")
    ev = plan.evaluate(candles, DateRange(str(candles.timestamps[60])[:10], "2100-01-01"))
    assert plan.indicator_terms == ("keltner(20, 2, 10).width", "donchian(20).width")
    from candlescan import kernels

    upper, middle, lower = kernels.donchian(candles.high, candles.low, 20)
    expected = (upper[-1] - lower[-1]) / middle[-1]
    assert ev.computed_indicators["donchian(20).width"] == pytest.approx(expected, rel=1e-12)
    with pytest.raises(UnknownNameError):
        service.compile("macd(close).width > 0")
