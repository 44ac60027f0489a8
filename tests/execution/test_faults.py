"""Fault injection: each misbehaving symbol costs exactly itself.

One job over 120 synthetic symbols; the fault source makes six of them hang in a nogil
Numba loop, hang in ``time.sleep``, call ``os._exit(3)``, segfault, raise, return
garbage, and the fault formula service makes a seventh return an unpicklable result.
"""

from __future__ import annotations

import pytest

from candlescan import PluginRegistry
from candlescan.execution.engine import ProcessingEngine

from .conftest import assert_gone, make_job, reference, same_outcome
from .faults import BrokenInWorker, FaultRepository, FaultService

TIMEOUT = 1.5

# symbol index -> (fault, expected error)
_FAULTS = {
    7: ("hang_numba", "Processing timeout"),
    31: ("hang_sleep", "Processing timeout"),
    55: ("exit", "WorkerCrashedError: worker process died while processing '{s}' (exit code 3)"),
    73: (
        "segfault",
        "WorkerCrashedError: worker process died while processing '{s}' (exit code -11)",
    ),
    90: ("raise", "SymbolNotFoundError: unknown symbol '{s}' in fault-source"),
    104: ("garbage", "DataSourceError: fault-source returned lock, not Candles"),
}
_UNPICKLABLE = 112


@pytest.mark.asyncio
@pytest.mark.timeout(180)  # a hang guard, not a speed test (speed: bench_engine.py --faults)
async def test_each_fault_costs_exactly_its_symbol(service) -> None:
    base = PluginRegistry.default().open_source("synthetic:120x252")
    symbols = base.symbols()
    repo = FaultRepository(base, {symbols[i]: fault for i, (fault, _) in _FAULTS.items()})
    bad_result = symbols[_UNPICKLABLE]
    engine = ProcessingEngine(
        repo, FaultService(service, frozenset({bad_result})), max_workers=2, timeout=TIMEOUT
    )
    job = make_job(symbols)
    expected = reference(base, service, job)
    seen_pids: set[int] = set()

    def progress(completed: int, total: int) -> None:
        seen_pids.update(engine.worker_pids())

    with engine:
        results = await engine.process_batch(job, progress)
        stats = engine.last_batch
        # The engine is still usable after all that.
        again = await engine.process_batch(make_job(symbols[8:18]))
        seen_pids.update(engine.worker_pids())

    # Exactly one result per symbol, none lost, none duplicated.
    assert sorted(r.symbol for r in results) == sorted(symbols)
    errors = {r.symbol: r.error for r in results if r.error is not None}
    want = {symbols[i]: text.format(s=symbols[i]) for i, (_, text) in _FAULTS.items()}
    assert {s: e for s, e in errors.items() if s != bad_result} == want
    assert errors[bad_result].startswith("TypeError: result is not picklable: ")
    assert "cannot pickle '_Unpicklable' object" in errors[bad_result]
    for result in results:
        if result.error is None:
            assert same_outcome(result, expected[result.symbol]), result.symbol
    assert stats.timeouts == 2 and stats.crashes == 2
    assert all(r.ok for r in again) and len(again) == 10
    assert_gone(seen_pids)


@pytest.mark.asyncio
async def test_a_symbol_that_is_slow_but_within_its_deadline_is_not_killed(service) -> None:
    # Four symbols of ~0.4 s each run one after another in ONE chunk, 1.6 s in all, with a
    # 1 s timeout: deadlines count from each symbol's own start, not the chunk's.
    base = PluginRegistry.default().open_source("synthetic:4x252")
    symbols = base.symbols()
    repo = FaultRepository(base, dict.fromkeys(symbols, "sleep:0.4"))
    engine = ProcessingEngine(repo, service, max_workers=1, timeout=1.0, chunk_size=4)
    with engine:
        results = await engine.process_batch(make_job(symbols))
    assert all(r.ok for r in results), [r.error for r in results]
    assert engine.last_batch.restarts == 0


@pytest.mark.asyncio
async def test_every_symbol_of_a_crashing_source_is_named(service) -> None:
    # Every symbol kills its worker: each is a suspect, runs alone, and is named.
    base = PluginRegistry.default().open_source("synthetic:3x252")
    symbols = base.symbols()
    repo = FaultRepository(base, dict.fromkeys(symbols, "exit"))
    engine = ProcessingEngine(repo, service, max_workers=2, timeout=5)
    with engine:
        results = await engine.process_batch(make_job(symbols))
    assert sorted(r.symbol for r in results) == sorted(symbols)
    assert all("(exit code 3)" in (r.error or "") for r in results)


@pytest.mark.asyncio
async def test_a_pool_that_dies_at_start_gives_up_after_max_restarts(service) -> None:
    engine = ProcessingEngine(BrokenInWorker("die"), service, max_workers=2, max_restarts=1)
    with engine:
        results = await engine.process_batch(make_job(["A", "B", "C"]))
    assert sorted(r.symbol for r in results) == ["A", "B", "C"]
    assert all(
        (r.error or "").startswith("BrokenProcessPool: the worker pool failed 2 times in a row")
        for r in results
    ), results[0].error
    assert engine.last_batch.idle_restarts == 2


@pytest.mark.asyncio
async def test_a_source_that_cannot_open_in_workers_fails_each_symbol(service) -> None:
    engine = ProcessingEngine(BrokenInWorker("raise"), service, max_workers=2)
    with engine:
        results = await engine.process_batch(make_job(["A", "B", "C"]))
    assert {r.error for r in results} == {
        "DataSourceError: cannot open the data source in a worker: "
        "RuntimeError: no connection to the database"
    }
    assert engine.last_batch.restarts == 0


@pytest.mark.asyncio
async def test_a_slow_first_symbol_holds_the_others_back_only_briefly(service, monkeypatch) -> None:
    # The first symbol of a new formula runs alone (it warms the kernels) for at most
    # min(timeout, 5 s); here the gate is shortened to 0.3 s and the first symbol takes 2 s.
    import candlescan.execution.supervisor

    monkeypatch.setattr(candlescan.execution.supervisor, "_WARM_GATE_S", 0.3)
    base = PluginRegistry.default().open_source("synthetic:8x252")
    symbols = base.symbols()
    repo = FaultRepository(base, {symbols[0]: "sleep:2"})
    order: list[str] = []
    with ProcessingEngine(repo, service, max_workers=2, timeout=30) as engine:
        async for result in engine.stream_batch(make_job(symbols)):
            order.append(result.symbol)
            assert result.ok
    assert sorted(order) == sorted(symbols)
    assert order[-1] == symbols[0]  # everything else finished while it slept


_EXPECTED_TEXT = {
    "exit": "(exit code 3)",
    "segfault": "(exit code -11)",
    "raise": "SymbolNotFoundError: ",
    "hang_sleep": "Processing timeout",
    "hang_numba": "Processing timeout",
    "garbage": "DataSourceError: ",
}


@pytest.mark.asyncio
@pytest.mark.parametrize("seed", [13, 16])
async def test_random_mixes_of_faults_chunk_sizes_and_worker_counts(service, seed) -> None:
    """Ten random faults among 60 symbols, a random chunk size and worker count."""
    import random

    rnd = random.Random(seed)
    base = PluginRegistry.default().open_source("synthetic:60x252")
    symbols = base.symbols()
    faults = {s: rnd.choice(sorted(_EXPECTED_TEXT)) for s in rnd.sample(symbols, 10)}
    engine = ProcessingEngine(
        FaultRepository(base, faults),
        service,
        rnd.choice([1, 2, 3]),
        timeout=1.0,
        chunk_size=rnd.choice([None, 1, 3, 7, 60]),
    )
    job = make_job(symbols)
    expected = reference(base, service, job)
    with engine:
        results = await engine.process_batch(job)
        pids = engine.worker_pids()
    assert sorted(r.symbol for r in results) == sorted(symbols)
    assert {r.symbol for r in results if r.error} == set(faults)
    for r in results:
        if r.error:
            assert _EXPECTED_TEXT[faults[r.symbol]] in r.error, (r.symbol, r.error)
        else:
            assert same_outcome(r, expected[r.symbol]), r.symbol
    assert_gone(pids)
