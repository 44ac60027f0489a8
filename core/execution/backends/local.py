"""Backends without worker processes: ``thread`` (nogil kernels) and ``serial`` (debugging)."""

from __future__ import annotations

import concurrent.futures as cf
from typing import Any

from candlescan.execution import worker as _worker
from candlescan.execution.backends.base import Backend
from candlescan.execution.worker import Chunk, ThreadBeacon

__all__ = ["SerialBackend", "ThreadBackend"]


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
