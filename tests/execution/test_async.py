"""The engine in an event loop: never blocking it, cancelling, streaming, clean exits."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from candlescan import PluginRegistry
from candlescan.execution.engine import ProcessingEngine

from .conftest import assert_gone, make_job
from .faults import FaultRepository


@pytest.fixture(scope="module")
def base():
    return PluginRegistry.default().open_source("synthetic:30x252")


@pytest.fixture
def hanging(base):
    """The base source, with its 4th symbol stuck in a nogil Numba loop."""
    return FaultRepository(base, {base.symbols()[3]: "hang_numba"})


@pytest.mark.asyncio
async def test_the_event_loop_keeps_ticking_through_a_hang(hanging, service) -> None:
    # Deterministic, not timed: this coroutine must get to run while the hung symbol is
    # the only one left. Were the loop blocked on the hung task, it would run again only
    # once the batch is over (after the 60 s deadline), and the assertion would fail.
    done = 0

    def progress(completed: int, total: int) -> None:
        nonlocal done
        done = completed

    total = len(hanging.symbols())
    # One symbol per chunk, so every other symbol's result arrives while the hang runs.
    engine = ProcessingEngine(hanging, service, max_workers=2, timeout=60, chunk_size=1)
    async with engine:
        task = asyncio.create_task(engine.process_batch(make_job(hanging.symbols()), progress))
        while not task.done() and done < total - 1:
            await asyncio.sleep(0.01)
        assert not task.done() and done == total - 1, "the loop did not run during the hang"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


@pytest.mark.asyncio
async def test_cancelling_the_batch_kills_its_workers(hanging, service) -> None:
    engine = ProcessingEngine(hanging, service, max_workers=2, timeout=60)
    async with engine:
        pids = engine.worker_pids()
        task = asyncio.create_task(engine.process_batch(make_job(hanging.symbols())))
        await asyncio.sleep(1.0)  # the hung symbol is running now
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert engine._executor is None  # the pool was killed, not left running
        assert_gone(pids)
        # The next batch starts a fresh pool.
        results = await engine.process_batch(make_job(hanging.symbols()[:3]))
        assert all(r.ok for r in results)
        pids = engine.worker_pids()
    assert_gone(pids)


@pytest.mark.asyncio
async def test_exit_after_an_error_leaves_no_worker(hanging, service) -> None:
    engine = ProcessingEngine(hanging, service, max_workers=2, timeout=60)
    with pytest.raises(TimeoutError), engine:
        pids = engine.worker_pids()
        await asyncio.wait_for(engine.process_batch(make_job(hanging.symbols())), 1.0)
    assert engine._executor is None
    assert_gone(pids)


@pytest.mark.asyncio
async def test_stream_batch_yields_every_result_once(base, service) -> None:
    engine = ProcessingEngine(base, service, max_workers=2)
    progress: list[int] = []
    async with engine:
        streamed = [
            r.symbol
            async for r in engine.stream_batch(
                make_job(base.symbols()), lambda done, total: progress.append(done)
            )
        ]
        # Leaving early and closing the stream stops the batch; the engine goes on.
        async with contextlib.aclosing(engine.stream_batch(make_job(base.symbols()))) as stream:
            async for _ in stream:
                break
        results = await engine.process_batch(make_job(base.symbols()[:2]))
        pids = engine.worker_pids()
    assert sorted(streamed) == sorted(base.symbols())
    assert progress == list(range(1, len(base.symbols()) + 1))
    assert all(r.ok for r in results)
    assert_gone(pids)


@pytest.mark.asyncio
async def test_formula_errors_raise_once_before_any_worker_starts(base, service) -> None:
    from candlescan import FormulaError

    engine = ProcessingEngine(base, service, max_workers=2)
    with pytest.raises(FormulaError):
        await engine.process_batch(make_job(base.symbols(), formula="rsi(close, 14) <"))
    assert engine._executor is None


@pytest.mark.asyncio
async def test_one_batch_at_a_time(base, service) -> None:
    engine = ProcessingEngine(base, service, max_workers=1, backend="thread")
    with engine:
        first = asyncio.create_task(engine.process_batch(make_job(base.symbols())))
        await asyncio.sleep(0)
        with pytest.raises(RuntimeError, match="already running a batch"):
            await engine.process_batch(make_job(base.symbols()))
        assert len(await first) == len(base.symbols())
