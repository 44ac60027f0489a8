"""Imported once by multiprocessing's forkserver (``set_forkserver_preload``), never elsewhere.

The forkserver is a clean, single-threaded process that forks every worker. Importing
numpy, Numba, the kernels and the formula package here, and loading the most used
kernels, means each worker starts as a fork of an already warm interpreter: 20-40 ms
instead of 0.5-1 s, which is what makes "kill the pool and start a new one" cheap.

``NUMBA_NUM_THREADS=1`` (unless set) keeps workers x cores from oversubscribing the CPU,
and ``PR_SET_PDEATHSIG`` makes the forkserver die with the engine's process.
"""

from __future__ import annotations

import os

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

from candlescan.execution import warmup as _preload

_preload.die_with_parent()

import candlescan.formula  # noqa: E402 - imported so workers inherit it
import candlescan.plugins.sources  # noqa: E402,F401

_preload.warm_kernels()
