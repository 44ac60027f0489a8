"""TA-Lib-compatible indicator kernels compiled with Numba.

``candlescan.kernels.rsi(close, timeperiod=14)`` takes the same positional inputs,
parameter names and defaults as ``talib.RSI`` and returns the same numbers (within
1e-9 relative on finite data), NaN warm-up included. Unlike TA-Lib, an interior NaN
does not poison the rest of the series; see each kernel's Notes.

Every kernel of every family in :data:`FAMILIES` is an attribute of this package.
``max``, ``min`` and ``sum`` (TA-Lib's MAX, MIN, SUM) are left out of ``__all__`` so that
``from candlescan.kernels import *`` does not shadow the builtins; use
``candlescan.kernels.max`` or ``all_kernels()["max"]``.

This package lives in the repository's ``kernels/`` folder and imports nothing of
candlescan but :mod:`candlescan.errors`.
"""

import builtins

from candlescan.kernels._catalog import FAMILIES, all_kernels
from candlescan.kernels._config import cache_dir, cache_enabled, njit
from candlescan.kernels._meta import REAL_MAX, Kernel, KernelInfo, Param, as_input, indicator
from candlescan.kernels._warmup import FULL_HISTORY, decay_bars, is_full_history

globals().update(all_kernels())

__all__ = [
    "FAMILIES",
    "FULL_HISTORY",
    "REAL_MAX",
    "Kernel",
    "KernelInfo",
    "Param",
    "all_kernels",
    "as_input",
    "cache_dir",
    "cache_enabled",
    "decay_bars",
    "indicator",
    "is_full_history",
    "njit",
    *(name for name in all_kernels() if not hasattr(builtins, name)),
]


def __getattr__(name: str) -> Kernel:
    # Only reached for a missing name; typed so that checkers see each kernel as a Kernel.
    raise AttributeError(f"module 'candlescan.kernels' has no attribute {name!r}")
