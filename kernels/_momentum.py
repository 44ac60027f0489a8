"""Private loop of the momentum family: Wilder's smoothed gains and losses (RSI, CMO).

:mod:`candlescan.kernels.stochastic` runs STOCHRSI on it, so it lives here, not in the
public family module.
"""

from __future__ import annotations

import numpy as np

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array
from candlescan.kernels._runs import _fma


@njit
def _wilder(real: F64Array, timeperiod: int, cmo: bool, out: F64Array) -> None:
    """RSI (or CMO) into ``out`` in one pass; a NaN bar resets the state, so each clean
    run re-seeds.

    After the seed, Wilder's step ``avg * (n - 1) / n + x / n`` is one fused multiply-add
    on each average's dependency chain, ``fma(avg, (n - 1) / n, x / n)`` (as
    :func:`candlescan.kernels._averages._rma_from`): TA-Lib's multiply, add and divide take
    9 cycles a bar for RSI and ~19 for CMO, where it divides. It differs from TA-Lib by
    rounding only (~1e-16 relative: the recursion is contractive).
    """
    scale = 1.0 / timeperiod
    keep = (timeperiod - 1.0) / timeperiod
    count = 0  # clean bars seen in the current run
    prev = gain = loss = 0.0
    for i in range(real.shape[0]):
        x = real[i]
        if np.isnan(x):
            count = 0
            out[i] = np.nan
            continue
        change = x - prev
        prev = x
        if count < timeperiod:
            # Warm-up: the seed is the simple mean of changes 1..n.
            if count == 0:
                gain = loss = 0.0
            elif change < 0.0:
                loss -= change
            else:
                gain += change
            count += 1
            out[i] = np.nan
            continue
        if count == timeperiod:
            if change < 0.0:
                loss -= change
            else:
                gain += change
            count += 1
            # The seed as TA-Lib rounds it: RSI multiplies by 1/n, CMO divides.
            if cmo:
                gain /= timeperiod
                loss /= timeperiod
            else:
                gain *= scale
                loss *= scale
        else:
            # Branch-free: a random walk's signs defeat branch prediction.
            gain = _fma(gain, keep, max(change, 0.0) * scale)
            loss = _fma(loss, keep, max(-change, 0.0) * scale)
        total = gain + loss
        if total == 0.0:
            # No movement: neutral (RSI 50, CMO 0), where TA-Lib returns 0 for both.
            out[i] = 0.0 if cmo else 50.0
        elif cmo:
            out[i] = 100.0 * ((gain - loss) / total)
        else:
            out[i] = 100.0 * (gain / total)
