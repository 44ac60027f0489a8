"""Metadata and calling contract of every registered kernel, driven by the registry.

TA-Lib's abstract interface is the independent source for names, defaults, inputs,
outputs and integer bounds; the wrapper contract (parameter errors, input lengths,
input layouts that must not trigger a second Numba specialisation) is checked for all.
"""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from numba.core.dispatcher import Dispatcher

import candlescan
from tests.kernels.cases import Case, all_cases, synthetic_ohlcv
from tests.kernels.compare import assert_identical
from tests.reference import missing_twins

CASES = all_cases()
NAMES = list(CASES)
WITH_TWIN = [name for name, c in CASES.items() if c.reference is not None]
WITH_TALIB = [name for name, c in CASES.items() if c.talib_name is not None]
MULTI_INPUT = [name for name, c in CASES.items() if len(c.inputs) > 1]


def _talib_function(kernel_case: Case) -> Any:
    abstract = pytest.importorskip("talib.abstract")
    return abstract.Function(kernel_case.talib_name)


# --- registry ---------------------------------------------------------------------------


def test_every_kernel_has_a_twin() -> None:
    missing = missing_twins()
    assert not missing, (
        f"{len(missing)} registered kernel(s) have no naive twin with the same name in "
        f"tests/reference/<family>.py: {', '.join(missing)}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_info_is_consistent(name: str) -> None:
    kernel_case = CASES[name]
    info = kernel_case.kernel.info
    assert info.name == name
    assert info.summary, f"{name}: docstring has no summary line"
    assert info.outputs and len(set(info.outputs)) == len(info.outputs), info.outputs
    assert len(set(info.inputs)) == len(info.inputs), info.inputs
    lookback = kernel_case.kernel.lookback(**kernel_case.defaults)
    assert isinstance(lookback, int) and lookback >= 0, lookback
    assert kernel_case.kernel.lookback() == lookback, "lookback() must use the defaults"


@pytest.mark.parametrize("name", WITH_TWIN)
def test_twin_has_the_same_signature(name: str) -> None:
    kernel_case = CASES[name]
    assert kernel_case.reference is not None
    twin = inspect.signature(kernel_case.reference).parameters
    expected = [*kernel_case.inputs, *kernel_case.defaults]
    assert list(twin) == expected, f"twin of {name}: {list(twin)}, kernel: {expected}"
    for param, default in kernel_case.defaults.items():
        assert twin[param].default == default, f"twin of {name}: default of {param!r}"


@pytest.mark.parametrize("name", NAMES)
def test_docstring_is_numpydoc(name: str) -> None:
    kernel_case = CASES[name]
    doc = inspect.getdoc(kernel_case.kernel) or ""
    for section in ("Parameters", "Returns", "Notes"):
        assert re.search(rf"^{section}\n-+$", doc, re.M), f"{name}: no {section!r} section"
    parameters = doc.split("Parameters\n", 1)[-1].split("Returns\n", 1)[0]
    documented: set[str] = set()
    for line in re.findall(r"^(\w[\w, ]*) :", parameters, re.M):  # "high, low, close : ..."
        documented.update(part.strip() for part in line.split(","))
    for argument in (*kernel_case.inputs, *kernel_case.defaults):
        assert argument in documented, f"{name}: {argument!r} not in the Parameters section"
    if kernel_case.talib_name is not None:
        assert f"``talib.{kernel_case.talib_name}(" in doc, (
            f"{name}: Notes should say 'Equivalent to ``talib.{kernel_case.talib_name}(...)``'"
        )


# --- TA-Lib's abstract metadata ---------------------------------------------------------


@pytest.mark.talib
@pytest.mark.parametrize("name", WITH_TALIB)
def test_params_match_talib(name: str) -> None:
    kernel_case = CASES[name]
    theirs = dict(_talib_function(kernel_case).info["parameters"])
    ours = kernel_case.defaults
    shared = [param for param in ours if param in theirs]
    assert shared == list(theirs), f"{name}: params {list(ours)}, talib: {list(theirs)}"
    # Extensions (e.g. a rolling window for VWAP) may only follow TA-Lib's params, so
    # positional TA-Lib calls keep working.
    assert list(ours)[: len(theirs)] == list(theirs), f"{name}: extra params must come last"
    for param, default in theirs.items():
        assert ours[param] == default, f"{name}: default {param}={ours[param]!r}, talib {default!r}"
        assert type(ours[param]) is type(default), f"{name}: {param} kind differs from TA-Lib"


@pytest.mark.talib
@pytest.mark.parametrize("name", WITH_TALIB)
def test_inputs_match_talib(name: str) -> None:
    kernel_case = CASES[name]
    expected: list[str] = []
    for key, value in _talib_function(kernel_case).input_names.items():
        if isinstance(value, list | tuple):
            expected.extend(value)  # ("prices", ["high", "low", "close"])
        elif key.startswith("price"):
            expected.append(key.replace("price", "real"))  # price -> real, price0 -> real0
        else:
            expected.append(key)  # MAVP's "periods"
    assert list(kernel_case.inputs) == expected, f"{name}: {kernel_case.inputs} vs {expected}"


@pytest.mark.talib
@pytest.mark.parametrize("name", WITH_TALIB)
def test_outputs_match_talib(name: str) -> None:
    kernel_case = CASES[name]
    expected = list(_talib_function(kernel_case).output_names)
    assert list(kernel_case.outputs) == expected, f"{name}: {kernel_case.outputs} vs {expected}"


@pytest.mark.talib
@pytest.mark.parametrize("name", WITH_TALIB)
def test_integer_bounds_match_talib(name: str) -> None:
    # TA-Lib's abstract info has no bounds, but its C code refuses a value out of range
    # (TA_BAD_PARAM), which tells the bounds apart. Only integer *ranges* are checked:
    # TA-Lib does not validate MA types or float multipliers.
    talib = pytest.importorskip("talib")
    kernel_case = CASES[name]
    function = getattr(talib, str(kernel_case.talib_name))
    arrays = kernel_case.arrays(synthetic_ohlcv(40))
    for spec in kernel_case.kernel.info.params:
        if spec.kind != "int" or "matype" in spec.name or spec.name not in kernel_case.talib_params:
            continue
        for value, accepted in (
            (spec.low, True),
            (spec.high, True),
            (spec.low - 1, False),
            (spec.high + 1, False),
        ):
            try:
                function(*arrays, **{spec.name: int(value)})
                talib_accepts = True
            except Exception as error:  # TA-Lib raises a bare Exception for TA_BAD_PARAM
                assert "Bad Parameter" in str(error), error
                talib_accepts = False
            assert talib_accepts == accepted, (
                f"{name}: {spec.name} declared {spec.low:g}..{spec.high:g}, but TA-Lib "
                f"{'accepts' if talib_accepts else 'refuses'} {int(value)}"
            )


# --- the calling contract ---------------------------------------------------------------


def _bad_values(low: float, high: float, kind: str) -> Iterator[object]:
    yield low - max(1.0, abs(low))
    yield high + max(1.0, abs(high))
    yield float("nan")
    yield "14"
    if kind == "int":
        yield low + 0.5


@pytest.mark.parametrize("name", NAMES)
def test_out_of_bounds_params_raise(name: str) -> None:
    kernel_case = CASES[name]
    arrays = kernel_case.arrays(synthetic_ohlcv(5))
    for spec in kernel_case.kernel.info.params:
        for value in _bad_values(spec.low, spec.high, spec.kind):
            with pytest.raises(candlescan.InvalidParameterError) as caught:
                kernel_case.kernel(*arrays, **{spec.name: value})
            assert caught.value.name == spec.name, caught.value
            assert repr(spec.name) in str(caught.value), str(caught.value)
            with pytest.raises(candlescan.InvalidParameterError) as caught:
                kernel_case.kernel.lookback(**{spec.name: value})
            assert caught.value.name == spec.name, caught.value


@pytest.mark.parametrize("name", MULTI_INPUT)
def test_unequal_input_lengths_raise(name: str) -> None:
    kernel_case = CASES[name]
    arrays = kernel_case.arrays(synthetic_ohlcv(30))
    for index, input_name in enumerate(kernel_case.inputs):
        short = list(arrays)
        short[index] = short[index][:-1]
        with pytest.raises(ValueError, match=input_name):
            kernel_case.kernel(*short)


@pytest.mark.parametrize("name", NAMES)
def test_input_layouts_share_one_specialisation(name: str) -> None:
    kernel_case = CASES[name]
    arrays = kernel_case.arrays(synthetic_ohlcv(kernel_case.lookback(kernel_case.defaults) + 40))
    expected = kernel_case.kernel(*arrays)
    as_float32 = [a.astype(np.float32).astype(np.float64) for a in arrays]
    expected_float32 = kernel_case.kernel(*as_float32)
    dispatchers = _dispatchers(kernel_case.kernel)
    assert dispatchers, f"{name}: no Numba dispatcher reachable from its wrapper"
    before = {d: len(d.signatures) for d in dispatchers}

    variants: dict[str, tuple[list[Any], Any]] = {
        "read-only": ([_read_only(a) for a in arrays], expected),
        "strided": ([np.repeat(a, 2)[::2] for a in arrays], expected),
        "float32": ([a.astype(np.float32) for a in arrays], expected_float32),
    }
    outputs = kernel_case.outputs
    for label, (inputs, want) in variants.items():
        got = kernel_case.kernel(*inputs)
        assert_identical(
            _tuple(got), _tuple(want), outputs, f"{name} on {label} input vs float64 C input"
        )
    after = {d: len(d.signatures) for d in dispatchers}
    grown = {d.py_func.__name__: (before[d], after[d]) for d in dispatchers if after[d] > before[d]}
    assert not grown, f"{name}: new Numba specialisations (before, after): {grown}"


def _read_only(array: np.ndarray) -> np.ndarray:
    copy = array.copy()
    copy.flags.writeable = False
    return copy


def _tuple(result: Any) -> tuple[Any, ...]:
    return result if isinstance(result, tuple) else (result,)


def _dispatchers(kernel: Callable[..., Any]) -> list[Dispatcher]:
    """Numba dispatchers reachable from a kernel's Python wrapper through global names."""
    start = getattr(kernel, "__wrapped__", kernel)
    found: list[Dispatcher] = []
    seen: set[int] = set()
    stack: list[Any] = [start]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, Dispatcher):
            found.append(obj)
            obj = obj.py_func
        if not isinstance(obj, types.FunctionType):
            continue
        names = _code_names(obj.__code__)
        for name in names:
            target = obj.__globals__.get(name)
            if isinstance(target, types.ModuleType):
                # module attribute access (``_averages._sma``): follow the named attributes
                stack.extend(getattr(target, attr) for attr in names if hasattr(target, attr))
            elif isinstance(target, Dispatcher) or (
                isinstance(target, types.FunctionType)
                and str(target.__module__).startswith("candlescan.kernels")
            ):
                stack.append(target)
        if obj.__closure__:
            stack.extend(cell.cell_contents for cell in obj.__closure__)
    return found


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names
