"""A stand-in third-party indicator plugin (module-level, so workers could import it)."""

from __future__ import annotations

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


@hookimpl
def candlescan_register_indicators() -> list[IndicatorSpec]:
    return [
        IndicatorSpec(
            name="spread",
            kernel_ref=f"{__name__}:spread",
            inputs=("high", "low"),
            params=(ParamSpec("scale", 1.0, 0.0, 100.0),),
            outputs=("real",),
            lookback_ref=f"{__name__}:spread_lookback",
            summary="high minus low, scaled",
        )
    ]
