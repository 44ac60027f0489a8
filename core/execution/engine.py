"""``ProcessingEngine``: runs a job's symbols in parallel and returns one result per symbol.

The spec's class (E06-F02-T02) with its constructor, context manager, lazy executor and
``async process_batch``, built so that operators can trust it:

* a symbol past its deadline is stopped (its worker is killed) and recorded with
  ``error == "Processing timeout"``; deadlines count from the symbol's real start;
* a worker that dies costs only the symbol it was running (named, with its exit code);
* a clean batch runs near the speed of the kernels: symbols travel in chunks to workers
  started once per engine from a warm forkserver;
* the event loop never blocks, cancelling stops the batch and its workers.

Operator documentation: ``docs/execution.md``. The supervision logic lives in
:mod:`candlescan.execution.supervisor`, the backends in :mod:`candlescan.execution.backends`,
the worker side in
:mod:`candlescan.execution.worker`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import math
import multiprocessing.context
import os
import pickle
from collections.abc import AsyncGenerator, Callable
from concurrent.futures import Executor
from types import TracebackType
from typing import Any, Protocol

from candlescan.data.repository import ICandleRepository
from candlescan.entities import (
    DateRange,
    ParameterValue,
    ProcessingJob,
    ProcessingResult,
    Timeframe,
    Warmup,
)
from candlescan.errors import InvalidJobError
from candlescan.execution import warmup as _preload
from candlescan.execution.backends import Backend, make_backend
from candlescan.execution.supervisor import TIMEOUT_ERROR, BatchStats, Supervisor
from candlescan.execution.worker import LoadOnlyPlan, Plan, WorkSpec

__all__ = ["TIMEOUT_ERROR", "ProcessingEngine", "ProgressCallback"]

#: ``progress_callback(completed, total)``; may return an awaitable, which is awaited.
ProgressCallback = Callable[[int, int], object]


class _FormulaService(Protocol):
    def compile(
        self,
        formula: Any,
        parameters: dict[str, ParameterValue] | None = None,
        *,
        timeframe: Timeframe | str = ...,
        warmup: Warmup | str = ...,
    ) -> Plan: ...


class ProcessingEngine:
    """Runs :class:`~candlescan.ProcessingJob` s over a pool of workers.

    :param candle_repo: where candles come from; sent (pickled) to each worker once.
    :param formula_service: compiles the job's formula, once, in this process.
    :param max_workers: parallel workers; default ``os.cpu_count() or 4``.
    :param timeout: per-symbol deadline in seconds, counted from the symbol's start.
    :param backend: ``"process"`` (default), ``"thread"``, ``"serial"``, ``"dask"`` or a
        :class:`~candlescan.backends.Backend` instance.
    :param chunk_size: symbols per task; default ``clamp(ceil(n / (workers * 4)), 1, 100)``.
    :param max_restarts: pool restarts per batch that isolate no symbol (the pool dies
        before running anything) before the batch gives up on the remaining symbols.
    :param startup_timeout: how long submitted work may wait for a worker to pick it up
        before the pool is considered stuck; default ``max(timeout, 30)``.
    :param recycle_every: replace the worker pool after this many batches (0: never);
        a cheap guard against leaks in third-party data sources.
    :param mp_context: multiprocessing context or start method for the process backend;
        default forkserver on Linux, spawn elsewhere (``"fork"`` is refused).
    :param warm_in_parent: compile a new formula's kernels in this process before the
        workers run it. By default the first symbol of a new formula runs alone on one
        worker instead, which warms Numba's cache just as well without paying Numba's
        start-up (about 1 s) in this process; see ``docs/execution.md``.

    Use it as a context manager (``with engine:`` or ``async with engine:``) so workers
    start once and stop at the end; without one, workers start on the first batch and
    stop at :meth:`close`. One batch runs at a time per engine.
    """

    __module__ = "candlescan"

    def __init__(
        self,
        candle_repo: ICandleRepository,
        formula_service: _FormulaService | None,
        max_workers: int | None = None,
        *,
        timeout: float = 60.0,
        backend: str | Backend = "process",
        chunk_size: int | None = None,
        max_restarts: int = 3,
        startup_timeout: float | None = None,
        recycle_every: int = 0,
        mp_context: multiprocessing.context.BaseContext | str | None = None,
        warm_in_parent: bool = False,
    ) -> None:
        if not isinstance(candle_repo, ICandleRepository):
            raise InvalidJobError(
                f"candle_repo must be an ICandleRepository, got {type(candle_repo).__name__}"
            )
        if not (isinstance(timeout, int | float) and math.isfinite(timeout) and timeout > 0):
            raise InvalidJobError(f"timeout must be a positive number of seconds, got {timeout!r}")
        if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
            raise InvalidJobError(f"chunk_size must be a positive integer, got {chunk_size!r}")
        if not isinstance(max_restarts, int) or max_restarts < 0:
            raise InvalidJobError(f"max_restarts must be >= 0, got {max_restarts!r}")
        if startup_timeout is not None and not (
            isinstance(startup_timeout, int | float) and startup_timeout > 0
        ):
            raise InvalidJobError(f"startup_timeout must be positive, got {startup_timeout!r}")
        if not isinstance(recycle_every, int) or recycle_every < 0:
            raise InvalidJobError(f"recycle_every must be >= 0, got {recycle_every!r}")
        self._candle_repo = candle_repo
        self._formula_service = formula_service
        self._max_workers = max_workers or (os.cpu_count() or 4)
        self._timeout = float(timeout)
        self._backend = make_backend(backend, self._max_workers, mp_context)
        self._chunk_size = chunk_size
        self._max_restarts = max_restarts
        self._startup_timeout = (
            float(startup_timeout) if startup_timeout else max(self._timeout, 30.0)
        )
        self._recycle_every = recycle_every
        self._warm_in_parent = bool(warm_in_parent)
        self._configured = False
        self._warm_plans: set[bytes] = set()
        self._batches_on_pool = 0
        self._busy = False
        self._last_batch = BatchStats()
        self._coverage: DateRange | None = None

    # -- properties -------------------------------------------------------------------------

    @property
    def _executor(self) -> Executor | None:
        """The backend's executor while started, else ``None`` (the spec's attribute)."""
        return self._backend.executor

    @property
    def max_workers(self) -> int:
        """Number of parallel workers."""
        return self._max_workers

    @property
    def timeout(self) -> float:
        """Per-symbol deadline in seconds."""
        return self._timeout

    @property
    def backend(self) -> Backend:
        """The execution backend."""
        return self._backend

    @property
    def last_batch(self) -> BatchStats:
        """Counters of the last batch: chunks, timeouts, crashes, restarts, seconds."""
        return self._last_batch

    def worker_pids(self) -> tuple[int, ...]:
        """Pids of the current worker processes (process backend; empty otherwise)."""
        return self._backend.worker_pids()

    # -- lifecycle --------------------------------------------------------------------------

    def __enter__(self) -> ProcessingEngine:
        """Start the workers (blocking until they run). In async code prefer ``async with``."""
        if not self._backend.started:
            self._start_backend()
            try:
                self._backend.prestart()
            except BaseException:  # SIGTERM/Ctrl-C or workers that cannot start: no leftovers
                self._stop(kill=True)
                raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        # After an error or an interrupt, do not wait for work in progress: kill it.
        self._stop(kill=exc_type is not None)

    async def __aenter__(self) -> ProcessingEngine:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self._stop, exc_type is not None)

    async def start(self) -> None:
        """Start and warm the workers without blocking the event loop."""
        if not self._backend.started:
            self._start_backend()
            await asyncio.to_thread(self._backend.prestart)

    def close(self) -> None:
        """Stop the workers (blocking). Safe to call more than once."""
        self._stop(kill=False)

    def _start_backend(self) -> None:
        if not self._configured:
            self._backend.configure(self._candle_repo)
            self._configured = True
        self._backend.start()
        self._batches_on_pool = 0

    def _stop(self, kill: bool) -> None:
        self._backend.shutdown(kill=kill)

    # -- batches ----------------------------------------------------------------------------

    def plan(self, job: ProcessingJob) -> Plan:
        """The plan a batch of ``job`` runs: its formula compiled with the job's timeframe
        and warm-up policy (a :class:`~candlescan.formula.CompiledFormula`), e.g. for its
        ``indicator_terms``. Formula errors raise here.
        """
        if not isinstance(job, ProcessingJob):
            raise InvalidJobError(f"expected a ProcessingJob, got {type(job).__name__}")
        if job.formula is None:
            return LoadOnlyPlan()
        if self._formula_service is None:
            raise InvalidJobError("this engine has no formula service; give it one")
        return self._formula_service.compile(
            job.formula, job.parameters, timeframe=job.timeframe, warmup=job.warmup
        )

    def _check_coverage(self, job: ProcessingJob) -> None:
        """A range outside the source's data is one job-level error, not N empty results.

        The coverage is asked once per engine and again only when a range falls outside
        what was known (a live source's data grows).
        """
        coverage = self._coverage
        for _ in range(2):
            if coverage is not None and (
                job.date_range.end >= coverage.start and job.date_range.start <= coverage.end
            ):
                return
            try:
                coverage = self._coverage = self._candle_repo.coverage()
            except Exception:  # an optional, best-effort hook: the workers will say more
                return
            if coverage is None:
                return
        assert coverage is not None
        raise InvalidJobError(
            f"no data between {job.date_range.start} and {job.date_range.end}: "
            f"{self._candle_repo.describe()} has data from {coverage.start} to {coverage.end}"
        )

    def _prepare_for_worker(self, job: ProcessingJob) -> WorkSpec:
        """Compile the formula here, once, and pack what every chunk carries.

        Formula errors and a range outside the source's coverage raise here, before any
        worker runs.
        """
        plan = self.plan(job)
        self._check_coverage(job)
        spec = WorkSpec(job.id, plan, job.timeframe, job.date_range)
        if self._backend.pickles_results:
            try:
                pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:
                raise InvalidJobError(f"the compiled job cannot be sent to workers: {exc}") from exc
        return spec

    async def process_batch(
        self, job: ProcessingJob, progress_callback: ProgressCallback | None = None
    ) -> list[ProcessingResult]:
        """Process every symbol of ``job``; one result per symbol, in completion order.

        ``progress_callback(completed, total)`` is called on the event-loop thread once
        per symbol (an awaitable it returns is awaited). A symbol that fails gets its
        ``error``; the batch goes on. Formula errors raise before any worker starts.
        """
        results: list[ProcessingResult] = []
        async with contextlib.aclosing(self.stream_batch(job, progress_callback)) as stream:
            async for result in stream:
                results.append(result)
        return results

    async def stream_batch(
        self, job: ProcessingJob, progress_callback: ProgressCallback | None = None
    ) -> AsyncGenerator[ProcessingResult, None]:
        """Yield each symbol's result as soon as it is known (completion order).

        Leaving the loop early stops the batch and kills its workers once the iterator
        is closed; wrap it in :func:`contextlib.aclosing` to make that immediate.
        """
        spec = self._prepare_for_worker(job)
        if self._busy:
            raise RuntimeError(
                "this engine is already running a batch; one at a time (a stream_batch left "
                "early is closed only when garbage-collected: use contextlib.aclosing)"
            )
        self._busy = True
        try:
            if self._recycle_every and self._batches_on_pool >= self._recycle_every:
                await asyncio.to_thread(self._backend.shutdown, False)
            await asyncio.gather(self.start(), self._warm(spec))
            supervisor = Supervisor(
                self._backend,
                timeout=self._timeout,
                chunk_size=self._chunk_size,
                max_restarts=self._max_restarts,
                startup_timeout=self._startup_timeout,
                warm_first=self._first_use(spec),
            )
            total = len(job.symbols)
            completed = 0
            # A cross-sectional plan (candlescan.formula.ScreenPlan) finishes across symbols.
            finish = getattr(spec.plan, "finish_batch", None)
            pending: list[ProcessingResult] = []
            try:
                # aclosing: if this stream stops early, the supervisor stops its workers now,
                # not whenever the garbage collector finalizes it.
                async with contextlib.aclosing(supervisor.run(job.symbols, spec)) as results:
                    async for result in results:
                        completed += 1
                        if progress_callback is not None:
                            await _call(progress_callback, completed, total)
                        if finish is None:
                            yield result
                        else:
                            pending.append(result)
                if finish is not None:
                    for result in await asyncio.to_thread(finish, pending, self._candle_repo):
                        yield result
            finally:
                self._last_batch = supervisor.stats
                self._batches_on_pool += 1
        finally:
            self._busy = False

    def _first_use(self, spec: WorkSpec) -> bool:
        """Whether this engine runs ``spec``'s formula for the first time (worker backends).

        The first symbol of a new formula then runs alone, so one worker compiles (or
        loads) the formula's kernels and writes Numba's cache before the others need them.
        """
        if not self._backend.pickles_results:
            return False  # in-process backends: Numba's compile lock already serializes
        key = pickle.dumps(spec.plan, protocol=pickle.HIGHEST_PROTOCOL)
        if key in self._warm_plans:
            return False
        self._warm_plans.add(key)
        return not self._warm_in_parent

    async def _warm(self, spec: WorkSpec) -> None:
        """With ``warm_in_parent``: compile the formula's kernels in this process first."""
        if self._warm_in_parent and self._backend.pickles_results:
            key = pickle.dumps(spec.plan, protocol=pickle.HIGHEST_PROTOCOL)
            if key not in self._warm_plans:
                await asyncio.to_thread(_preload.warm_plan, spec.plan, spec.date_range)


async def _call(callback: ProgressCallback, completed: int, total: int) -> None:
    outcome = callback(completed, total)
    if inspect.isawaitable(outcome):
        await outcome
