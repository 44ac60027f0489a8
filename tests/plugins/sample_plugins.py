"""Plugins used by the registry tests. Importable, so worker processes can resolve them."""

from __future__ import annotations

import numpy as np

from candlescan import IndicatorSpec, ParamSpec, PresetSpec, SourceSpec, hookimpl
from candlescan.kernels import Param, indicator
from candlescan.kernels._meta import F64Array


def _spread_lookback(timeperiod: int) -> int:
    return timeperiod - 1


@indicator(inputs=("high", "low"), lookback=_spread_lookback, timeperiod=Param(5, 1, 1000))
def spread(high: F64Array, low: F64Array, timeperiod: int = 5) -> F64Array:
    """Mean of high - low over ``timeperiod`` bars (a toy third-party indicator)."""
    width = high - low
    out = np.full(len(width), np.nan)
    if len(width) >= timeperiod:
        sums = np.convolve(width, np.ones(timeperiod), mode="valid")
        out[timeperiod - 1 :] = sums / timeperiod
    return out


def double(real: F64Array, factor: float = 2.0) -> F64Array:
    """A hand-written (undecorated) kernel: ``real * factor``."""
    return np.asarray(real, dtype=np.float64) * factor


def double_lookback(factor: float = 2.0) -> int:
    return 0


class ThirdPartyPlugin:
    """A plugin object, as a third-party package would ship it."""

    @hookimpl
    def candlescan_register_indicators(self) -> list[IndicatorSpec]:
        return [
            IndicatorSpec.from_kernel(spread),
            IndicatorSpec(
                name="double",
                kernel_ref="tests.plugins.sample_plugins:double",
                inputs=("real",),
                params=(ParamSpec("factor", 2.0, 0.0, 10.0),),
                outputs=("real",),
                lookback_ref="tests.plugins.sample_plugins:double_lookback",
                summary="Twice the input.",
            ),
        ]

    @hookimpl
    def candlescan_register_presets(self) -> list[PresetSpec]:
        return [PresetSpec("wide-spread", "spread(5) > 2", "Bars wider than 2 on average.")]


class DuplicateIndicatorPlugin:
    @hookimpl
    def candlescan_register_indicators(self) -> list[IndicatorSpec]:
        return [IndicatorSpec.from_kernel(spread)]


class MainModuleRefPlugin:
    @hookimpl
    def candlescan_register_sources(self) -> list[SourceSpec]:
        return [SourceSpec("ghost", "__main__:make_repo")]


class UnimportableRefPlugin:
    @hookimpl
    def candlescan_register_sources(self) -> list[SourceSpec]:
        return [SourceSpec("ghost", "tests.plugins.no_such_module:make_repo")]


class RaisingPlugin:
    @hookimpl
    def candlescan_register_indicators(self) -> list[IndicatorSpec]:
        raise RuntimeError("plugin exploded")


class WrongTypePlugin:
    @hookimpl
    def candlescan_register_indicators(self) -> list[IndicatorSpec]:
        return ["rsi"]  # type: ignore[list-item]


class TypoHookPlugin:
    @hookimpl
    def candlescan_register_indicatorz(self) -> list[IndicatorSpec]:
        return []
