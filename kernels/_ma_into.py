"""``_ma_into``: TA-Lib's ``matype`` moving average written into a caller's buffer.

The stochastics and MACDEXT smooth intermediate series with :func:`_ma`, which returns a
new array. Allocated inside Numba, an 8 MB array costs ~2,000 page faults per call (NumPy's
own allocations ask for huge pages), so their wrappers allocate with NumPy and the two
common types (SMA, EMA) are written straight into that buffer, with the same loops as
:func:`candlescan.kernels._averages._ma` (so the same numbers, bit for bit).
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._averages import _ema_from, _ma, _sma_from
from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array

__all__: list[str] = []


@njit
def _ma_into(real: F64Array, timeperiod: int, matype: int, out: F64Array) -> None:
    """``out[:] = _ma(real, timeperiod, matype)``, without allocating for SMA and EMA."""
    if timeperiod == 1:
        out[:] = real
        return
    if matype != 0 and matype != 1:
        out[:] = _ma(real, timeperiod, matype)
        return
    k = 2.0 / (timeperiod + 1)
    n = real.shape[0]
    i = 0
    while i < n:
        if np.isnan(real[i]):  # between runs (or an outer warm-up): NaN, no state
            out[i] = np.nan
            i += 1
        elif matype == 0:
            i = _sma_from(real, i, timeperiod, out)
        else:
            i = _ema_from(real, i, timeperiod, k, out)
