"""The supervisor: runs one batch on a backend with real per-symbol deadlines.

How a batch runs:

* Symbols travel in chunks (``clamp(ceil(n / (workers * 4)), 1, 100)`` by default); at
  most ``backend.inflight_limit`` chunks are submitted at once. The first symbol of a
  formula new to the engine runs alone (for at most ``min(timeout, 5 s)``), so its
  kernels are compiled once, not by every worker at the same time.
* The supervisor waits with ``asyncio.wait(FIRST_COMPLETED, timeout=next deadline)``
  on wrapped futures, so the event loop keeps running.
* Each running chunk writes ``(token, symbol index, start time, pid)`` to the beacon
  before each symbol, so the deadline of the symbol running now is its *own* start +
  ``timeout``, however long the chunk has been running.
* **Timeout**: that symbol is recorded as ``"Processing timeout"``; on the process
  backend all workers are killed (the only way to stop machine code), a new pool is
  started (20-40 ms from the warm forkserver) and every other unfinished symbol is
  resubmitted. Thread and Dask backends abandon the late task instead.
* **Crash** (``BrokenProcessPool``: ``os._exit``, segfault, OOM kill): the pool is
  replaced; symbols that had not started, or had finished, are resubmitted; the symbol
  each dead chunk was running is a *suspect* and runs again **alone**. A suspect that
  kills its worker while alone is the culprit: ``WorkerCrashedError`` with the exit code.
* Restarts that isolate nothing (the pool dies before any symbol starts) are capped at
  ``max_restarts`` per batch; after that the remaining symbols fail with that reason.

Every symbol gets exactly one result: the supervisor tracks the unresolved set and
drops anything that arrives for a symbol already resolved. The rules that classify each
task after an incident live in :mod:`candlescan.execution.recovery`; the supervisor only
snapshots, restarts and requeues. Its clock and its wait are injectable, so a fake
backend can drive it deterministically without processes or real time.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Collection, Sequence
from concurrent.futures import BrokenExecutor
from typing import Any

from candlescan.entities import ProcessingResult
from candlescan.execution.backends.base import Backend
from candlescan.execution.batching import BatchStats, chunk_size_for, initial_queue
from candlescan.execution.recovery import (
    TIMEOUT_ERROR,
    Incident,
    Kind,
    Requeue,
    State,
    Task,
    classify,
    order_requeue,
    verdict_result,
)
from candlescan.execution.wire import decode_results, describe_error
from candlescan.execution.worker import Chunk, ThreadBeacon, WorkSpec

__all__ = ["TIMEOUT_ERROR", "BatchStats", "Supervisor", "chunk_size_for"]

_WARM_GATE_S = 5.0

#: ``wait(futures, timeout)``: return once one of ``futures`` is done or ``timeout`` passed.
Wait = Callable[[Collection["asyncio.Future[Any]"], "float | None"], Awaitable[object]]


async def wait_first(futures: Collection[asyncio.Future[Any]], timeout: float | None) -> None:
    """The real wait: :func:`asyncio.wait` for the first completion or the timeout."""
    await asyncio.wait(futures, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)


class Supervisor:
    """Runs batches on ``backend`` (started by the engine before :meth:`run`).

    :param timeout: per-symbol deadline in seconds, from the symbol's start.
    :param chunk_size: symbols per task; ``None`` picks :func:`chunk_size_for`.
    :param max_restarts: pool restarts per batch that isolate no symbol before giving up.
    :param startup_timeout: how long submitted work may wait for a worker to start it.
    :param clock: the time the beacon's start times are in (default ``time.monotonic``).
    :param wait: how to wait for a completion or a deadline (default :func:`wait_first`).
    """

    def __init__(
        self,
        backend: Backend,
        *,
        timeout: float,
        chunk_size: int | None,
        max_restarts: int,
        startup_timeout: float,
        warm_first: bool = False,
        clock: Callable[[], float] = time.monotonic,
        wait: Wait = wait_first,
    ) -> None:
        self._backend = backend
        self._clock = clock
        self._wait = wait
        self._warm_first = warm_first
        self._timeout = timeout
        self._chunk_size = chunk_size
        self._max_restarts = max_restarts
        self._startup_timeout = startup_timeout
        self._poll = max(0.01, min(0.25, timeout / 10))
        # How long the first symbol of a new formula holds the others back at most.
        self._warm_gate = min(timeout, _WARM_GATE_S)
        self._token = 0
        self.stats = BatchStats()

    # -- the loop -----------------------------------------------------------------------------

    async def run(
        self, symbols: Sequence[str], spec: WorkSpec
    ) -> AsyncGenerator[ProcessingResult, None]:
        """Yield one result per symbol, in completion order."""
        backend = self._backend
        started_at = self._clock()
        size = self._chunk_size or chunk_size_for(len(symbols), backend.max_workers)
        self.stats = stats = BatchStats(symbols=len(symbols))
        self._queue, self._warm_symbol = initial_queue(symbols, size, self._warm_first)
        self._inflight: dict[asyncio.Future[Any], Task] = {}
        self._free = list(range(backend.inflight_limit - 1, -1, -1))
        self._unresolved = set(symbols)
        self._progress = self._clock()
        self._idle_restarts = 0
        self._pool = backend.executor  # the executor this batch runs on (changes on restarts)
        try:
            while self._unresolved:
                broken = self._submit(spec)
                if not self._inflight and not broken:
                    raise RuntimeError(
                        f"internal error: {len(self._unresolved)} symbols neither queued nor "
                        "running"
                    )
                if not broken and self._inflight:
                    await self._wait(self._inflight, self._wait_time())
                for result in self._harvest():
                    if result is None:
                        broken = True
                    else:
                        yield result
                if self._unresolved and (broken or self._inflight):
                    for result in await self._check(broken):
                        yield result
        finally:
            if self._inflight:  # cancelled, or the consumer stopped: stop the workers now
                for future in list(self._inflight):
                    self._release(future)
                if backend.executor is self._pool:  # not if a later batch already replaced it
                    backend.abort()
            stats.seconds = self._clock() - started_at

    def _submit(self, spec: WorkSpec) -> bool:
        """Submit queued chunks; ``True`` if the executor turned out to be broken."""
        backend = self._backend
        now = self._clock()
        for task in self._inflight.values():
            if task.warm and task.solo and now >= task.submitted + self._warm_gate:
                task.solo = False  # warming takes long (or hangs): stop holding the others
        while self._queue and self._free:
            symbols, solo = self._queue[0]
            if solo and self._inflight:
                break  # a suspect runs alone: wait for the pool to drain
            if self._inflight and any(task.solo for task in self._inflight.values()):
                break
            self._token += 1
            slot = self._free.pop()
            chunk = Chunk(self._token, slot, symbols, spec)
            try:
                future = backend.submit(chunk)
            except (BrokenExecutor, RuntimeError):
                self._free.append(slot)
                return True
            self._queue.popleft()
            self.stats.chunks += 1
            wrapped = asyncio.wrap_future(future)
            warm = solo and symbols == (self._warm_symbol,)
            self._inflight[wrapped] = Task(
                self._token, slot, symbols, solo, self._clock(), warm=warm
            )
            if warm:
                self._warm_symbol = None
            if solo:
                break
        return False

    def _wait_time(self) -> float | None:
        """Seconds until the next deadline could pass (``None``: wait for a completion)."""
        backend = self._backend
        now = self._clock()
        wake = math.inf
        if not backend.can_timeout:
            return None
        beacon = backend.beacon
        for task in self._inflight.values():
            if task.warm and task.solo:
                wake = min(wake, task.submitted + self._warm_gate)
            if beacon is None:
                wake = min(wake, task.submitted + self._timeout)
                continue
            state = beacon.read(task.slot, task.token)
            if state is None:  # not started yet: look again soon
                wake = min(wake, now + self._poll, self._progress + self._startup_timeout)
            else:
                wake = min(wake, state[1] + self._timeout)
        return None if wake == math.inf else max(0.0, wake - now)

    def _harvest(self) -> list[ProcessingResult | None]:
        """Results of finished chunks; a ``None`` entry means the pool is broken."""
        out: list[ProcessingResult | None] = []
        for future in [f for f in self._inflight if f.done()]:
            task = self._inflight[future]
            if future.cancelled():  # cancelled under us (the executor shut down): run again
                self._release(future)
                self._queue.appendleft((task.symbols, task.solo))
                continue
            exc = future.exception()
            if isinstance(exc, BrokenExecutor):
                out.append(None)
                continue  # recovered in _check(), with everything else in flight
            self._release(future)
            self._progress = self._clock()
            if exc is None:
                results = decode_results(future.result())
            else:  # the chunk itself failed (e.g. could not be sent): all its symbols
                message = describe_error(exc)
                results = [ProcessingResult.failed(symbol, message) for symbol in task.symbols]
            out.extend(self._resolve(results))
        return out

    def _resolve(self, results: list[ProcessingResult]) -> list[ProcessingResult]:
        fresh = [r for r in results if r.symbol in self._unresolved]
        for result in fresh:
            self._unresolved.discard(result.symbol)
            if result.error is not None:
                self.stats.errors += 1
        return fresh

    def _release(self, future: asyncio.Future[Any]) -> Task:
        task = self._inflight.pop(future)
        if not future.done():
            future.cancel()  # nobody will look at it; its late outcome is dropped
        elif not future.cancelled():
            future.exception()  # mark a failure as seen (asyncio logs unseen ones)
        self._free.append(task.slot)
        beacon = self._backend.beacon
        if isinstance(beacon, ThreadBeacon):
            beacon.forget(task.token)
        return task

    # -- deadlines and crashes ----------------------------------------------------------------

    async def _check(self, broken: bool) -> list[ProcessingResult]:
        """Handle a broken pool, expired deadlines or a pool that never starts work."""
        if broken:
            return await self._recover(expired={}, crashed=True)
        backend = self._backend
        if not backend.can_timeout:
            return []
        now = self._clock()
        beacon = backend.beacon
        expired: dict[int, int | None] = {}  # token -> index of the late symbol
        any_started = False
        for task in self._inflight.values():
            if beacon is None:
                if now >= task.submitted + self._timeout:
                    expired[task.token] = 0 if len(task.symbols) == 1 else None
                continue
            state = beacon.read(task.slot, task.token)
            if state is None:
                continue
            any_started = True
            index, started, _ = state
            self._progress = max(self._progress, started)
            if now >= started + self._timeout:
                expired[task.token] = index
        if expired:
            return await self._recover(expired=expired, crashed=False)
        if (
            beacon is not None
            and self._inflight
            and not any_started
            and now >= self._progress + self._startup_timeout
        ):
            return await self._recover(expired={}, crashed=True, stalled=True)
        return []

    async def _recover(
        self, *, expired: dict[int, int | None], crashed: bool, stalled: bool = False
    ) -> list[ProcessingResult]:
        """Snapshot, restart, classify every task in flight, requeue what runs again."""
        out: list[ProcessingResult] = [r for r in self._harvest() if r is not None]
        states = self._snapshot()
        codes = await self._restart(expired, crashed, stalled)
        lose_all = crashed or self._backend.loses_inflight_on_retire
        incident = Incident(expired, crashed, lose_all, codes)
        now = self._clock()
        requeue: list[Requeue] = []
        progressed = False
        for future, task in list(self._inflight.items()):
            verdict = classify(task, states.get(task.token), incident)
            if verdict.kind is Kind.KEEP:
                continue  # still running on a backend that keeps it
            self._release(future)
            self._count(verdict.kind)
            result = verdict_result(verdict, now)
            if result is not None:
                out.extend(self._resolve([result]))
            requeue.extend(verdict.requeue)
            progressed = progressed or verdict.progressed
        self._requeue(requeue)
        out.extend(self._account(crashed, progressed, codes))
        return out

    def _snapshot(self) -> dict[int, State | None]:
        """Where every task in flight stood when things went wrong (by token)."""
        beacon = self._backend.beacon
        return {
            task.token: (beacon.read(task.slot, task.token) if beacon is not None else None)
            for task in self._inflight.values()
        }

    async def _restart(
        self, expired: dict[int, int | None], crashed: bool, stalled: bool
    ) -> dict[int, int | None]:
        """Replace the pool where the incident requires it; the retired workers' exit codes."""
        backend = self._backend
        codes: dict[int, int | None] = {}
        if crashed or backend.can_kill or backend.loses_inflight_on_retire:
            codes = await asyncio.to_thread(backend.retire, not crashed or stalled)
            self.stats.restarts += 1
            self.stats.pool_exit_codes.extend(codes.values())
        elif expired:
            # Cannot stop the late task: keep the executor; a thread backend gets a fresh
            # one so the abandoned thread does not cost a worker.
            codes = await asyncio.to_thread(backend.retire, False)
            if backend.started:
                return codes
        else:
            return codes
        backend.start()
        self._pool = backend.executor
        await asyncio.to_thread(backend.prestart)
        return codes

    def _count(self, kind: Kind) -> None:
        if kind is Kind.TIMEOUT:
            self.stats.timeouts += 1
        elif kind is Kind.CULPRIT:
            self.stats.crashes += 1
        elif kind is Kind.SUSPECT:
            self.stats.quarantined += 1

    def _requeue(self, items: list[Requeue]) -> None:
        """Suspects go first (each alone), then the innocent chunks, then the rest."""
        for item in reversed(order_requeue(items)):
            self._queue.appendleft(item)
        self._progress = self._clock()

    def _account(
        self, crashed: bool, progressed: bool, codes: dict[int, int | None]
    ) -> list[ProcessingResult]:
        """Count restarts that isolated nothing; give up after ``max_restarts`` of them."""
        if progressed:
            self._idle_restarts = 0
        elif crashed:
            self._idle_restarts += 1
            self.stats.idle_restarts += 1
            if self._idle_restarts > self._max_restarts:
                return self._give_up(codes)
        return []

    def _give_up(self, codes: dict[int, int | None]) -> list[ProcessingResult]:
        message = (
            f"BrokenProcessPool: the worker pool failed {self._idle_restarts} times in a row "
            f"before running a symbol (exit codes {sorted(set(codes.values()), key=str)}); "
            "see the workers' stderr"
        )
        self._queue.clear()
        for future in list(self._inflight):
            self._release(future)
        return self._resolve(
            [ProcessingResult.failed(symbol, message) for symbol in sorted(self._unresolved)]
        )
