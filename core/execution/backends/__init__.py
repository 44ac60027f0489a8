"""Execution backends: where the engine's chunks run, behind one small interface.

==========  ========================================  ==========  ==========  ==============
backend     executor                                  isolation   timeouts    stops a hung
                                                                              symbol
==========  ========================================  ==========  ==========  ==============
process     ``ProcessPoolExecutor`` (forkserver on    yes         yes         yes (kills its
            Linux, spawn elsewhere; never fork)                               worker)
thread      ``ThreadPoolExecutor`` (nogil kernels)    no          recorded    no (abandoned)
serial      none: runs in the event-loop thread       no          no          no
dask        ``distributed.Client.get_executor()``     per worker  recorded    no (abandoned)
==========  ========================================  ==========  ==========  ==============

The supervisor (:mod:`candlescan.execution.supervisor`) drives every backend the same way: ``start``
and ``prestart`` once, ``submit`` chunks, ``retire`` the executor after a timeout or a
crash (killing its workers where the backend can) and ``shutdown`` at the end.
Blocking methods (``prestart``, ``retire``, ``shutdown``) are called from a helper
thread so the event loop keeps running.
"""

from __future__ import annotations

import multiprocessing.context

from candlescan.errors import InvalidJobError
from candlescan.execution.backends.base import Backend, WorkerStartError
from candlescan.execution.backends.dask import DaskBackend
from candlescan.execution.backends.local import SerialBackend, ThreadBackend
from candlescan.execution.backends.process import ProcessBackend, default_context, prelaunch

__all__ = [
    "BACKENDS",
    "Backend",
    "DaskBackend",
    "ProcessBackend",
    "SerialBackend",
    "ThreadBackend",
    "WorkerStartError",
    "default_context",
    "make_backend",
    "prelaunch",
]

BACKENDS: dict[str, type[Backend]] = {
    "process": ProcessBackend,
    "thread": ThreadBackend,
    "serial": SerialBackend,
    "dask": DaskBackend,
}


def make_backend(
    backend: str | Backend,
    max_workers: int,
    mp_context: multiprocessing.context.BaseContext | str | None = None,
) -> Backend:
    """The backend called ``backend`` (see :data:`BACKENDS`), or ``backend`` itself."""
    if isinstance(backend, Backend):
        return backend
    if backend == "process":
        return ProcessBackend(max_workers, mp_context)
    try:
        factory = BACKENDS[backend]
    except (KeyError, TypeError):
        known = ", ".join(BACKENDS)
        raise InvalidJobError(f"unknown backend {backend!r}; use one of: {known}") from None
    return factory(max_workers)
