"""``candlescan.testing``: the indicator contract passes good plugins and fails broken ones.

(The data-source contract is exercised by ``tests/plugins/sources/test_source_contracts.py``.)
"""

from __future__ import annotations

import math
import sys
import types
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

import candlescan.plugins.indicators
from candlescan import IndicatorSpec, ParamSpec, PluginError, hookimpl
from candlescan.testing import IndicatorPluginContract, indicator_specs_of, random_ohlcv

F64 = npt.NDArray[np.float64]
HERE = __name__


# --- a well-behaved toy plugin ----------------------------------------------------------


def range_mean(high: F64, low: F64, timeperiod: int = 4) -> F64:
    """Mean of high - low over ``timeperiod`` bars; NaN for the first timeperiod - 1."""
    width = np.asarray(high, np.float64) - np.asarray(low, np.float64)
    out = np.full(len(width), np.nan)
    for i in range(timeperiod - 1, len(width)):
        out[i] = width[i - timeperiod + 1 : i + 1].mean()
    return out


def range_mean_lookback(timeperiod: int = 4) -> int:
    return timeperiod - 1


def spread_pair(real0: F64, real1: F64) -> tuple[F64, F64]:
    """Two outputs, no warm-up: the difference and the ratio of two series."""
    a, b = np.asarray(real0, np.float64), np.asarray(real1, np.float64)
    return a - b, a / b


def no_lookback() -> int:
    return 0


def toy_ema(high: F64, low: F64, timeperiod: int = 4) -> F64:
    """EMA of the bar midpoint, seeded with the first midpoint: a recursive kernel."""
    middle = (np.asarray(high, np.float64) + np.asarray(low, np.float64)) / 2.0
    out = np.empty(len(middle))
    k = 2.0 / (timeperiod + 1)
    state = middle[0] if len(middle) else 0.0
    for i, value in enumerate(middle):
        state += k * (value - state)
        out[i] = state
    return out


def no_lookback_of_period(timeperiod: int = 4) -> int:
    return 0


def toy_ema_warmup(tolerance: float, timeperiod: int = 4) -> int:
    # Hand-derived: the seed's weight (1 - k)**j must fall below the tolerance, with room
    # for a seed 10 times off (candlescan.kernels.decay_bars derives the same).
    return math.ceil(math.log(tolerance / 10.0) / math.log(1.0 - 2.0 / (timeperiod + 1)))


def toy_ema_warmup_too_short(tolerance: float, timeperiod: int = 4) -> int:
    return 5


def _spec(name: str, kernel: str, lookback: str, **extra: Any) -> IndicatorSpec:
    fields: dict[str, Any] = {
        "inputs": ("high", "low"),
        "params": (ParamSpec("timeperiod", 4, 1, 1000),),
        "outputs": ("real",),
    }
    fields.update(extra)
    return IndicatorSpec(
        name=name, kernel_ref=f"{HERE}:{kernel}", lookback_ref=f"{HERE}:{lookback}", **fields
    )


GOOD_SPECS = [
    _spec("toy_range_mean", "range_mean", "range_mean_lookback"),
    _spec("toy_ema", "toy_ema", "no_lookback_of_period", warmup_ref=f"{HERE}:toy_ema_warmup"),
    _spec(
        "toy_spread_pair",
        "spread_pair",
        "no_lookback",
        inputs=("real0", "real1"),
        params=(),
        outputs=("diff", "ratio"),
    ),
]


class GoodPlugin:
    @hookimpl
    def candlescan_register_indicators(self) -> list[IndicatorSpec]:
        return list(GOOD_SPECS)


class TestGoodPlugin(IndicatorPluginContract):
    @pytest.fixture
    def plugin(self) -> Any:
        return GoodPlugin()


class TestBuiltinIndicators(IndicatorPluginContract):
    """candlescan's own indicator plugin meets the contract it asks of others."""

    @pytest.fixture
    def plugin(self) -> Any:
        return candlescan.plugins.indicators


def test_random_ohlcv_is_consistent_and_deterministic() -> None:
    data = random_ohlcv(500, seed=3)
    assert (data["low"] <= np.minimum(data["open"], data["close"])).all()
    assert (data["high"] >= np.maximum(data["open"], data["close"])).all()
    assert all(np.array_equal(data[k], random_ohlcv(500, seed=3)[k]) for k in data)


# --- broken plugins: each must fail the matching check -----------------------------------


def float32_kernel(high: F64, low: F64, timeperiod: int = 4) -> Any:
    return range_mean(high, low, timeperiod).astype(np.float32)


def short_kernel(high: F64, low: F64, timeperiod: int = 4) -> F64:
    return range_mean(high, low, timeperiod)[1:]


def lookback_too_long(timeperiod: int = 4) -> int:
    return timeperiod + 1  # claims 2 more NaN than range_mean has


def lookback_too_short(timeperiod: int = 4) -> int:
    return timeperiod - 3  # range_mean is still NaN right after this


#: An alias: resolves, but not to an object whose own name is "aliased_kernel".
aliased_kernel = range_mean
warmup_alias = toy_ema_warmup

# A module that exists only in this process, as a plugin defined in a notebook would be.
_ephemeral = types.ModuleType("candlescan_ephemeral_test_module")
_ephemeral.kernel = range_mean  # type: ignore[attr-defined]
_ephemeral.lookback = range_mean_lookback  # type: ignore[attr-defined]
sys.modules[_ephemeral.__name__] = _ephemeral


class _Plugin:
    def __init__(self, specs: list[IndicatorSpec]) -> None:
        self.specs = specs

    @hookimpl
    def candlescan_register_indicators(self) -> list[IndicatorSpec]:
        return self.specs


def _check(name: str) -> Callable[..., None]:
    method: Callable[..., None] = getattr(IndicatorPluginContract(), name)
    return method


@pytest.mark.parametrize(
    ("spec", "check"),
    [
        (_spec("bad_dtype", "float32_kernel", "range_mean_lookback"), "kernels_return"),
        (_spec("bad_length", "short_kernel", "range_mean_lookback"), "kernels_return"),
        (_spec("bad_lookback_long", "range_mean", "lookback_too_long"), "lookback_leading"),
        (_spec("bad_lookback_short", "range_mean", "lookback_too_short"), "lookback_leading"),
        (_spec("bad_alias", "aliased_kernel", "range_mean_lookback"), "references_name"),
        (_spec("undeclared_recursion", "toy_ema", "no_lookback_of_period"), "warmup_converges"),
        (
            _spec(
                "warmup_too_short",
                "toy_ema",
                "no_lookback_of_period",
                warmup_ref=f"{HERE}:toy_ema_warmup_too_short",
            ),
            "warmup_converges",
        ),
        (
            _spec(
                "bad_warmup_alias",
                "toy_ema",
                "no_lookback_of_period",
                warmup_ref=f"{HERE}:warmup_alias",
            ),
            "references_name",
        ),
    ],
)
def test_broken_plugins_fail_the_contract(spec: IndicatorSpec, check: str) -> None:
    names = [n for n in dir(IndicatorPluginContract) if n.startswith(f"test_{check}")]
    assert len(names) == 1
    with pytest.raises(AssertionError):
        _check(names[0])((spec,))


def test_unimportable_reference_fails_in_a_fresh_process() -> None:
    spec = IndicatorSpec(
        name="ephemeral",
        kernel_ref="candlescan_ephemeral_test_module:kernel",
        inputs=("high", "low"),
        params=(ParamSpec("timeperiod", 4, 1, 1000),),
        outputs=("real",),
        lookback_ref="candlescan_ephemeral_test_module:lookback",
    )
    _check("test_kernels_return_float64_arrays_of_input_length")((spec,))  # fine in-process
    with pytest.raises(AssertionError, match="could not import"):
        _check("test_references_import_in_a_fresh_process")((spec,))


def test_name_clash_with_a_builtin_fails() -> None:
    clash = _spec("sma", "range_mean", "range_mean_lookback")
    plugin = _Plugin([clash])
    with pytest.raises(PluginError, match="registered twice"):
        _check("test_registers_beside_the_builtins")(plugin, (clash,))


def test_missing_hook_or_empty_list_fails() -> None:
    with pytest.raises(AssertionError, match="no candlescan_register_indicators"):
        indicator_specs_of(object())
    with pytest.raises(AssertionError, match="no indicators"):
        indicator_specs_of(_Plugin([]))
    with pytest.raises(AssertionError, match="is not an IndicatorSpec"):
        indicator_specs_of(_Plugin(["sma"]))  # type: ignore[list-item]
