"""The warm-up policies: how each term's declared warm-up composes into the plan's.

A stand-in recursive indicator (``smooth``, exponential smoothing with a declared
``warmup_ref``) makes these tests independent of the built-in kernels' declarations: its
warm-up, ``ceil(log(1e-9) / log(1 - alpha))`` (30 bars at alpha 0.5), is derived by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from candlescan import DateRange, InvalidJobError, PluginRegistry, ProcessingJob, Warmup
from candlescan.entities import FULL_HISTORY_BARS
from candlescan.formula import FormulaService

from . import _plugin
from .conftest import synthetic

SMOOTH = 30  # ceil(log(1e-9) / log(0.5)) = ceil(29.9)


@pytest.fixture(scope="module")
def service() -> FormulaService:
    registry = PluginRegistry(entrypoints=False)
    registry.register(_plugin, name="warmup-test-plugin")
    return FormulaService(registry)


@pytest.mark.parametrize(
    ("text", "converged", "lookback"),
    [
        ("smooth(close) > 0", SMOOTH, 0),
        # nested: the outer one needs its whole warm-up of converged inputs
        ("smooth(smooth(close)) > 0", 2 * SMOOTH, 0),
        ("sma(smooth(close), 10) > 0", SMOOTH + 9, 9),
        ("smooth(sma(close, 10)) > 0", 9 + SMOOTH, 9),
        # bars ago, crossings and temporal operators add their bars to either warm-up
        ("smooth(close)[3] > 0", SMOOTH + 3, 3),
        ("close crosses above smooth(close)", SMOOTH + 1, 1),
        ("smooth(close) > 0 within 4 bars", SMOOTH + 3, 3),
        # the larger side wins
        ("smooth(close) > 0 and close > sma(close, 50)", max(SMOOTH, 49), 49),
        # a higher timeframe scales by the bar ratio (7 days a week)
        ('tf("1w", smooth(close) > 0)', (SMOOTH + 2) * 7, 2 * 7),
        ("smooth(close, 0.9) > 0", math.ceil(math.log(1e-9) / math.log(0.1)), 0),
    ],
)
def test_each_policy_composes_the_declared_warmups(
    service: FormulaService, text: str, converged: int, lookback: int
) -> None:
    plan = service.compile(text)
    assert (plan.converged_bars, plan.lookback_bars) == (converged, lookback)
    assert plan.warmup_bars == converged and plan.warmup is Warmup.CONVERGED
    assert service.compile(text, warmup="lookback").warmup_bars == lookback
    assert service.compile(text, warmup="full").warmup_bars == FULL_HISTORY_BARS


def test_a_window_indicator_converges_at_its_lookback(service: FormulaService) -> None:
    plan = service.compile("close > sma(close, 200)")
    assert plan.warmup_bars == plan.lookback_bars == plan.converged_bars == 199


def _last_value(service: FormulaService, text: str, candles_from: int, policy: str) -> float:
    candles = synthetic(600, seed=4)
    plan = service.compile(f"{text} > 0", warmup=policy)
    day = str(candles.timestamps[-1])[:10]
    bars = min(plan.warmup_bars, len(candles) - 1)
    window = candles.slice(len(candles) - 1 - bars, len(candles)) if candles_from < 0 else candles
    return plan.evaluate(window, DateRange(day, day)).computed_indicators[text]


@pytest.mark.parametrize(
    "text",
    ["smooth(close, 0.5)", "smooth(smooth(close, 0.5), 0.5)", "sma(smooth(close, 0.5), 10)"],
)
def test_the_converged_warmup_gives_the_full_history_value(
    service: FormulaService, text: str
) -> None:
    full = _last_value(service, text, 0, "full")
    converged = _last_value(service, text, -1, "converged")
    assert converged == pytest.approx(full, rel=1e-9, abs=0)


def test_the_lookback_warmup_is_only_approximate(service: FormulaService) -> None:
    # What the issue found for RSI: the lookback alone leaves the seed's weight in the value.
    full = _last_value(service, "smooth(close, 0.5)", 0, "full")
    lookback = _last_value(service, "smooth(close, 0.5)", -1, "lookback")
    assert abs(lookback - full) > 1e-6 * abs(full)


def test_the_job_carries_the_policy_and_rejects_an_unknown_one() -> None:
    job = ProcessingJob("j", ["A"], "1d", DateRange("2020-01-01", "2020-01-02"))
    assert job.warmup is Warmup.CONVERGED
    job = ProcessingJob("j", ["A"], "1d", DateRange("2020-01-01", "2020-01-02"), warmup="FULL")
    assert job.warmup is Warmup.FULL
    with pytest.raises(InvalidJobError, match="unknown warm-up policy 'some'"):
        ProcessingJob("j", ["A"], "1d", DateRange("2020-01-01", "2020-01-02"), warmup="some")


def test_plans_of_different_policies_are_cached_apart(service: FormulaService) -> None:
    one = service.compile("smooth(close) > 0", warmup="lookback")
    two = service.compile("smooth(close) > 0", warmup="converged")
    assert one.warmup_bars != two.warmup_bars
    assert service.compile("smooth(close) > 0", warmup=Warmup.LOOKBACK) is one


def test_a_term_on_a_bar_does_not_depend_on_the_rest_of_the_formula(
    service: FormulaService,
) -> None:
    # With the lookback policy, adding "and close > sma(close, 200)" lengthened the
    # warm-up and moved the smoothing's value; converged values agree within 1e-9.
    candles = synthetic(800, seed=8)
    day = str(candles.timestamps[-1])[:10]
    values = []
    for text in ("smooth(close) > 0", "smooth(close) > 0 and close > sma(close, 200)"):
        plan = service.compile(text)
        window = candles.slice(len(candles) - 1 - plan.warmup_bars, len(candles))
        values.append(plan.evaluate(window, DateRange(day, day)).computed_indicators)
    assert values[0]["smooth(close, 0.5)"] == pytest.approx(
        values[1]["smooth(close, 0.5)"], rel=1e-9
    )
    assert np.isfinite(values[0]["smooth(close, 0.5)"])
