"""The built-in indicator plugin: each kernel of :mod:`candlescan.kernels` as a formula function."""

from __future__ import annotations

from candlescan._markers import hookimpl
from candlescan.kernels import all_kernels
from candlescan.specs import IndicatorSpec

__all__ = ["candlescan_register_indicators"]


@hookimpl
def candlescan_register_indicators() -> list[IndicatorSpec]:
    """Register each kernel under its own (TA-Lib lowercase) name."""
    return [IndicatorSpec.from_kernel(kernel) for kernel in all_kernels().values()]
