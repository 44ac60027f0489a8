"""Warm-up helpers shared by the parent, the forkserver and the workers.

* :func:`die_with_parent`: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` on Linux, so a worker
  stuck in machine code dies with its parent instead of spinning on as an orphan.
* :func:`warm_kernels`: call the most used kernels once. The first call in a process
  loads them from Numba's on-disk cache (or compiles and writes it, the first time on
  a machine); later processes forked from a warm one inherit the machine code.
* :func:`warm_plan`: evaluate a compiled formula once on made-up candles, in the parent,
  so every kernel the formula needs is in the cache before the workers look for it
  (otherwise each worker compiles the same kernels at the same time).
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import sys
from typing import Any

import numpy as np

from candlescan.entities import Candles, DateRange

__all__ = ["die_with_parent", "warm_kernels", "warm_plan"]

_PR_SET_PDEATHSIG = 1
_WARM_BARS = 64


def die_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent exits; ``False`` elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def warm_kernels() -> None:
    """Load (or compile once) the kernels nearly every formula uses."""
    from candlescan import kernels

    x = np.linspace(100.0, 120.0, 300)
    for name, args in (("sma", (x, 20)), ("ema", (x, 20)), ("rsi", (x, 14))):
        function = getattr(kernels, name, None)
        if function is not None:
            function(*args)


def warm_plan(plan: Any, date_range: DateRange) -> None:
    """Evaluate ``plan`` once on deterministic made-up candles; errors are ignored.

    Only the kernels' machine code matters here, not the values: the real evaluation
    in a worker reports any problem with the formula or the data.
    """
    # "full" history asks for every bar there is; a few thousand compile the same code
    warmup = min(max(0, int(getattr(plan, "warmup_bars", 0))), 4096)
    inside = 32
    start = int(date_range.start64.astype(np.int64))
    stop = int(date_range.stop64.astype(np.int64))
    step = max(1, (stop - start) // (inside + 1))
    stamps = (start + step * np.arange(-warmup, inside, dtype=np.int64)).astype("datetime64[ns]")
    n = len(stamps)
    rng = np.random.default_rng(0)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.02, n)))
    open_ = np.concatenate(([close[0]], close[:-1]))
    high = np.maximum(open_, close) * 1.01
    low = np.minimum(open_, close) * 0.99
    candles = Candles("__warm__", stamps, open_, high, low, close, np.full(n, 1e6))
    with contextlib.suppress(Exception):  # best effort: only the machine code matters
        plan.evaluate(candles, date_range)
