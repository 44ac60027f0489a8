"""An example third-party candlescan plugin.

It adds one indicator, ``zscore(real, timeperiod=20)``, and one preset, ``stretched``.
Install it (``pip install ./examples/demo-plugin``) and both appear in
``candlescan indicators`` / ``candlescan presets`` and work in formulas.
"""

from __future__ import annotations

import numpy as np

from candlescan import IndicatorSpec, PresetSpec, hookimpl
from candlescan.kernels import Param, indicator, njit


@njit
def _zscore(real: np.ndarray, timeperiod: int) -> np.ndarray:
    out = np.full(len(real), np.nan)
    for i in range(timeperiod - 1, len(real)):
        window = real[i - timeperiod + 1 : i + 1]
        std = window.std()
        if std > 0.0:
            out[i] = (real[i] - window.mean()) / std
        elif not np.isnan(std):
            out[i] = 0.0
    return out


def _zscore_lookback(timeperiod: int) -> int:
    return timeperiod - 1


@indicator(inputs=("real",), lookback=_zscore_lookback, timeperiod=Param(20, 2, 100_000))
def zscore(real: np.ndarray, timeperiod: int = 20) -> np.ndarray:
    """Distance of the last value from the window mean, in population standard deviations."""
    return _zscore(real, timeperiod)


@hookimpl
def candlescan_register_indicators() -> list[IndicatorSpec]:
    return [IndicatorSpec.from_kernel(zscore)]


@hookimpl
def candlescan_register_presets() -> list[PresetSpec]:
    return [PresetSpec("stretched", "zscore(close, 20) < -2", "Close 2 sigmas below its mean.")]
