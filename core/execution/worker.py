"""What runs inside a worker: the initializer, the chunk runner and the beacon.

A *chunk* is a few dozen symbols of one job. The runner processes them one by one, turns
every per-symbol exception into that symbol's one-line ``error`` and returns the results
(pickled once, by the runner itself, when they must cross a process boundary, so an
unpicklable value costs its symbol rather than the whole chunk).

Before each symbol the runner writes ``(token, index, start time, pid)`` into its slot of
a :class:`ProcessBeacon` (shared memory). The parent reads it to learn which symbol of
which chunk is running and since when: that is what makes a per-symbol deadline count
from the symbol's real start, and what names the culprit when a worker hangs or dies.

Nothing here touches pluggy; everything a worker needs arrives pickled.
"""

from __future__ import annotations

import math
import os
import pickle
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from candlescan.data.repository import ICandleRepository
from candlescan.entities import Candles, DateRange, Evaluation, Matches, Timeframe
from candlescan.errors import DataSourceError
from candlescan.execution.validation import check_candles
from candlescan.execution.wire import ChunkResults, ResultsBuilder, decode_results, describe_error

__all__ = [
    "Beacon",
    "Chunk",
    "LoadOnlyPlan",
    "Plan",
    "ProcessBeacon",
    "ThreadBeacon",
    "WorkSpec",
    "decode_results",
    "describe_error",
    "initialize",
    "ping",
    "run_chunk",
    "run_chunk_in_worker",
    "run_chunk_with",
]

_FIELDS = 4  # token, symbol index, start time (time.monotonic), pid


class Plan(Protocol):
    """What the engine needs of a compiled formula (:class:`candlescan.formula.CompiledFormula`)."""

    @property
    def warmup_bars(self) -> int: ...

    def evaluate(self, candles: Candles, date_range: DateRange) -> Any:
        """The outcome on ``candles``: an object with ``matches``, ``computed_indicators``,
        ``last_bar`` and ``bars``, optionally ``evaluated_from`` and ``indicators_at``
        (:class:`~candlescan.entities.Evaluation`). A plan may
        also offer ``prepare(date_range) -> (candles -> outcome)``, used once per chunk."""
        ...


@dataclass(frozen=True, slots=True)
class LoadOnlyPlan:
    """The plan of a job without a formula: load and validate each symbol's candles."""

    warmup_bars: int = 0

    def evaluate(self, candles: Candles, date_range: DateRange) -> Evaluation:
        candles.validate()
        first, stop = candles.index_range(date_range)
        last = candles.timestamps[stop - 1] if stop > first else None
        return Evaluation(Matches(), {}, last, max(0, stop - first))


@dataclass(frozen=True, slots=True)
class WorkSpec:
    """The picklable part of a job that every chunk carries (the spec's ``_prepare_for_worker``)."""

    job_id: str
    plan: Plan
    timeframe: Timeframe
    date_range: DateRange


@dataclass(frozen=True, slots=True)
class Chunk:
    """One task: ``symbols`` of ``spec``, reporting progress in beacon ``slot`` as ``token``."""

    token: int
    slot: int
    symbols: tuple[str, ...]
    spec: WorkSpec


# --- beacons -------------------------------------------------------------------------------


class Beacon(Protocol):
    """Where a running chunk says which of its symbols it is on, and since when."""

    def mark(self, slot: int, token: int, index: int) -> None: ...

    def read(self, slot: int, token: int) -> tuple[int, float, int] | None:
        """``(index, started, pid)`` of chunk ``token`` if it has started, else ``None``."""
        ...


class ProcessBeacon:
    """A beacon in shared memory (``multiprocessing.RawArray``), one slot per task in flight.

    Slots are reused only after the task that held them finished or its worker was
    killed, so a stale writer cannot exist. A reader that catches a writer between two
    stores sees a NaN start and retries.
    """

    def __init__(self, slots: int, ctx: Any) -> None:
        self.slots = slots
        self._array = ctx.RawArray("d", slots * _FIELDS)
        for i in range(slots * _FIELDS):
            self._array[i] = math.nan

    def mark(self, slot: int, token: int, index: int) -> None:
        base = slot * _FIELDS
        array = self._array
        array[base + 2] = math.nan  # "moving": readers retry
        array[base] = token
        array[base + 1] = index
        array[base + 3] = os.getpid()
        array[base + 2] = time.monotonic()

    def read(self, slot: int, token: int) -> tuple[int, float, int] | None:
        base = slot * _FIELDS
        array = self._array
        for _ in range(100):
            started = array[base + 2]
            if array[base] != token:
                return None
            index = array[base + 1]
            pid = array[base + 3]
            if not math.isnan(started) and array[base + 2] == started:
                return int(index), started, int(pid)
            time.sleep(0)
        return None

    def reset(self) -> None:
        for i in range(self.slots * _FIELDS):
            self._array[i] = math.nan


class ThreadBeacon:
    """An in-process beacon keyed by token (threads outlive their slot when abandoned)."""

    def __init__(self) -> None:
        self._marks: dict[int, tuple[int, float, int]] = {}

    def mark(self, slot: int, token: int, index: int) -> None:
        self._marks[token] = (index, time.monotonic(), threading.get_ident())

    def read(self, slot: int, token: int) -> tuple[int, float, int] | None:
        return self._marks.get(token)

    def forget(self, token: int) -> None:
        self._marks.pop(token, None)


# --- the chunk runner ----------------------------------------------------------------------


def run_chunk(
    repo: ICandleRepository | None,
    chunk: Chunk,
    beacon: Beacon | None,
    *,
    serialize: bool,
    repo_error: str | None = None,
) -> bytes | ChunkResults:
    """Process every symbol of ``chunk``; return the packed results (pickled if ``serialize``).

    Each symbol's failure becomes its own error; so does a result that could not be
    pickled (only checked when ``serialize``).
    """
    spec = chunk.spec
    plan = spec.plan
    evaluate = _evaluator(plan, spec.date_range)
    warmup = int(plan.warmup_bars)
    out = ResultsBuilder(check_pickle=serialize)
    bulk: dict[str, Candles | Exception] | None = None
    clock = time.perf_counter
    # One errstate for the chunk (NaN comparisons are expected), not one per symbol.
    with np.errstate(all="ignore"):
        for index, symbol in enumerate(chunk.symbols):
            if beacon is not None:
                beacon.mark(chunk.slot, chunk.token, index)
            started = clock()
            try:
                if index == 0:
                    bulk = _read_chunk(repo, chunk, warmup)
                candles = _candles(repo, symbol, spec, warmup, repo_error, bulk)
                # Every source's candles, built-in or not; bad bars raise for this symbol.
                warning = check_candles(candles, spec.timeframe, spec.date_range)
                outcome = evaluate(candles)
                ms = (clock() - started) * 1e3
                out.add(
                    symbol,
                    outcome.matches,
                    outcome.computed_indicators,
                    ms,
                    outcome.last_bar,
                    outcome.bars,
                    evaluated_from=getattr(outcome, "evaluated_from", None),
                    indicators_at=getattr(outcome, "indicators_at", None),
                    warnings=(warning,) if warning else (),
                )
            except Exception as exc:  # one symbol's failure must not cost the chunk
                out.fail(symbol, describe_error(exc), (clock() - started) * 1e3)
    results = out.build()
    if not serialize:
        return results
    return pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)


def _evaluator(plan: Plan, date_range: DateRange) -> Callable[[Candles], Any]:
    """``plan`` bound to ``date_range`` once per chunk (``prepare``) where it can be."""
    prepare = getattr(plan, "prepare", None)
    if prepare is not None:
        bound: Callable[[Candles], Any] = prepare(date_range)
        return bound
    return lambda candles: plan.evaluate(candles, date_range)


def _read_chunk(
    repo: ICandleRepository | None, chunk: Chunk, warmup: int
) -> dict[str, Candles | Exception] | None:
    """All the chunk's candles in one call when the source reads in bulk, else ``None``.

    A failure of the bulk read itself falls back to reading symbol by symbol, so every
    symbol still gets its own result (and its own error).
    """
    if repo is None or not getattr(repo, "has_bulk_reads", False):
        return None
    spec = chunk.spec
    try:
        return repo.get_candles_many(
            chunk.symbols, spec.timeframe, spec.date_range, warmup_bars=warmup
        )
    except Exception:
        return None


def _candles(
    repo: ICandleRepository | None,
    symbol: str,
    spec: WorkSpec,
    warmup: int,
    repo_error: str | None,
    bulk: dict[str, Candles | Exception] | None = None,
) -> Candles:
    """One symbol's candles (from the chunk's bulk read when there was one), checked to
    be :class:`Candles`."""
    if repo is None:
        raise DataSourceError(repo_error or "no data source in this worker")
    found = bulk.get(symbol) if bulk is not None else None
    if isinstance(found, Exception):
        raise found
    candles = (
        found
        if found is not None
        else repo.get_candles(symbol, spec.timeframe, spec.date_range, warmup_bars=warmup)
    )
    if not isinstance(candles, Candles):
        raise DataSourceError(f"{repo.describe()} returned {type(candles).__name__}, not Candles")
    return candles


# --- process workers -----------------------------------------------------------------------


@dataclass(slots=True)
class _WorkerState:
    repo: ICandleRepository | None = None
    repo_error: str | None = None
    beacon: ProcessBeacon | None = None


_STATE = _WorkerState()


def initialize(repo_blob: bytes, beacon: ProcessBeacon) -> None:
    """Worker initializer: die with the parent, open the data source once.

    The repository arrives pickled by the parent, so a repository that fails to load
    becomes every symbol's error instead of a worker that dies at start-up in a loop.
    """
    from candlescan.execution import warmup as _preload

    if "numba" not in sys.modules:
        # One Numba thread per worker (workers x cores would oversubscribe). Forkserver
        # workers inherit it from the server; spawned ones have not imported Numba yet.
        os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    _preload.die_with_parent()
    _STATE.beacon = beacon
    try:
        _STATE.repo = pickle.loads(repo_blob)
    except Exception as exc:
        _STATE.repo_error = f"cannot open the data source in a worker: {describe_error(exc)}"
    else:
        import multiprocessing.util

        # Workers leave through os._exit, which skips atexit; Finalize still runs.
        multiprocessing.util.Finalize(None, _close_repo, exitpriority=10)


def _close_repo() -> None:
    if _STATE.repo is not None:
        try:
            _STATE.repo.close()
        except Exception as exc:  # closing must never fail the worker's exit
            print(f"candlescan worker: closing the data source failed: {exc}", file=sys.stderr)


def run_chunk_in_worker(chunk: Chunk) -> bytes:
    """The task a process worker runs: :func:`run_chunk` on the worker's repository."""
    payload = run_chunk(
        _STATE.repo, chunk, _STATE.beacon, serialize=True, repo_error=_STATE.repo_error
    )
    assert isinstance(payload, bytes)
    return payload


def run_chunk_with(repo: ICandleRepository, chunk: Chunk) -> bytes:
    """The task a Dask worker runs: the repository arrives as a scattered argument."""
    payload = run_chunk(repo, chunk, None, serialize=True)
    assert isinstance(payload, bytes)
    return payload


def ping() -> int:
    """A no-op task that makes the pool start a worker; returns its pid."""
    return os.getpid()
