"""Warm-up helpers shared by the parent, the forkserver and the workers.

* :func:`die_with_parent`: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` on Linux, so a worker
  stuck in machine code dies with its parent instead of spinning on as an orphan; then
  it checks that the parent is still the one it was born to (the signal is not sent for a
  parent that died *before* the call) and exits at once if not.
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
import multiprocessing
import os
import signal
import sys
from typing import Any

import numpy as np

from candlescan.entities import Candles, DateRange

__all__ = [
    "ORPHAN_EXIT",
    "PARENT_ENV",
    "die_with_parent",
    "guard_fork",
    "warm_kernels",
    "warm_plan",
]

_PR_SET_PDEATHSIG = 1
_WARM_BARS = 64


#: Set in a worker forked by candlescan's forkserver: the death signal was set and the
#: parent checked right after the fork (see :mod:`candlescan.execution._forkserver`).
_GUARDED_AT_FORK = False
#: Exit code of a process that finds its parent gone while starting.
ORPHAN_EXIT = 70
#: Set (to the engine's pid) in the environment the forkserver starts with.
PARENT_ENV = "CANDLESCAN_FORKSERVER_PARENT"


def die_with_parent(expected_parent: int | None = None) -> bool:
    """Ask Linux to SIGKILL this process when its parent exits; ``False`` elsewhere.

    :param expected_parent: the pid the parent must still have; by default the
        multiprocessing parent of a spawned process (a forkserver child is checked when
        it is forked, see :func:`guard_fork`). A process whose parent already changed
        exits with :data:`ORPHAN_EXIT`: the death signal would never come.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        ok = int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False
    parent = expected_parent if expected_parent is not None else _spawn_parent()
    if parent is not None and os.getppid() != parent:
        os._exit(ORPHAN_EXIT)  # the parent died before the death signal was armed
    return ok


def _spawn_parent() -> int | None:
    """The parent pid of a *spawned* multiprocessing child, else ``None``.

    A forkserver child's parent is the server, not ``parent_process()`` (the engine); it
    is checked at fork time instead, when the server runs candlescan's preload.
    """
    if _GUARDED_AT_FORK:
        return None
    from multiprocessing import forkserver

    if getattr(forkserver._forkserver, "_inherited_fds", None) is not None:
        return None  # forked by a forkserver without candlescan's preload: cannot tell
    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None else None


def guard_fork(server_pid: int) -> None:
    """In a child just forked by the forkserver ``server_pid``: arm the death signal."""
    global _GUARDED_AT_FORK
    die_with_parent(server_pid)
    _GUARDED_AT_FORK = True


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
