"""Small pieces of the engine: arguments, chunk sizes, error text, the beacon."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading

import pytest

from candlescan import (
    DataSourceError,
    ICandleRepository,
    InvalidJobError,
    PluginRegistry,
    SymbolNotFoundError,
)
from candlescan.execution.engine import ProcessingEngine
from candlescan.execution.supervisor import chunk_size_for
from candlescan.execution.worker import ProcessBeacon, ThreadBeacon, describe_error

from .conftest import make_job


@pytest.fixture(scope="module")
def repo():
    return PluginRegistry.default().open_source("synthetic:5x252")


@pytest.mark.parametrize(
    ("n", "workers", "size"),
    [(1, 2, 1), (3, 2, 1), (8, 2, 1), (9, 2, 2), (2500, 2, 100), (2500, 16, 40), (10**6, 4, 100)],
)
def test_chunk_size(n: int, workers: int, size: int) -> None:
    # ceil(n / (workers * 4)) clamped to [1, 100]
    assert chunk_size_for(n, workers) == size


def test_error_text_is_one_line_with_the_type_name() -> None:
    assert (
        describe_error(SymbolNotFoundError("X", "csv:/data"))
        == "SymbolNotFoundError: unknown symbol 'X' in csv:/data"
    )
    assert describe_error(ValueError("two\n  lines")) == "ValueError: two lines"
    assert describe_error(RuntimeError()) == "RuntimeError"

    class WeirdError(Exception):
        def __str__(self) -> str:
            raise ValueError("no")

    assert describe_error(WeirdError()) == "WeirdError: <exception message unavailable>"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"max_restarts": -1}, "max_restarts"),
        ({"recycle_every": -1}, "recycle_every"),
        ({"startup_timeout": -1}, "startup_timeout"),
        ({"backend": "nope"}, "unknown backend"),
    ],
)
def test_bad_arguments_raise_invalid_job_error(repo, service, kwargs, match) -> None:
    with pytest.raises(InvalidJobError, match=match):
        ProcessingEngine(repo, service, 1, **kwargs)


def test_the_repository_must_be_a_repository(service) -> None:
    with pytest.raises(InvalidJobError, match="ICandleRepository"):
        ProcessingEngine(object(), service)  # type: ignore[arg-type]


class _Unpicklable(ICandleRepository):
    """A repository holding a lock: cannot travel to worker processes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def get_candles(self, symbol, timeframe, date_range, *, warmup_bars=0):  # type: ignore[no-untyped-def]
        raise SymbolNotFoundError(symbol)

    def symbols(self) -> tuple[str, ...]:
        return ("A",)


@pytest.mark.asyncio
async def test_an_unpicklable_repository_fails_once_before_any_worker(service) -> None:
    engine = ProcessingEngine(_Unpicklable(), service, 1)
    with pytest.raises(DataSourceError, match="cannot be sent to worker processes"):
        await engine.process_batch(make_job(["A"]))
    assert engine._executor is None
    # The thread backend shares the object instead: no pickling needed.
    with ProcessingEngine(_Unpicklable(), service, 1, backend="thread") as threaded:
        (result,) = await threaded.process_batch(make_job(["A"]))
    assert result.error == "SymbolNotFoundError: unknown symbol 'A'"


def test_process_beacon_reports_the_running_symbol() -> None:
    beacon = ProcessBeacon(2, multiprocessing.get_context("spawn"))
    assert beacon.read(1, 7) is None
    beacon.mark(1, 7, 3)
    index, started, pid = beacon.read(1, 7)  # type: ignore[misc]
    assert (index, pid) == (3, multiprocessing.current_process().pid)
    assert started > 0
    assert beacon.read(1, 8) is None  # another task's token
    assert beacon.read(0, 7) is None
    beacon.reset()
    assert beacon.read(1, 7) is None


def test_thread_beacon_is_keyed_by_token() -> None:
    beacon = ThreadBeacon()
    beacon.mark(0, 1, 2)
    assert beacon.read(5, 1)[0] == 2  # type: ignore[index]
    beacon.forget(1)
    assert beacon.read(0, 1) is None


def test_results_and_work_cross_process_boundaries(repo, service) -> None:
    engine = ProcessingEngine(repo, service, 1)
    spec = engine._prepare_for_worker(make_job(repo.symbols()))
    assert pickle.loads(pickle.dumps(spec)).plan.warmup_bars == spec.plan.warmup_bars


@pytest.mark.asyncio
async def test_warming_strategies(repo, service) -> None:
    symbols = repo.symbols()[:5]
    # 5 symbols on 2 workers: chunks of ceil(5 / 8) = 1.
    with ProcessingEngine(repo, service, 2, warm_in_parent=True) as engine:
        first = await engine.process_batch(make_job(symbols))
        assert engine.last_batch.chunks == 5
    with ProcessingEngine(repo, service, 2, chunk_size=5) as engine:
        second = await engine.process_batch(make_job(symbols))
        # The first symbol of a new formula runs alone, then the other four together ...
        assert engine.last_batch.chunks == 2
        await engine.process_batch(make_job(symbols))
        # ... but only the first time this engine sees the formula.
        assert engine.last_batch.chunks == 1
    assert sorted(r.symbol for r in first) == sorted(r.symbol for r in second)
    assert all(r.ok for r in first + second)


@pytest.mark.asyncio
async def test_spawn_workers(repo, service) -> None:
    """The start method used on macOS and Windows."""
    with ProcessingEngine(repo, service, 1, mp_context="spawn", timeout=30) as engine:
        results = await engine.process_batch(make_job(repo.symbols()[:3]))
        threads = engine._executor.submit(os.getenv, "NUMBA_NUM_THREADS").result()
    assert all(r.ok for r in results)
    assert threads == "1"


def test_forkserver_workers_use_one_numba_thread(repo, service) -> None:
    with ProcessingEngine(repo, service, 2) as engine:
        assert engine._executor.submit(os.getenv, "NUMBA_NUM_THREADS").result() == "1"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forkserver is the Linux default")
def test_prelaunch_starts_the_forkserver_once() -> None:
    from multiprocessing import forkserver

    from candlescan.backends import prelaunch

    prelaunch()
    prelaunch()  # idempotent
    assert forkserver._forkserver._forkserver_pid is not None  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_recycle_every_replaces_the_pool_between_batches(repo, service) -> None:
    job = make_job(repo.symbols())
    with ProcessingEngine(repo, service, 1, recycle_every=2) as engine:
        pids = []
        for _ in range(3):
            assert all(r.ok for r in await engine.process_batch(job))
            pids.append(engine.worker_pids())
    assert pids[0] == pids[1] != pids[2]
