"""Pickling contracts: everything that crosses a process boundary round-trips unchanged."""

from __future__ import annotations

import pickle
from datetime import date, timedelta
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from candlescan import (
    Candles,
    DateRange,
    Formula,
    IndicatorSpec,
    JobType,
    ParamSpec,
    PluginRegistry,
    PresetSpec,
    ProcessingJob,
    ProcessingResult,
    SourceSpec,
    Timeframe,
    Warmup,
)
from candlescan.execution.wire import decode_results, encode_results
from candlescan.execution.worker import Chunk, LoadOnlyPlan, WorkSpec
from candlescan.formula import FormulaService
from candlescan.plugins.sources.synthetic import SyntheticRepository

symbols = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Nd"), whitelist_characters=".-"),
    min_size=1,
    max_size=8,
)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))
date_ranges = st.builds(
    lambda start, days: DateRange(start, start + timedelta(days=days)),
    dates,
    st.integers(0, 3650),
)
parameter_values = st.one_of(
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(max_size=10),
)
identifiers = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)
jobs = st.builds(
    ProcessingJob,
    id=st.text(min_size=1, max_size=10),
    symbols=st.lists(symbols, min_size=1, max_size=20, unique=True),
    timeframe=st.sampled_from(list(Timeframe)),
    date_range=date_ranges,
    formula=st.one_of(st.none(), st.text(min_size=1).filter(str.strip).map(Formula)),
    parameters=st.dictionaries(identifiers, parameter_values, max_size=4),
    job_type=st.sampled_from(list(JobType)),
    warmup=st.sampled_from(list(Warmup)),
)
finite_or_nan = st.floats(allow_infinity=False)
timestamps = st.integers(0, 4_000_000_000_000_000_000).map(lambda ns: np.datetime64(ns, "ns"))
results = st.builds(
    ProcessingResult,
    symbol=symbols,
    matches=st.lists(timestamps, max_size=5).map(lambda xs: tuple(sorted(xs))),
    computed_indicators=st.dictionaries(st.text(max_size=20), finite_or_nan, max_size=4),
    processing_time_ms=st.floats(0, 1e6),
    error=st.one_of(st.none(), st.text(max_size=30)),
    last_bar=st.one_of(st.none(), timestamps),
    bars=st.integers(0, 10_000),
    evaluated_from=st.one_of(st.none(), timestamps),
    indicators_at=st.one_of(st.none(), timestamps),
    warnings=st.lists(st.text(max_size=30), max_size=2).map(tuple),
)


@st.composite
def candles(draw: st.DrawFn) -> Candles:
    n = draw(st.integers(0, 30))
    start = draw(st.integers(0, 10**18))
    steps = draw(st.lists(st.integers(1, 10**14), min_size=n, max_size=n))
    stamps = (start + np.cumsum(np.array(steps, dtype=np.int64))).astype("datetime64[ns]")
    columns = [draw(st.lists(finite_or_nan, min_size=n, max_size=n)) for _ in range(5)]
    return Candles(draw(symbols), stamps, *columns)


@st.composite
def param_specs(draw: st.DrawFn) -> ParamSpec:
    low = draw(st.integers(0, 100))
    high = draw(st.integers(low, 10_000))
    default: int | float = draw(st.integers(low, high))
    if draw(st.booleans()):
        default = float(default)
    return ParamSpec(draw(identifiers), default, low, high)


specs = st.one_of(
    st.builds(
        IndicatorSpec,
        name=identifiers,
        kernel_ref=st.just("tests.plugins.sample_plugins:double"),
        inputs=st.just(("real",)),
        params=st.lists(param_specs(), max_size=3, unique_by=lambda p: p.name)
        .filter(lambda ps: all(p.name != "real" for p in ps))
        .map(tuple),
        outputs=st.lists(identifiers, min_size=1, max_size=3).map(tuple),
        lookback_ref=st.just("tests.plugins.sample_plugins:double_lookback"),
        summary=st.text(max_size=20),
        plugin=st.text(max_size=10),
    ),
    st.builds(SourceSpec, scheme=identifiers, factory_ref=st.just("a.b:c")),
    st.builds(PresetSpec, name=st.text(min_size=1, max_size=10), formula=st.text(max_size=40)),
)


def round_trip(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


@given(jobs)
def test_jobs_round_trip(job: ProcessingJob) -> None:
    assert round_trip(job) == job


@given(results)
def test_results_round_trip(result: ProcessingResult) -> None:
    assert round_trip(result) == result


@given(candles())
def test_candles_round_trip_writable_and_contiguous(value: Candles) -> None:
    clone = round_trip(value)
    assert clone == value
    assert clone.close.flags.writeable
    assert clone.close.flags.c_contiguous


@given(date_ranges)
def test_date_ranges_round_trip(value: DateRange) -> None:
    assert round_trip(value) == value


@given(specs)
def test_specs_round_trip(spec: IndicatorSpec | SourceSpec | PresetSpec) -> None:
    assert round_trip(spec) == spec


def test_default_catalogue_round_trips() -> None:
    catalogue = PluginRegistry(entrypoints=False).catalogue
    clone = round_trip(catalogue)
    assert clone == catalogue
    for spec in catalogue.indicators:
        assert clone.indicator(spec.name) == spec


# --- worker payloads: what the engine sends to and receives from a worker -----------------

_FORMULAS = [
    "rsi(close, 14) < 30 and close > sma(close, 200)",
    "close crosses above ema(close, 20) within 3 bars",
    "macd(close).hist > 0 and volume > 1.5 * sma(volume, 20)",
    "close > $level",
]


@st.composite
def chunks(draw: st.DrawFn) -> Chunk:
    formula = draw(st.sampled_from(_FORMULAS))
    plan = draw(
        st.one_of(
            st.just(LoadOnlyPlan()),
            st.just(FormulaService(_REGISTRY).compile(formula, {"level": 100.0})),
        )
    )
    spec = WorkSpec(
        job_id=draw(st.text(min_size=1, max_size=8)),
        plan=plan,
        timeframe=draw(st.sampled_from(list(Timeframe))),
        date_range=draw(date_ranges),
    )
    return Chunk(
        token=draw(st.integers(0, 2**31)),
        slot=draw(st.integers(0, 64)),
        symbols=tuple(draw(st.lists(symbols, min_size=1, max_size=5, unique=True))),
        spec=spec,
    )


_REGISTRY = PluginRegistry(entrypoints=False)


@given(chunks())
def test_chunks_round_trip_and_their_plans_evaluate_alike(chunk: Chunk) -> None:
    clone = round_trip(chunk)
    assert clone.symbols == chunk.symbols
    assert clone.spec.date_range == chunk.spec.date_range
    assert clone.spec.timeframe is chunk.spec.timeframe
    assert clone.spec.plan.warmup_bars == chunk.spec.plan.warmup_bars
    bars = SyntheticRepository(1, 400).series("SYM0000")
    window = DateRange("2014-01-01", "2014-06-30")
    expected = chunk.spec.plan.evaluate(bars, window)
    got = clone.spec.plan.evaluate(bars, window)
    assert got.matches == expected.matches
    assert got.computed_indicators.keys() == expected.computed_indicators.keys()


@given(st.lists(results, max_size=6))
def test_result_wire_format_round_trips(batch: list[ProcessingResult]) -> None:
    assert decode_results(round_trip(encode_results(batch))) == batch
