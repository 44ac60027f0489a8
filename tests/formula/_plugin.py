"""A stand-in third-party indicator plugin (module-level, so workers could import it)."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from candlescan import hookimpl
from candlescan.registry.specs import IndicatorSpec, ParamSpec


def spread(
    high: npt.NDArray[np.float64], low: npt.NDArray[np.float64], scale: float = 1.0
) -> npt.NDArray[np.float64]:
    """(high - low) * scale."""
    return (high - low) * scale


def spread_lookback(scale: float = 1.0) -> int:
    return 0


def smooth(real: npt.NDArray[np.float64], alpha: float = 0.5) -> npt.NDArray[np.float64]:
    """Exponential smoothing seeded with the first value: y = alpha * x + (1 - alpha) * y."""
    out = np.empty_like(real)
    level = real[0] if len(real) else 0.0
    for i, x in enumerate(real):
        level = alpha * x + (1.0 - alpha) * level
        out[i] = level
    return out


def smooth_lookback(alpha: float = 0.5) -> int:
    return 0


def smooth_warmup(tolerance: float, alpha: float = 0.5) -> int:
    """The seed's weight after k bars is (1 - alpha)^k: below ``tolerance`` from k on."""
    return math.ceil(math.log(tolerance) / math.log(1.0 - alpha))


@hookimpl
def candlescan_register_indicators() -> list[IndicatorSpec]:
    return [
        IndicatorSpec(
            name="smooth",
            kernel_ref=f"{__name__}:smooth",
            inputs=("real",),
            params=(ParamSpec("alpha", 0.5, 0.01, 0.99),),
            outputs=("real",),
            lookback_ref=f"{__name__}:smooth_lookback",
            warmup_ref=f"{__name__}:smooth_warmup",
            summary="exponential smoothing (a recursive indicator)",
        ),
        IndicatorSpec(
            name="spread",
            kernel_ref=f"{__name__}:spread",
            inputs=("high", "low"),
            params=(ParamSpec("scale", 1.0, 0.0, 100.0),),
            outputs=("real",),
            lookback_ref=f"{__name__}:spread_lookback",
            summary="high minus low, scaled",
        ),
    ]
