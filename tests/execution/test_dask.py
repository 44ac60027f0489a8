"""The dask backend on a real ``distributed.LocalCluster`` of two worker processes, with
the fault symbols of the process backend's tests (``faults.py``).

Every batch must return (a generous hang guard, no wall-clock assertion), only the guilty
symbols may carry an error, and the next batch on the same cluster must be clean.
"""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from candlescan import PluginRegistry, ProcessingEngine
from candlescan.backends import DaskBackend

from .conftest import make_job, reference, same_outcome
from .faults import FaultRepository

distributed = pytest.importorskip("distributed", reason="the dask backend is an optional extra")

TIMEOUT = 2.0
#: A hang guard only: the documented bound is about 2 x timeout + restarts (seconds each).
GUARD_S = 240


@pytest.fixture
def cluster():
    # One cluster per test: a test that crashes workers must not leave the next one a
    # cluster whose nannies are still busy restarting.
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster


@pytest.fixture
def client(cluster):
    with distributed.Client(cluster) as client:
        client.wait_for_workers(2, timeout=60)
        yield client


@pytest.fixture(scope="module")
def base():
    return PluginRegistry.default().open_source("synthetic:16x252")


def _run(engine: ProcessingEngine, symbols) -> list:
    return asyncio.run(asyncio.wait_for(engine.process_batch(make_job(symbols)), GUARD_S))


def _faulty(base, kinds: list[str]) -> tuple[FaultRepository, dict[str, str]]:
    symbols = base.symbols()
    faults = {symbols[3 * i + 1]: kind for i, kind in enumerate(kinds)}
    return FaultRepository(base, faults), faults


def _check_clean(results, repo, service, symbols) -> None:
    expected = reference(repo.base, service, make_job(symbols))
    assert sorted(r.symbol for r in results) == sorted(symbols)
    assert [r.symbol for r in results if not same_outcome(r, expected[r.symbol])] == []


def _assert_only_guilty(results, faults, repo, service, symbols) -> None:
    assert sorted(r.symbol for r in results) == sorted(symbols)  # one result each
    errors = {r.symbol: r.error for r in results if r.error}
    assert set(errors) == set(faults), errors
    innocent = [s for s in symbols if s not in faults]
    expected = reference(repo.base, service, make_job(innocent))
    by_symbol = {r.symbol: r for r in results}
    assert all(same_outcome(by_symbol[s], expected[s]) for s in innocent)
    for symbol, kind in faults.items():
        if kind.startswith("hang"):
            assert errors[symbol] == "Processing timeout"
        elif kind in ("exit", "segfault"):
            assert errors[symbol].startswith("WorkerCrashedError:"), errors[symbol]
        elif kind == "raise":
            assert errors[symbol].startswith("SymbolNotFoundError:"), errors[symbol]


@pytest.mark.parametrize(
    "kinds",
    [
        ["hang_numba", "raise"],
        ["exit"],
        pytest.param(["hang_sleep"], marks=pytest.mark.slow),
        pytest.param(["segfault"], marks=pytest.mark.slow),
    ],
    ids=["hang-numba+raise", "os-exit", "hang-python", "segfault"],
)
def test_only_the_guilty_symbol_is_blamed_and_the_next_batch_is_clean(
    client, base, service, kinds
) -> None:
    repo, faults = _faulty(base, kinds)
    symbols = base.symbols()
    backend = DaskBackend(client=client)
    with ProcessingEngine(repo, service, timeout=TIMEOUT, backend=backend) as engine:
        results = _run(engine, symbols)
        _assert_only_guilty(results, faults, repo, service, symbols)
        clean = [s for s in symbols if s not in faults]
        _check_clean(_run(engine, clean), repo, service, clean)
    assert client.status == "running"  # a client it was given is not closed


@pytest.mark.slow
def test_every_fault_at_once(client, base, service) -> None:
    repo, faults = _faulty(base, ["hang_numba", "hang_sleep", "exit", "segfault", "raise"])
    symbols = base.symbols()
    with ProcessingEngine(
        repo, service, timeout=TIMEOUT, backend=DaskBackend(client=client)
    ) as engine:
        results = _run(engine, symbols)
        _assert_only_guilty(results, faults, repo, service, symbols)


def test_a_cluster_restart_in_the_middle_of_a_batch_does_not_loop(client, base, service) -> None:
    # client.restart() drops every task and the scattered repository: the batch re-scatters
    # and finishes instead of resubmitting forever.
    repo = FaultRepository(base, dict.fromkeys(base.symbols(), "sleep:0.3"))
    symbols = base.symbols()

    async def scenario(engine: ProcessingEngine) -> list:
        batch = asyncio.create_task(engine.process_batch(make_job(symbols)))
        await asyncio.sleep(1.0)
        await asyncio.to_thread(client.restart)
        return await asyncio.wait_for(batch, GUARD_S)

    backend = DaskBackend(client=client)
    with ProcessingEngine(repo, service, timeout=30, backend=backend) as engine:
        results = asyncio.run(scenario(engine))
        _check_clean(results, repo, service, symbols)
        _check_clean(_run(engine, symbols), repo, service, symbols)


def test_a_busy_cluster_is_detected_and_reported(base, service, caplog) -> None:
    # Without nannies nothing can stop a late task: the next start sees its thread busy,
    # says so, and runs on the free thread only.
    repo, faults = _faulty(base, ["sleep:8"])
    symbols = base.symbols()[:6]
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        backend = DaskBackend(client=client)
        with ProcessingEngine(repo, service, timeout=1.0, backend=backend) as engine:
            results = _run(engine, symbols)
            assert {r.symbol: r.error for r in results if r.error} == {
                next(iter(faults)): "Processing timeout"
            }
            with caplog.at_level(logging.WARNING, logger="candlescan.dask"):
                engine.close()
                _check_clean(_run(engine, symbols[2:]), repo, service, symbols[2:])
            assert backend.busy_report is not None
            assert "1 task(s) abandoned after a timeout still run" in backend.busy_report
            assert backend.inflight_limit == 1
            assert "abandoned" in caplog.text
        time.sleep(0)  # the abandoned task ends by itself (finite sleep) before the close


def test_the_scheduler_address_comes_from_the_environment(
    cluster, base, service, monkeypatch
) -> None:
    monkeypatch.setenv("CANDLESCAN_DASK_SCHEDULER", cluster.scheduler_address)
    symbols = base.symbols()[:4]
    engine = ProcessingEngine(base, service, timeout=30, backend="dask")
    with engine:
        results = _run(engine, symbols)
        client = engine.backend.client
        assert client.scheduler.address == cluster.scheduler_address
    _check_clean(results, FaultRepository(base, {}), service, symbols)
    assert client.status == "closed"  # the engine closes the client it made ...
    with distributed.Client(cluster) as probe:  # ... and not the cluster
        assert len(probe.nthreads()) == 2


def test_the_command_line_uses_an_existing_scheduler(cluster) -> None:
    import subprocess
    import sys
    from pathlib import Path

    cli = Path(sys.executable).parent / "candlescan"
    scan = [str(cli), "scan", "close > 0", "--source", "synthetic:4x252", "--format", "csv"]
    done = subprocess.run(
        [*scan, "--all", "--quiet", "--backend", "dask", "--scheduler", cluster.scheduler_address],
        capture_output=True,
        text=True,
        timeout=GUARD_S,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert [row.split(",")[0] for row in done.stdout.splitlines()[1:]] == [
        f"SYM{i:04d}" for i in range(4)
    ]
    with distributed.Client(cluster) as probe:  # the command did not close the cluster
        assert len(probe.nthreads()) == 2
    wrong = subprocess.run(
        [*scan, "--scheduler", cluster.scheduler_address], capture_output=True, text=True
    )
    assert wrong.returncode == 2  # a usage error
    assert "--scheduler needs --backend dask" in wrong.stderr


def test_each_symbol_has_a_resubmission_budget_per_batch(base) -> None:
    from candlescan.entities import Timeframe
    from candlescan.execution.wire import decode_results
    from candlescan.execution.worker import Chunk, LoadOnlyPlan, WorkSpec

    from .conftest import DATE_RANGE

    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        backend = DaskBackend(client=client, resubmit_budget=1)
        backend.configure(base)
        backend.start()
        backend.prestart()
        spec = WorkSpec("j", LoadOnlyPlan(), Timeframe.D1, DATE_RANGE)
        symbols = base.symbols()[:2]
        outcomes = []
        chunks = [symbols[:1], symbols, symbols[:1]]  # the first, then two resubmissions
        for token, chunk in enumerate(chunks, start=1):
            future = backend.submit(Chunk(token, 0, chunk, spec))
            outcomes.append({r.symbol: r.error for r in decode_results(future.result(60))})
        assert outcomes[0] == {symbols[0]: None}
        assert outcomes[1] == {symbols[0]: None, symbols[1]: None}  # budget 1: one resubmission
        assert outcomes[2] == {symbols[0]: "ResubmitBudgetExceeded: submitted 3 times"}
        next_batch = WorkSpec("k", LoadOnlyPlan(), Timeframe.D1, DATE_RANGE)  # a fresh budget
        future = backend.submit(Chunk(4, 0, symbols[:1], next_batch))
        assert [r.error for r in decode_results(future.result(60))] == [None]
        backend.shutdown()
