"""Public path of the execution backends; they live in :mod:`candlescan.execution.backends`."""

from candlescan.execution.backends import (
    BACKENDS,
    Backend,
    BackendSpec,
    DaskBackend,
    ProcessBackend,
    SerialBackend,
    ThreadBackend,
    WorkerStartError,
    default_context,
    make_backend,
    prelaunch,
)

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
