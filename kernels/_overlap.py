"""Metadata of the overlap family: lookbacks, convergence warm-ups and the one-type caller.

The public kernels in :mod:`candlescan.kernels.overlap` declare these by reference
(``module:qualname``), so they live in a module of their own, away from the docstrings.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from candlescan.kernels._averages import _ma_lookback
from candlescan.kernels._mama import MAMA_LOOKBACK
from candlescan.kernels._meta import F64Array
from candlescan.kernels._warmup import (
    decay_bars,
    ema_rate,
    kama_extra,
    ma_extra,
    mama_extra,
    t3_gain,
    wilder_rate,
)


def _ma_lb(matype: int, timeperiod: int) -> int:
    return _ma_lookback(timeperiod, matype)


def _sma_lookback(timeperiod: int) -> int:
    return _ma_lb(0, timeperiod)


def _dema_lookback(timeperiod: int) -> int:
    return _ma_lb(3, timeperiod)


def _tema_lookback(timeperiod: int) -> int:
    return _ma_lb(4, timeperiod)


def _kama_lookback(timeperiod: int) -> int:
    return _ma_lb(6, timeperiod)


def _t3_lookback(timeperiod: int, vfactor: float) -> int:
    return _ma_lb(8, timeperiod)


def _hma_lookback(timeperiod: int) -> int:
    return _ma_lb(9, timeperiod)


def _zlema_lookback(timeperiod: int) -> int:
    return _ma_lb(12, timeperiod)


def _ma_lookback_public(timeperiod: int, matype: int) -> int:
    return _ma_lookback(timeperiod, matype)


def _mama_lookback(fastlimit: float, slowlimit: float) -> int:
    return MAMA_LOOKBACK


# --- warm-ups (candlescan.kernels._warmup): lookback + bars the recursion needs to forget
# its seed: the EMA keeps 1 - 2/(n+1) a bar, RMA 1 - 1/n; DEMA, TEMA and T3 are cascades
# of 2, 3 and 6 EMAs whose outputs weigh them by 2+1, 3+3+1 and T3's |c1|+..+|c4|; KAMA
# keeps at most 1 - (2/31)^2; MAMA adds its Hilbert transform's settling.


def _ema_warmup(tolerance: float, timeperiod: int) -> int:
    return _ma_lb(1, timeperiod) + ma_extra(timeperiod, 1, tolerance)


def _rma_warmup(tolerance: float, timeperiod: int) -> int:
    if timeperiod == 1:
        return 0
    return _ma_lb(0, timeperiod) + decay_bars(wilder_rate(timeperiod), tolerance)


def _dema_warmup(tolerance: float, timeperiod: int) -> int:
    return _dema_lookback(timeperiod) + ma_extra(timeperiod, 3, tolerance)


def _tema_warmup(tolerance: float, timeperiod: int) -> int:
    return _tema_lookback(timeperiod) + ma_extra(timeperiod, 4, tolerance)


def _zlema_warmup(tolerance: float, timeperiod: int) -> int:
    return _zlema_lookback(timeperiod) + ma_extra(timeperiod, 12, tolerance)


def _t3_warmup(tolerance: float, timeperiod: int, vfactor: float) -> int:
    if timeperiod == 1:
        return 0
    extra = decay_bars(ema_rate(timeperiod), tolerance, 6, t3_gain(vfactor))
    return _t3_lookback(timeperiod, vfactor) + extra


def _kama_warmup(tolerance: float, timeperiod: int) -> int:
    return _kama_lookback(timeperiod) + (kama_extra(tolerance) if timeperiod > 1 else 0)


def _mama_warmup(tolerance: float, fastlimit: float, slowlimit: float) -> int:
    return MAMA_LOOKBACK + mama_extra(fastlimit, slowlimit, tolerance)


def _ma_warmup(tolerance: float, timeperiod: int, matype: int) -> int:
    return _ma_lookback(timeperiod, matype) + ma_extra(timeperiod, matype, tolerance)


def _one_type(average_into: Callable[..., None], real: F64Array, n: int, *extra: float) -> F64Array:
    """``average_into(real, n, *extra, out)`` into a new array (a copy of ``real`` for n=1)."""
    # Each public average calls its own loop, not the ``_ma`` dispatcher: compiling the
    # dispatcher compiles all 14 types (~10 s cold) when the user only asked for one.
    # The output is a NumPy buffer: NumPy asks for huge pages on large buffers, Numba's
    # allocator does not (~2k page faults per fresh 8 MB buffer on this machine).
    out = np.empty(len(real))
    if n == 1:
        out[:] = real
    else:
        average_into(real, n, *extra, out)
    return out
