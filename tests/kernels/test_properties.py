"""Hypothesis properties of every registered kernel, parametrized over the registry.

For each kernel in ``all_kernels()``: output length and dtype, the NaN warm-up equals
``lookback``, no look-ahead (appending bars never changes earlier outputs), parity with
its naive twin on finite data and on data with missing bars, and the project's NaN rule
(after a NaN run the kernel re-seeds exactly as at the start of a series).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.kernels.cases import (
    NAN_RULE_EXCEPTIONS,
    POSITION_OUTPUTS,
    POSITION_PARAMS,
    Case,
    all_cases,
    as_outputs,
    synthetic_ohlcv,
)
from tests.kernels.compare import assert_identical, assert_outputs_close
from tests.kernels.strategies import nan_runs, scenario

CASES = all_cases()
NAMES = list(CASES)
WITH_TWIN = [name for name, c in CASES.items() if c.reference is not None]
FRESH_START = [name for name in CASES if name not in NAN_RULE_EXCEPTIONS]
MULTI_INPUT_TWIN = [name for name in WITH_TWIN if len(CASES[name].inputs) > 1]

#: A few hundred JIT-compiled calls per kernel are plenty; the profile's count is shared by
#: ~8 properties x every kernel, so each property uses a quarter of it.
EXAMPLES = max(5, settings().max_examples // 4)


# Module-scoped, so hypothesis may share them between examples (they are read-only).
@pytest.fixture(scope="module", params=NAMES)
def kernel_case(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param]


@pytest.fixture(scope="module", params=WITH_TWIN)
def twin_case(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param]


@pytest.fixture(scope="module", params=FRESH_START)
def fresh_start_case(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param]


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_length_and_dtype(kernel_case: Case, data: st.DataObject) -> None:
    # Includes series shorter than the warm-up (all-NaN output) and empty ones.
    params, bars = data.draw(scenario(kernel_case, min_extra=-40), label="params, bars")
    outputs = kernel_case.run(bars, params)
    assert len(outputs) == len(kernel_case.outputs), (
        f"{kernel_case.name} returned {len(outputs)} arrays, info.outputs declares "
        f"{kernel_case.outputs}"
    )
    for name, output in zip(kernel_case.outputs, outputs, strict=True):
        assert isinstance(output, np.ndarray), f"{name}: {type(output).__name__}"
        assert output.dtype == np.float64, f"{name}: dtype {output.dtype}"
        assert output.shape == (len(bars),), f"{name}: shape {output.shape}, {len(bars)} bars"


def test_single_output_is_an_array(kernel_case: Case) -> None:
    # One output returns the bare array (like talib.SMA), several a tuple (like talib.MACD).
    bars_needed = kernel_case.lookback(kernel_case.defaults) + 5
    result = kernel_case.kernel(*kernel_case.arrays(synthetic_ohlcv(bars_needed)))
    if len(kernel_case.outputs) == 1:
        assert isinstance(result, np.ndarray)
    else:
        assert isinstance(result, tuple) and len(result) == len(kernel_case.outputs)


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_warmup_equals_lookback(kernel_case: Case, data: st.DataObject) -> None:
    params, bars = data.draw(scenario(kernel_case), label="params, bars")
    lookback = kernel_case.lookback(params)
    assert lookback >= 0
    for name, output in zip(kernel_case.outputs, kernel_case.run(bars, params), strict=True):
        assert np.isnan(output[:lookback]).all(), (
            f"{name}: finite values inside the warm-up of {lookback} bars at "
            f"{np.flatnonzero(~np.isnan(output[:lookback])).tolist()}"
        )
        assert np.isfinite(output[lookback]), (
            f"{name}: first value after the {lookback}-bar warm-up is {output[lookback]!r}"
        )


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_no_lookahead(kernel_case: Case, data: st.DataObject) -> None:
    # numbagg's "have same beginning": a prefix of the input gives a prefix of the output.
    params, bars = data.draw(scenario(kernel_case, min_extra=-10), label="params, bars")
    cut = data.draw(st.integers(0, len(bars)), label="cut")
    whole = kernel_case.run(bars, params)
    prefix = kernel_case.run(bars.slice(0, cut), params)
    assert_identical(
        prefix,
        [output[:cut] for output in whole],
        kernel_case.outputs,
        f"{kernel_case.name}{params}: outputs on the first {cut} bars change when bars follow",
    )


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_twin_parity(twin_case: Case, data: st.DataObject) -> None:
    params, bars = data.draw(scenario(twin_case, min_extra=-5), label="params, bars")
    assume(twin_case.twin_excluded(params) is None)
    assert_outputs_close(
        twin_case.run(bars, params),
        twin_case.run_reference(bars, params),
        twin_case.outputs,
        f"{twin_case.name}{params} vs its naive twin on {bars.label}",
        input_scale=twin_case.input_scale(bars),
    )


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_twin_parity_with_missing_bars(twin_case: Case, data: st.DataObject) -> None:
    params, bars = data.draw(scenario(twin_case, min_extra=10), label="params, bars")
    assume(twin_case.twin_excluded(params) is None)
    holes = data.draw(nan_runs(len(bars)), label="NaN bars")
    holed = bars.with_nan_bars(holes)
    assert_outputs_close(
        twin_case.run(holed, params),
        twin_case.run_reference(holed, params),
        twin_case.outputs,
        f"{twin_case.name}{params} vs its naive twin, NaN at bars {holes}",
        input_scale=twin_case.input_scale(bars),
    )


@pytest.mark.parametrize("name", MULTI_INPUT_TWIN)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_twin_parity_with_nan_in_one_input(name: str, data: st.DataObject) -> None:
    # A NaN in one input only (a missing volume, a bad close) is a bad bar too.
    twin_case = CASES[name]
    params, bars = data.draw(scenario(twin_case, min_extra=10), label="params, bars")
    assume(twin_case.twin_excluded(params) is None)
    arrays = list(twin_case.arrays(bars))
    which = data.draw(st.integers(0, len(arrays) - 1), label="input index")
    holes = data.draw(nan_runs(len(bars)), label="NaN bars")
    arrays[which][holes] = np.nan
    assert twin_case.reference is not None
    assert_outputs_close(
        as_outputs(twin_case.kernel(*arrays, **params)),
        as_outputs(twin_case.reference(*arrays, **params)),
        twin_case.outputs,
        f"{name}{params} vs its naive twin, NaN in {twin_case.inputs[which]!r} at {holes}",
        input_scale=twin_case.input_scale(bars),
    )


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_nan_run_then_fresh_start(fresh_start_case: Case, data: st.DataObject) -> None:
    # The documented rule: NaN at the missing bars, then the kernel re-seeds from the
    # next clean bars exactly as at the start of a series (a fresh warm-up).
    params, bars = data.draw(scenario(fresh_start_case, min_extra=20), label="params, bars")
    n = len(bars)
    start = data.draw(st.integers(1, n - 2), label="first NaN bar")
    stop = data.draw(st.integers(start + 1, min(n - 1, start + 3)), label="first clean bar")
    holed = bars.with_nan_bars(np.arange(start, stop))
    outputs = fresh_start_case.run(holed, params)
    for name, output in zip(fresh_start_case.outputs, outputs, strict=True):
        assert np.isnan(output[start:stop]).all(), (
            f"{name}: a value at a NaN bar in [{start}, {stop}): {output[start:stop]}"
        )
    # Bar-position params (an anchor) count from the slice's start: the anchor moves back
    # by ``stop`` bars, and one inside or before the NaN run re-anchors at ``stop``.
    shifted = dict(params)
    for name in POSITION_PARAMS.get(fresh_start_case.name, ()):
        shifted[name] = max(0, int(params[name]) - stop)
    fresh = fresh_start_case.run(holed.slice(stop), shifted)
    if fresh_start_case.name in POSITION_OUTPUTS:
        fresh = tuple(output + stop for output in fresh)  # positions in the whole input
    assert_outputs_close(
        [output[stop:] for output in outputs],
        fresh,
        fresh_start_case.outputs,
        f"{fresh_start_case.name}{params}: after NaN bars [{start}, {stop}) the output differs "
        "from a fresh run on the bars that follow",
        input_scale=fresh_start_case.input_scale(bars),
    )


@settings(max_examples=EXAMPLES)
@given(n=st.integers(0, 2000), seed=st.integers(0, 2**32 - 1))
def test_synthetic_bars_are_valid(n: int, seed: int) -> None:
    # The harness's own data: what every property above assumes about its input.
    bars = synthetic_ohlcv(n, seed)
    columns = bars.columns()
    assert all(column.shape == (n,) for column in columns.values())
    assert all(np.isfinite(column).all() for column in columns.values())
    assert (bars.low < bars.high).all()
    assert (bars.low <= np.minimum(bars.open, bars.close)).all()
    assert (bars.high >= np.maximum(bars.open, bars.close)).all()
    assert (bars.low > 0).all() and (bars.other > 0).all() and (bars.volume > 0).all()
    again = synthetic_ohlcv(n, seed)
    assert all(np.array_equal(columns[k], again.columns()[k]) for k in columns)
    moving = synthetic_ohlcv(n, seed, moving_closes=True)
    assert (moving.close[1:] != moving.close[:-1]).all()
    assert (moving.low < np.minimum(moving.open, moving.close)).all()
