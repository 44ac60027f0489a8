"""Every backend gives the same results and, where it can, the same error semantics."""

from __future__ import annotations

import pytest

from candlescan import InvalidJobError, PluginRegistry
from candlescan.backends import ProcessBackend, SerialBackend, ThreadBackend, make_backend
from candlescan.execution.engine import ProcessingEngine

from .conftest import make_job, reference, same_outcome
from .faults import FaultRepository


@pytest.fixture(scope="module")
def base():
    return PluginRegistry.default().open_source("synthetic:24x252")


@pytest.fixture(scope="module")
def faulty(base):
    symbols = base.symbols()
    return FaultRepository(base, {symbols[2]: "raise", symbols[5]: "garbage"})


def _check(results, faulty, service, job) -> None:
    expected = reference(faulty.base, service, job)
    symbols = job.symbols
    assert sorted(r.symbol for r in results) == sorted(symbols)
    errors = {r.symbol: r.error for r in results if r.error}
    assert errors == {
        symbols[2]: f"SymbolNotFoundError: unknown symbol '{symbols[2]}' in fault-source",
        symbols[5]: "DataSourceError: fault-source returned lock, not Candles",
    }
    assert all(same_outcome(r, expected[r.symbol]) for r in results if r.ok)


@pytest.mark.asyncio
@pytest.mark.parametrize("backend", ["process", "thread", "serial"])
async def test_local_backends_agree(backend, faulty, service) -> None:
    job = make_job(faulty.symbols())
    with ProcessingEngine(faulty, service, max_workers=2, backend=backend) as engine:
        results = await engine.process_batch(job)
    _check(results, faulty, service, job)


@pytest.mark.asyncio
async def test_dask_backend_agrees(faulty, service) -> None:
    pytest.importorskip("distributed", reason="the dask backend is an optional extra")
    job = make_job(faulty.symbols())
    engine = ProcessingEngine(faulty, service, max_workers=2, backend="dask")
    async with engine:
        results = await engine.process_batch(job)
        assert engine.backend.inflight_limit == 2
    assert engine._executor is None
    _check(results, faulty, service, job)


@pytest.mark.asyncio
async def test_thread_backend_records_a_timeout_and_goes_on(base, service) -> None:
    symbols = base.symbols()
    slow = FaultRepository(base, {symbols[1]: "sleep:2.5"})  # finite: the thread can end
    job = make_job(symbols)
    with ProcessingEngine(slow, service, max_workers=2, backend="thread", timeout=1.0) as engine:
        results = await engine.process_batch(job)
    errors = {r.symbol: r.error for r in results if r.error}
    assert errors == {symbols[1]: "Processing timeout"}
    assert len(results) == len(symbols)


@pytest.mark.asyncio
async def test_serial_backend_never_times_out(base, service) -> None:
    symbols = base.symbols()[:2]
    slow = FaultRepository(base, {symbols[0]: "sleep:0.3"})
    with ProcessingEngine(slow, service, backend="serial", timeout=0.1) as engine:
        results = await engine.process_batch(make_job(symbols))
    assert all(r.ok for r in results)


def test_backend_names_and_instances() -> None:
    assert isinstance(make_backend("thread", 2), ThreadBackend)
    assert isinstance(make_backend("serial", 2), SerialBackend)
    custom = ThreadBackend(3)
    assert make_backend(custom, 2) is custom
    with pytest.raises(InvalidJobError, match="unknown backend 'gpu'"):
        make_backend("gpu", 2)
    with pytest.raises(InvalidJobError, match="'fork' start method is not supported"):
        ProcessBackend(2, "fork")
    with pytest.raises(InvalidJobError, match="max_workers"):
        ThreadBackend(0)
