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

The supervisor (:mod:`candlescan._pool`) drives every backend the same way: ``start``
and ``prestart`` once, ``submit`` chunks, ``retire`` the executor after a timeout or a
crash (killing its workers where the backend can) and ``shutdown`` at the end.
Blocking methods (``prestart``, ``retire``, ``shutdown``) are called from a helper
thread so the event loop keeps running.
"""

from __future__ import annotations

import abc
import concurrent.futures as cf
import importlib
import multiprocessing
import multiprocessing.context
import pickle
import sys
import threading
from concurrent.futures.process import BrokenProcessPool
from typing import Any, ClassVar

from candlescan import _worker
from candlescan._worker import Beacon, Chunk, ProcessBeacon, ThreadBeacon
from candlescan.errors import DataSourceError, InvalidJobError
from candlescan.repository import ICandleRepository

__all__ = [
    "BACKENDS",
    "Backend",
    "DaskBackend",
    "ProcessBackend",
    "SerialBackend",
    "ThreadBackend",
    "make_backend",
    "prelaunch",
]

#: How long to wait for a retired pool's manager thread before killing harder.
_RETIRE_WAIT_S = 10.0


class Backend(abc.ABC):
    """One way to run chunks. Subclass it to add a backend; pass an instance as ``backend=``.

    :param max_workers: parallel tasks (processes or threads).
    """

    #: Name used in ``ProcessingEngine(backend=...)`` and in the docs.
    name: ClassVar[str] = ""
    #: Killing a worker stops a running task (only processes can stop machine code).
    can_kill: ClassVar[bool] = False
    #: Per-symbol deadlines are enforced or at least recorded.
    can_timeout: ClassVar[bool] = True
    #: Results cross a process boundary, so they are pickled (an unpicklable one errors).
    pickles_results: ClassVar[bool] = False

    def __init__(self, max_workers: int) -> None:
        if not isinstance(max_workers, int) or isinstance(max_workers, bool) or max_workers < 1:
            raise InvalidJobError(f"max_workers must be a positive integer, got {max_workers!r}")
        self.max_workers = max_workers
        self._repo: ICandleRepository | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def configure(self, repo: ICandleRepository) -> None:
        """Remember the repository every worker opens (called once, before :meth:`start`)."""
        self._repo = repo

    @property
    @abc.abstractmethod
    def executor(self) -> cf.Executor | None:
        """The current executor, ``None`` when stopped."""

    @property
    def started(self) -> bool:
        """Whether :meth:`start` made an executor that is still in use."""
        return self.executor is not None

    @property
    def inflight_limit(self) -> int:
        """How many chunks may be submitted at once (queued ones wait in the executor)."""
        return 2 * self.max_workers

    @property
    def beacon(self) -> Beacon | None:
        """Where running chunks report their current symbol; ``None`` if not supported."""
        return None

    @abc.abstractmethod
    def start(self) -> None:
        """Create the executor. Cheap; called in the event-loop thread."""

    def prestart(self) -> None:  # noqa: B027 - optional hook; most backends need none
        """Start and warm the workers (blocking; called from a helper thread)."""

    @abc.abstractmethod
    def submit(self, chunk: Chunk) -> cf.Future[Any]:
        """Submit one chunk; the future's result is ``bytes`` or a list of results."""

    def retire(self, kill: bool) -> dict[int, int | None]:
        """Stop using the current executor (killing its workers if ``kill``); blocking.

        Returns the exit code of each worker process by pid (empty for thread backends).
        :meth:`start` must be called again afterwards.
        """
        self.shutdown(kill=kill)
        return {}

    @property
    def loses_inflight_on_retire(self) -> bool:
        """Whether retiring fails the futures in flight (they must be resubmitted)."""
        return False

    @abc.abstractmethod
    def shutdown(self, kill: bool = False) -> None:
        """Stop the executor; blocking. With ``kill``, do not wait for running tasks."""

    def abort(self) -> None:
        """Stop now without blocking (cancellation): kill what can be killed."""
        self.shutdown(kill=True)

    def worker_pids(self) -> tuple[int, ...]:
        """Pids of the worker processes (empty when the backend has none)."""
        return ()


# --- process -------------------------------------------------------------------------------


def default_context() -> multiprocessing.context.BaseContext:
    """forkserver (with the warm preload module) on Linux, spawn elsewhere; never fork.

    fork is unsafe once threads or OpenMP exist in the parent and is no longer the
    default from Python 3.14; forkserver forks each worker from a clean, warm server.
    """
    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["__main__", "candlescan._forkserver"])
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
        from multiprocessing import forkserver

        forkserver.ensure_running()


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
            from multiprocessing import forkserver

            forkserver.ensure_running()
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
        try:
            pings = [executor.submit(_worker.ping) for _ in range(self.max_workers)]
            cf.wait(pings, timeout=120)
        except (BrokenProcessPool, RuntimeError):
            pass  # the supervisor sees the broken pool on its first submit

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


# --- thread --------------------------------------------------------------------------------


class ThreadBackend(Backend):
    """Threads in the engine's process: no start-up cost, no pickling, no isolation.

    Numba kernels release the GIL (``nogil=True``), so they run in parallel; Python code
    around them (data sources, pandas) does not. A hung symbol is recorded as a timeout
    and abandoned: its thread cannot be stopped and keeps the interpreter from exiting
    until it returns. A crash (segfault, ``os._exit``) takes the whole process down.
    """

    name = "thread"

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers)
        self._beacon = ThreadBeacon()
        self._executor: cf.ThreadPoolExecutor | None = None

    @property
    def executor(self) -> cf.ThreadPoolExecutor | None:
        return self._executor

    @property
    def beacon(self) -> ThreadBeacon:
        return self._beacon

    def start(self) -> None:
        self._executor = cf.ThreadPoolExecutor(self.max_workers, thread_name_prefix="candlescan")

    def submit(self, chunk: Chunk) -> cf.Future[Any]:
        assert self._executor is not None
        return self._executor.submit(
            _worker.run_chunk, self._repo, chunk, self._beacon, serialize=False
        )

    def retire(self, kill: bool) -> dict[int, int | None]:
        # Abandon the executor (a hung thread cannot be stopped); its healthy tasks finish.
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=False)
        return {}

    def shutdown(self, kill: bool = False) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=not kill, cancel_futures=True)


# --- serial --------------------------------------------------------------------------------


class _InlineExecutor(cf.Executor):
    """Runs each call at submit time, in the caller's thread (for debugging)."""

    _max_workers = 1

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


class SerialBackend(Backend):
    """One symbol after another in the event-loop thread: breakpoints and tracebacks work.

    It blocks the event loop while a chunk runs and cannot time out a symbol. Chunks
    are kept small so the loop gets control back often.
    """

    name = "serial"
    can_timeout = False

    def __init__(self, max_workers: int = 1) -> None:
        super().__init__(1)
        self._executor: _InlineExecutor | None = None

    @property
    def executor(self) -> _InlineExecutor | None:
        return self._executor

    @property
    def inflight_limit(self) -> int:
        return 1

    def start(self) -> None:
        self._executor = _InlineExecutor()

    def submit(self, chunk: Chunk) -> cf.Future[Any]:
        assert self._executor is not None
        return self._executor.submit(_worker.run_chunk, self._repo, chunk, None, serialize=False)

    def shutdown(self, kill: bool = False) -> None:
        self._executor = None


# --- dask ----------------------------------------------------------------------------------


class DaskBackend(Backend):
    """Chunks as tasks on a Dask cluster through ``Client.get_executor()`` (``pip install
    candlescan[dask]``).

    :param client: an existing ``distributed.Client``; the engine does not close it.
    :param address: a scheduler address to connect to (the engine closes its client).

    With neither, the engine starts an in-process ``LocalCluster(processes=False)`` with
    ``max_workers`` threads. The repository is scattered to every worker once.

    Dask cannot stop a running task: a symbol past its deadline is recorded as
    ``"Processing timeout"`` and its task is abandoned (it keeps a worker thread busy
    until it returns; ``client.restart()`` is the way out). Without a beacon, the
    deadline of a chunk counts from its submission; a late chunk is split into single
    symbols, so a hang is reported after up to twice the timeout.
    """

    name = "dask"
    pickles_results = True

    def __init__(
        self, max_workers: int = 1, *, client: Any = None, address: str | None = None
    ) -> None:
        super().__init__(max_workers)
        self._client = client
        self._address = address
        self._owns_client = client is None
        self._cluster: Any = None
        self._executor: Any = None
        self._repo_future: Any = None
        self._limit = max_workers

    @property
    def executor(self) -> Any:
        return self._executor

    @property
    def inflight_limit(self) -> int:
        return self._limit

    def start(self) -> None:
        """Nothing here: connecting may block, so it happens in :meth:`prestart`."""
        if self._executor is None:
            self._executor = _PendingDask()

    def prestart(self) -> None:
        if not isinstance(self._executor, _PendingDask):
            return
        try:
            distributed: Any = importlib.import_module("distributed")
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise InvalidJobError(
                "the dask backend needs the 'distributed' package: pip install candlescan[dask]"
            ) from exc
        if self._client is None:
            if self._address is not None:
                self._client = distributed.Client(self._address)
            else:
                self._cluster = distributed.LocalCluster(
                    n_workers=1,
                    threads_per_worker=self.max_workers,
                    processes=False,
                    dashboard_address=None,
                )
                self._client = distributed.Client(self._cluster)
        self._limit = max(1, sum(self._client.nthreads().values()))
        self.max_workers = self._limit  # chunk sizes follow the cluster's threads
        self._repo_future = self._client.scatter(self._repo, broadcast=True, hash=False)
        self._executor = self._client.get_executor(pure=False)

    def submit(self, chunk: Chunk) -> cf.Future[Any]:
        future: cf.Future[Any] = self._executor.submit(
            _worker.run_chunk_with, self._repo_future, chunk
        )
        return future

    def retire(self, kill: bool) -> dict[int, int | None]:
        return {}  # a running Dask task cannot be stopped; keep the executor

    def shutdown(self, kill: bool = False) -> None:
        executor, self._executor = self._executor, None
        if executor is not None and not isinstance(executor, _PendingDask):
            executor.shutdown(wait=not kill)
        self._repo_future = None
        if self._owns_client and self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


class _PendingDask:
    """Placeholder executor between :meth:`DaskBackend.start` and ``prestart``."""

    _max_workers = 0


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
