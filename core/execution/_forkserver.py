"""Imported once by multiprocessing's forkserver (``set_forkserver_preload``), never elsewhere.

The forkserver is a clean, single-threaded process that forks every worker. Importing
numpy, Numba, the kernels and the formula package here, and loading the most used
kernels, means each worker starts as a fork of an already warm interpreter: 20-40 ms
instead of 0.5-1 s, which is what makes "kill the pool and start a new one" cheap.

``NUMBA_NUM_THREADS=1`` (unless set) keeps workers x cores from oversubscribing the CPU,
and ``PR_SET_PDEATHSIG`` makes the forkserver die with the engine's process (the server
exits at once if the engine already died while it was importing).

Every child the server forks arms its own death signal *first* and checks that the
server is still its parent (:func:`candlescan.execution.warmup.guard_fork`), before it
reads its task: a server killed between the fork and the worker's initializer would
otherwise leave the worker orphaned, blocked on its call queue forever.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

from multiprocessing import forkserver as _mp_forkserver

from candlescan.execution import warmup as _preload

# The engine may have died while this server was importing (its requests for workers
# still queued in the socket would keep the server alive): check after arming the signal.
_parent = os.environ.pop(_preload.PARENT_ENV, "")
_preload.die_with_parent(int(_parent) if _parent.isdigit() else None)

_SERVER_PID = os.getpid()
_serve_one: Any = getattr(_mp_forkserver, "_serve_one")  # noqa: B009 - private


def _guarded_serve_one(*args: Any) -> Any:
    _preload.guard_fork(_SERVER_PID)
    try:
        return _serve_one(*args)
    except (EOFError, FileNotFoundError):
        # Raised only while the child bootstraps (the task itself runs inside
        # _serve_one's own error handling): the engine closed the pipe or unlinked the
        # pool's semaphores because it is stopping (SIGTERM, Ctrl-C). Nothing to report.
        return 1


# The server's loop looks the function up at each fork, so replacing it here applies to
# every child it forks from now on.
setattr(_mp_forkserver, "_serve_one", _guarded_serve_one)  # noqa: B010 - private

import candlescan.formula  # noqa: E402 - imported so workers inherit it
import candlescan.plugins.sources  # noqa: E402,F401

_preload.warm_kernels()
