"""Specs: parameter checking and indicator-spec validation."""

from __future__ import annotations

import math

import pytest

from candlescan import IndicatorSpec, InvalidParameterError, ParamSpec, PluginError


def spec(**overrides: object) -> IndicatorSpec:
    arguments: dict[str, object] = {
        "name": "toy",
        "kernel_ref": "tests.plugins.sample_plugins:double",
        "inputs": ("real",),
        "params": (ParamSpec("timeperiod", 14, 2, 100), ParamSpec("factor", 2.0, 0.0, 5.0)),
        "outputs": ("real",),
        "lookback_ref": "tests.plugins.sample_plugins:double_lookback",
    }
    arguments.update(overrides)
    return IndicatorSpec(**arguments)  # type: ignore[arg-type]


class TestParamSpec:
    def test_kind_follows_the_default(self) -> None:
        assert ParamSpec("timeperiod", 14, 2, 100).kind == "int"
        assert ParamSpec("nbdev", 2.0, 0, 10).kind == "float"

    @pytest.mark.parametrize(("value", "expected"), [(14, 14), (14.0, 14), (2, 2), (100, 100)])
    def test_int_param_accepts_integral_values(self, value: float, expected: int) -> None:
        checked = ParamSpec("timeperiod", 14, 2, 100).check(value)
        assert checked == expected
        assert type(checked) is int

    @pytest.mark.parametrize("value", [1, 101, 14.5, math.nan, math.inf, True, "14", None])
    def test_int_param_rejects(self, value: object) -> None:
        with pytest.raises(InvalidParameterError, match="'timeperiod' must be between 2 and 100"):
            ParamSpec("timeperiod", 14, 2, 100).check(value, "rsi")

    def test_float_param_is_coerced_to_float(self) -> None:
        assert type(ParamSpec("nbdev", 2.0, 0, 10).check(3)) is float

    def test_default_outside_bounds_is_a_plugin_error(self) -> None:
        with pytest.raises(PluginError, match="outside"):
            ParamSpec("timeperiod", 1, 2, 100)


class TestIndicatorSpec:
    def test_bind_params_fills_defaults_and_checks(self) -> None:
        assert spec().bind_params({"factor": 3}) == {"timeperiod": 14, "factor": 3.0}
        with pytest.raises(InvalidParameterError, match="toy\\(\\): parameter 'timeperiod'"):
            spec().bind_params({"timeperiod": 0})

    def test_unknown_parameter_lists_the_known_ones(self) -> None:
        with pytest.raises(TypeError, match=r"no parameter 'period' .*timeperiod, factor"):
            spec().bind_params({"period": 3})

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"name": "RSI"}, "lowercase identifier"),
            ({"name": "my-rsi"}, "lowercase identifier"),
            ({"inputs": ()}, "no inputs"),
            ({"outputs": ()}, "no outputs"),
            ({"inputs": ("timeperiod",)}, "repeats"),
        ],
    )
    def test_invalid_specs(self, overrides: dict[str, object], message: str) -> None:
        with pytest.raises(PluginError, match=message):
            spec(**overrides)

    def test_from_kernel_requires_the_indicator_decorator(self) -> None:
        from tests.plugins.sample_plugins import double

        with pytest.raises(PluginError, match="not decorated"):
            IndicatorSpec.from_kernel(double)
