"""Compiling cross-sectional formulas: the split, the errors with a caret, pickling."""

from __future__ import annotations

import asyncio
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candlescan import (
    DateRange,
    FormulaError,
    FormulaService,
    InvalidJobError,
    ProcessingEngine,
    ProcessingJob,
    ProcessingResult,
)
from candlescan.formula import CompiledFormula, ScreenPlan
from candlescan.plugins.sources.sample import SampleRepository


@pytest.fixture(scope="module")
def service() -> FormulaService:
    return FormulaService()


def test_a_formula_without_a_cross_section_keeps_the_per_symbol_plan(
    service: FormulaService,
) -> None:
    plan = service.compile("rsi(close, 14) < 30 and close > sma(close, 200)")
    assert type(plan) is CompiledFormula


def test_the_split_computes_only_what_the_cross_section_needs(service: FormulaService) -> None:
    plan = service.compile("rank(roc(close, 63)) <= 50 and close > sma(close, 200)")
    assert isinstance(plan, ScreenPlan)
    # leaves: roc, the per-symbol condition, and sma (an indicator term, reported)
    assert plan.indicator_terms == ("rank(roc(close, 63))", "roc(close, 63)", "sma(close, 200)")
    assert plan.warmup_bars == 199 and plan.history == 0
    shifted = service.compile("rank(roc(close, 5))[2] == 1 and top(close, 3) for 4 bars")
    assert isinstance(shifted, ScreenPlan)
    assert shifted.history == 3 and shifted.warmup_bars == 5 + 3


@pytest.mark.parametrize(
    ("formula", "message", "at"),
    [
        ('tf("1w", rank(close) < 3)', "rank() cannot be used inside tf()", "rank("),
        ("sma(rank(close), 5) > 1", "rank() cannot be the input of an indicator", "rank("),
        (
            "close > 1 and zscore(macd(close).macd) > bbands(top(close, 3), 20).upper",
            "top() cannot be the input of an indicator",
            "top(",
        ),
        ("rank(close, 5) < 3", "wrong arguments to rank()", "rank("),
        ("top(close) and close > 1", "wrong arguments to top()", "top("),
        ("top(close, 0)", "the count of top() must be at least 1", "0"),
        ("bottom(close, 2.5)", "the count of bottom() must be a whole number", "2.5"),
        ("rank(close, by=5) < 3", "by= takes the name of a symbol-metadata field", "5)"),
        ("rank(close, group=sector) < 3", "wrong arguments to rank()", "rank("),
        ("rank(close > 1) < 3", "rank() must be a number, got a condition", "close"),
        ("rank(close)", "a formula must be a condition", "rank("),
        ("median(close, by=sector) and true", "the left side of 'and' must be a condition", "m"),
    ],
)
def test_misuse_is_a_compile_time_error_with_a_caret(
    service: FormulaService, formula: str, message: str, at: str
) -> None:
    with pytest.raises(FormulaError) as info:
        service.compile(formula)
    assert message in str(info.value)
    assert info.value.position == formula.index(at)
    assert "^" in str(info.value)


def test_an_unknown_by_field_fails_the_job() -> None:
    job = ProcessingJob(
        id="x",
        symbols=["AAPL", "MSFT"],
        timeframe="1d",
        date_range=DateRange("2017-06-01", "2017-06-30"),
        formula="rank(close, by=country) < 2",
    )

    async def run() -> None:
        with ProcessingEngine(SampleRepository(), FormulaService(), 1, backend="serial") as engine:
            await engine.process_batch(job)

    with pytest.raises(InvalidJobError, match=r"no symbol metadata field 'country'.*sector"):
        asyncio.run(run())


_TERMS = st.sampled_from(["close", "roc(close, 5)", "rsi(close, 14)", "volume / 1000"])
_OPS = st.sampled_from(["rank", "percentile", "zscore", "demean", "median"])


@st.composite
def cross_formulas(draw: st.DrawFn) -> str:
    op, term = draw(_OPS), draw(_TERMS)
    by = draw(st.sampled_from(["", ", by=sector"]))
    inner = f"{op}({term}{by})"
    if draw(st.booleans()):
        inner = f"{inner}[{draw(st.integers(0, 3))}]"
    left = f"{inner} {draw(st.sampled_from(['<', '>', '>=']))} {draw(st.integers(0, 50))}"
    if draw(st.booleans()):
        n = draw(st.integers(1, 20))
        left = f"({left}) or {draw(st.sampled_from(['top', 'bottom']))}({term}, {n})"
    return left


@settings(max_examples=50)
@given(cross_formulas())
def test_screen_plans_pickle_and_round_trip(formula: str) -> None:
    plan = FormulaService().compile(formula)
    assert isinstance(plan, ScreenPlan)
    again = pickle.loads(pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL))
    assert again == plan
    # the outcome a worker sends back pickles too
    candles = SampleRepository().get_candles(
        "AAPL", "1d", DateRange("2017-01-01", "2017-03-31"), warmup_bars=plan.warmup_bars
    )
    outcome = plan.evaluate(candles, DateRange("2017-01-01", "2017-03-31"))
    back = pickle.loads(pickle.dumps(outcome))
    for a, b in zip(
        outcome.computed_indicators.values(), back.computed_indicators.values(), strict=True
    ):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])


def test_process_backend_equals_the_serial_one() -> None:
    """The engine's own path (no scan()): packed leaves cross processes and finish there."""
    job = ProcessingJob(
        id="x",
        symbols=SampleRepository().symbols()[:60],
        timeframe="1d",
        date_range=DateRange("2017-01-01", "2017-12-31"),
        formula="rank(roc(close, 20), by=sector) <= 2 and close > sma(close, 50)",
    )

    async def run(backend: str) -> dict[str, ProcessingResult]:
        engine = ProcessingEngine(SampleRepository(), FormulaService(), 2, backend=backend)
        with engine:
            results = await engine.process_batch(job)
        return {r.symbol: r for r in results}

    process, serial = asyncio.run(run("process")), asyncio.run(run("serial"))
    assert process.keys() == serial.keys() == set(job.symbols)
    for symbol, got in process.items():
        want = serial[symbol]
        assert got.error == want.error and got.last_bar == want.last_bar
        assert list(got.matches) == list(want.matches)
        assert got.computed_indicators.keys() == want.computed_indicators.keys()
        for key, value in got.computed_indicators.items():
            assert isinstance(value, float)  # the packed leaves never reach a host
            np.testing.assert_equal(value, want.computed_indicators[key])
    assert sum(len(r.matches) for r in process.values()) > 0
