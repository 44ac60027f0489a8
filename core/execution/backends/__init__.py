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
from typing import TYPE_CHECKING

from candlescan.errors import InvalidJobError, PluginError
from candlescan.execution.backends.base import Backend, WorkerStartError
from candlescan.execution.backends.dask import DaskBackend
from candlescan.execution.backends.local import SerialBackend, ThreadBackend
from candlescan.execution.backends.process import ProcessBackend, default_context, prelaunch
from candlescan.registry.backend_spec import BackendSpec
from candlescan.registry.refs import resolve

if TYPE_CHECKING:
    from candlescan.registry.plugin_registry import PluginRegistry

__all__ = [
    "BACKENDS",
    "Backend",
    "BackendSpec",
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
    *,
    registry: PluginRegistry | None = None,
) -> Backend:
    """The backend called ``backend``, or ``backend`` itself.

    Built-in names are in :data:`BACKENDS`; any other name is looked up among the
    backends plugins register (``candlescan_register_backends``) in ``registry``
    (default: :meth:`PluginRegistry.default`, i.e. installed plugins).
    """
    if isinstance(backend, Backend):
        return backend
    if backend == "process":
        return ProcessBackend(max_workers, mp_context)
    if isinstance(backend, str) and backend in BACKENDS:
        return BACKENDS[backend](max_workers)
    specs: tuple[BackendSpec, ...] = ()
    if isinstance(backend, str):
        from candlescan.registry.plugin_registry import PluginRegistry

        specs = (registry or PluginRegistry.default()).backends
    for spec in specs:
        if spec.name == backend:
            made = resolve(spec.factory_ref)(max_workers)
            if not isinstance(made, Backend):
                raise PluginError(
                    f"backend {backend!r} of plugin {spec.plugin!r} made "
                    f"{type(made).__name__}, not a candlescan.backends.Backend"
                )
            return made
    known = ", ".join([*BACKENDS, *(s.name for s in specs)])
    raise InvalidJobError(f"unknown backend {backend!r}; use one of: {known}")
