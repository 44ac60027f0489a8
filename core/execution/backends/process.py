"""The default backend: a supervised ``ProcessPoolExecutor``.

Workers come from a warm forkserver on Linux (spawn elsewhere, never fork), receive the
repository once in their initializer and report their current symbol through a
shared-memory beacon. Stopping a symbol stuck in machine code means killing its worker:
``retire(kill=True)`` SIGKILLs every worker and waits until the pool is gone.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import multiprocessing.context
import os
import pickle
import sys
import threading
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from candlescan.data.repository import ICandleRepository
from candlescan.errors import DataSourceError, InvalidJobError
from candlescan.execution import warmup as _warmup
from candlescan.execution import worker as _worker
from candlescan.execution.backends.base import Backend, WorkerStartError
from candlescan.execution.worker import Chunk, ProcessBeacon

__all__ = ["ProcessBackend", "default_context", "ensure_forkserver", "prelaunch"]

#: How long to wait for a retired pool's manager thread before killing harder.
_RETIRE_WAIT_S = 10.0
#: How long the start-up probe may take (a spawned interpreter importing numpy and Numba).
_PROBE_WAIT_S = 120.0


def default_context() -> multiprocessing.context.BaseContext:
    """forkserver (with the warm preload module) on Linux, spawn elsewhere; never fork.

    fork is unsafe once threads or OpenMP exist in the parent and is no longer the
    default from Python 3.14; forkserver forks each worker from a clean, warm server.
    """
    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["__main__", "candlescan.execution._forkserver"])
        return ctx
    return multiprocessing.get_context("spawn")


def prelaunch(mp_context: multiprocessing.context.BaseContext | str | None = None) -> None:
    """Start the warm forkserver now, in the background (Linux; a no-op elsewhere).

    The forkserver's preload (numpy, Numba, the kernels) takes about a second; a command
    line tool that calls this first overlaps it with its own start-up (building the
    plugin registry, opening the source). Call it from the main thread: the forkserver
    dies with the thread that started it. Engines started later reuse the server.
    """
    if isinstance(mp_context, str):
        mp_context = multiprocessing.get_context(mp_context)
    ctx = mp_context or default_context()
    if ctx.get_start_method() == "forkserver":
        ensure_forkserver()


def ensure_forkserver() -> None:
    """Start the forkserver (if not running) so that it imports the *installed* candlescan.

    The server runs ``python -c ...`` in the current directory. On Python 3.11 it ignores
    the ``sys_path`` multiprocessing gives it (CPython gh-117378) and puts the current
    directory first, so a folder named ``candlescan`` there (a ``git clone``) would shadow
    the package in every worker. ``PYTHONSAFEPATH=1`` (Python >= 3.11) keeps the current
    directory off the server's path; workers then get the parent's ``sys.path``.
    """
    from multiprocessing import forkserver

    with _safe_path():
        forkserver.ensure_running()


@contextlib.contextmanager
def _safe_path() -> Iterator[None]:
    """The environment the forkserver starts with: a safe path, and who its parent is."""
    added = {"PYTHONSAFEPATH": "1", _warmup.PARENT_ENV: str(os.getpid())}
    added = {key: value for key, value in added.items() if key not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


class ProcessBackend(Backend):
    """``concurrent.futures.ProcessPoolExecutor`` workers, supervised: the default.

    :param mp_context: a multiprocessing context or start-method name; ``"fork"`` is
        refused (see :func:`default_context`).
    """

    name = "process"
    can_kill = True
    pickles_results = True

    def __init__(
        self,
        max_workers: int,
        mp_context: multiprocessing.context.BaseContext | str | None = None,
    ) -> None:
        super().__init__(max_workers)
        if isinstance(mp_context, str):
            mp_context = multiprocessing.get_context(mp_context)
        if mp_context is not None and mp_context.get_start_method() == "fork":
            raise InvalidJobError(
                "the 'fork' start method is not supported: it is unsafe with threads and "
                "OpenMP; use 'forkserver' (Linux default) or 'spawn'"
            )
        self._ctx = mp_context or default_context()
        self._blob: bytes | None = None
        self._beacon: ProcessBeacon | None = None
        self._executor: cf.ProcessPoolExecutor | None = None

    def configure(self, repo: ICandleRepository) -> None:
        try:
            self._blob = pickle.dumps(repo, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            raise DataSourceError(
                f"data source {repo.describe()} cannot be sent to worker processes "
                f"(it is not picklable: {exc}); open connections lazily in each process"
            ) from exc
        super().configure(repo)

    @property
    def executor(self) -> cf.ProcessPoolExecutor | None:
        return self._executor

    @property
    def beacon(self) -> ProcessBeacon | None:
        return self._beacon

    @property
    def loses_inflight_on_retire(self) -> bool:
        return True

    def start(self) -> None:
        if self._blob is None:
            raise RuntimeError("ProcessBackend.configure() must be called before start()")
        if self._beacon is None:
            self._beacon = ProcessBeacon(self.inflight_limit, self._ctx)
        self._beacon.reset()
        if self._ctx.get_start_method() == "forkserver":
            # Launch the forkserver from this (the event loop's) thread, not a helper
            # thread: its parent-death signal fires when the launching thread exits.
            ensure_forkserver()
        self._executor = cf.ProcessPoolExecutor(
            self.max_workers,
            mp_context=self._ctx,
            initializer=_worker.initialize,
            initargs=(self._blob, self._beacon),
        )

    def prestart(self) -> None:
        executor = self._executor
        if executor is None:
            return
        # Each submit of a ping starts one more process (spawned on demand) until all run.
        pings: list[cf.Future[int]] = []
        try:
            pings = [executor.submit(_worker.ping) for _ in range(self.max_workers)]
            cf.wait(pings, timeout=120)
        except (BrokenProcessPool, RuntimeError):
            pass  # the supervisor sees the broken pool on its first submit
        if any(p.done() and not p.cancelled() and p.exception() is None for p in pings):
            return
        # No worker answered: a worker that cannot even import candlescan is a job-level
        # problem (one error), not one BrokenProcessPool per symbol.
        problem = self._probe()
        if problem is not None:
            self.retire(kill=True)
            raise WorkerStartError(problem)

    def _probe(self) -> str | None:
        """Start one bare process (no initializer); what stops it from running, if anything."""
        try:
            probe = self._ctx.Process(target=_worker.ping, name="candlescan-probe")  # type: ignore[attr-defined]
            probe.start()
            probe.join(_PROBE_WAIT_S)
        except Exception as exc:
            return f"worker processes cannot be started: {type(exc).__name__}: {exc}"
        if probe.exitcode == 0:
            return None
        if probe.exitcode is None:
            probe.kill()
            probe.join(_RETIRE_WAIT_S)
        return (
            f"worker processes cannot start (a probe process exited with code "
            f"{probe.exitcode} before running any candlescan code; its traceback is on "
            "stderr above). Workers must import candlescan and the module that defines "
            "the data source. Common causes: a script without the "
            "'if __name__ == \"__main__\":' guard, or whose top-level code fails in a "
            "worker (on Python 3.11 it runs in every worker); a module named like one "
            "candlescan needs on the workers' path"
        )

    def submit(self, chunk: Chunk) -> cf.Future[Any]:
        assert self._executor is not None
        return self._executor.submit(_worker.run_chunk_in_worker, chunk)

    def worker_pids(self) -> tuple[int, ...]:
        executor = self._executor
        processes = getattr(executor, "_processes", None) if executor else None
        return tuple(processes) if processes else ()

    def retire(self, kill: bool) -> dict[int, int | None]:
        executor, self._executor = self._executor, None
        if executor is None:
            return {}
        return _stop_pool(executor, kill=kill)

    def shutdown(self, kill: bool = False) -> None:
        self.retire(kill=kill)

    def abort(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            _kill_workers(executor)
            executor.shutdown(wait=False, cancel_futures=True)


def _kill_workers(executor: cf.ProcessPoolExecutor) -> None:
    """SIGKILL every worker: the only way to stop a symbol stuck in machine code."""
    kill_workers = getattr(executor, "kill_workers", None)  # Python >= 3.14
    if kill_workers is not None:
        kill_workers()
        return
    processes = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()


def _stop_pool(executor: cf.ProcessPoolExecutor, *, kill: bool) -> dict[int, int | None]:
    """Shut ``executor`` down and wait until its workers are gone; their exit codes by pid.

    Exit codes are read only after the executor's manager thread has joined the workers
    (reading them earlier would race that thread for the forkserver's status pipe).
    """
    processes = dict(getattr(executor, "_processes", None) or {})
    manager: threading.Thread | None = getattr(executor, "_executor_manager_thread", None)
    if kill:
        _kill_workers(executor)
    executor.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(_RETIRE_WAIT_S)
        if manager.is_alive():  # a worker ignored SIGTERM or the pool is wedged
            for process in processes.values():
                process.kill()
            manager.join(_RETIRE_WAIT_S)
        if manager.is_alive():
            return dict.fromkeys(processes)
    return {pid: process.exitcode for pid, process in processes.items()}
