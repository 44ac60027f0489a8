"""The contract the engine relies on: compile, evaluate, pickle, warm-up, errors."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest

from candlescan import DateRange, Formula, InsufficientHistoryError, NoBarsInRangeError
from candlescan.formula import CompiledFormula, Evaluation, FormulaService

from .conftest import synthetic

RANGE = DateRange("2020-06-01", "2020-10-26")


def _sma(x: np.ndarray, n: int) -> np.ndarray:
    return pd.Series(x).rolling(n).mean().to_numpy()


def test_compile_exposes_the_contract(service: FormulaService) -> None:
    plan = service.compile("rsi(close, 14) < 30 and close > sma(close, 200)")
    assert plan.expression == "rsi(close, 14) < 30 and close > sma(close, 200)"
    assert plan.indicator_terms == ("rsi(close, 14)", "sma(close, 200)")
    # sma(200) is NaN for its first 199 bars; rsi(14) for its first 14.
    assert plan.lookback_bars == 199
    # rsi(14) converges to 1e-9 only after many more bars (its kernel's declaration)
    rsi = service.catalogue.indicator("rsi")
    assert plan.converged_bars == rsi.warmup(1e-9, timeperiod=14) > 199
    assert plan.warmup_bars == plan.converged_bars


def test_compile_accepts_a_formula_entity(service: FormulaService) -> None:
    plan = service.compile(Formula("close > open"))
    assert plan.expression == "close > open"


def test_plan_and_evaluation_pickle(service: FormulaService) -> None:
    plan = service.compile("sma(close, 10) crosses above sma(close, 30) within 5 bars")
    clone = pickle.loads(pickle.dumps(plan))
    assert isinstance(clone, CompiledFormula)
    assert clone == plan
    candles = synthetic()
    ev = clone.evaluate(candles, RANGE)
    again = pickle.loads(pickle.dumps(ev))
    assert isinstance(again, Evaluation)
    assert again.matches == ev.matches
    assert again.computed_indicators == ev.computed_indicators


def test_matches_and_computed_indicators_against_pandas(service: FormulaService) -> None:
    candles = synthetic(400, seed=3)
    plan = service.compile("close > sma(close, 20) and volume > 50000")
    ev = plan.evaluate(candles, RANGE)
    sma = _sma(candles.close, 20)
    first, stop = candles.index_range(RANGE)
    with np.errstate(invalid="ignore"):
        held = (candles.close > sma) & (candles.volume > 50000)
    expected = candles.timestamps[first:stop][held[first:stop]]
    assert list(ev.matches) == list(expected)
    assert ev.bars == stop - first
    assert ev.last_bar == candles.timestamps[stop - 1]
    # the values belong to the last match (the bar a user would look up on a chart)
    at = int(np.flatnonzero(held[:stop])[-1])
    assert at < stop - 1  # this data's last match is not the range's last bar
    assert ev.indicators_at == candles.timestamps[at] == expected[-1]
    assert math.isclose(ev.computed_indicators["sma(close, 20)"], sma[at], rel_tol=1e-12)


def test_without_a_match_the_values_belong_to_the_last_bar(service: FormulaService) -> None:
    candles = synthetic(400, seed=3)
    plan = service.compile("close > sma(close, 20) and volume < 0")
    ev = plan.evaluate(candles, RANGE)
    _, stop = candles.index_range(RANGE)
    assert ev.matches == ()
    assert ev.indicators_at == ev.last_bar == candles.timestamps[stop - 1]
    expected = _sma(candles.close, 20)[stop - 1]
    assert math.isclose(ev.computed_indicators["sma(close, 20)"], expected, rel_tol=1e-12)


def test_a_short_history_is_evaluated_from_its_first_bar_with_a_value(
    service: FormulaService,
) -> None:
    candles = synthetic(300)
    plan = service.compile("close > sma(close, 200)")
    # The range starts on bar 100: 100 bars of history, the formula needs 199.
    late = DateRange(str(candles.timestamps[100])[:10], str(candles.timestamps[-1])[:10])
    ev = plan.evaluate(candles, late)
    assert ev.evaluated_from == candles.timestamps[199]
    assert ev.bars == 300 - 199
    sma = _sma(candles.close, 200)
    with np.errstate(invalid="ignore"):
        held = candles.close > sma
    assert list(ev.matches) == list(candles.timestamps[199:][held[199:]])


def test_no_evaluable_bar_in_the_range_is_an_error_not_a_silent_no_match(
    service: FormulaService,
) -> None:
    candles = synthetic(300)
    plan = service.compile("close > sma(close, 200)")
    early = DateRange(str(candles.timestamps[100])[:10], str(candles.timestamps[150])[:10])
    with pytest.raises(InsufficientHistoryError) as info:
        plan.evaluate(candles, early)
    assert info.value.needed == 199
    assert info.value.available == 151
    assert info.value.symbol == "SYN"
    assert str(candles.timestamps[150])[:10] in str(info.value)


def test_exactly_enough_history_is_fine(service: FormulaService) -> None:
    candles = synthetic(300)
    plan = service.compile("close > sma(close, 200)")
    start = str(candles.timestamps[199])[:10]
    ev = plan.evaluate(candles, DateRange(start, "2030-01-01"))
    assert ev.bars == 101
    assert not math.isnan(ev.computed_indicators["sma(close, 200)"])


def test_no_bar_in_range_is_an_error_naming_the_last_bar(service: FormulaService) -> None:
    plan = service.compile("close > sma(close, 200)")
    candles = synthetic(300)
    with pytest.raises(NoBarsInRangeError) as info:
        plan.evaluate(candles, DateRange("2031-01-01", "2031-02-01"))
    last = str(candles.timestamps[-1])[:10]
    assert str(info.value) == (
        f"no bars for 'SYN' between 2031-01-01 and 2031-02-01 (its last bar before is on {last})"
    )


def test_bars_after_the_range_do_not_change_the_result(service: FormulaService) -> None:
    candles = synthetic(400, seed=5)
    plan = service.compile("close crosses above ema(close, 10) within 3 bars")
    full = plan.evaluate(candles, RANGE)
    _, stop = candles.index_range(RANGE)
    cut = plan.evaluate(candles.slice(0, stop), RANGE)
    assert full.matches == cut.matches
    assert full.computed_indicators == cut.computed_indicators


def test_parameters_are_bound_as_constants(service: FormulaService) -> None:
    plan = service.compile("rsi(close, $period) < $level", {"period": 10, "level": 40})
    assert plan.indicator_terms == ("rsi(close, 10)",)
    same = service.compile("rsi(close, 10) < 40")
    candles = synthetic()
    assert plan.evaluate(candles, RANGE).matches == same.evaluate(candles, RANGE).matches


def test_default_registry_is_used_when_none_given() -> None:
    plan = FormulaService().compile("close > open")
    assert plan.warmup_bars == 0


def test_every_preset_plan_survives_pickle(service: FormulaService) -> None:
    candles = synthetic(700, seed=9)
    date_range = DateRange(str(candles.timestamps[400])[:10], "2100-01-01")
    for preset in service.presets():
        plan = service.compile_preset(preset.name)
        clone = pickle.loads(pickle.dumps(plan))
        assert clone == plan
        a, b = plan.evaluate(candles, date_range), clone.evaluate(candles, date_range)
        assert a.matches == b.matches, preset.name
        assert a.computed_indicators.keys() == b.computed_indicators.keys()


def test_preset_parameters_can_be_overridden(service: FormulaService) -> None:
    plan = service.compile_preset("golden-cross", {"fast": 20})
    assert plan.indicator_terms == ("sma(close, 20)", "sma(close, 200)")
