"""The built-in indicator plugin: each kernel of :mod:`candlescan.kernels` as a formula function."""

from __future__ import annotations

from candlescan import IndicatorSpec, hookimpl
from candlescan.kernels import all_kernels

__all__ = ["candlescan_register_indicators"]


@hookimpl
def candlescan_register_indicators() -> list[IndicatorSpec]:
    """Register each kernel under its own (TA-Lib lowercase) name."""
    return [IndicatorSpec.from_kernel(kernel) for kernel in all_kernels().values()]
