"""Memory stays flat over many batches on one engine (parent and workers).

The quick variant (10 batches of 500 symbols) runs by default; the 50-batch variant
over 2,500 symbols is marked ``slow`` (``pytest -m slow tests/execution``).
"""

from __future__ import annotations

import asyncio
import contextlib

import psutil
import pytest

from candlescan import PluginRegistry
from candlescan.execution.engine import ProcessingEngine

from .conftest import make_job

_MB = 1024 * 1024


def _rss(pids) -> dict[int, float]:
    out = {}
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            out[pid] = psutil.Process(pid).memory_info().rss / _MB
    return out


def _measure(service, n_symbols: int, batches: int) -> tuple[list[float], list[float]]:
    """Parent RSS and the largest worker RSS after each batch (MB)."""
    repo = PluginRegistry.default().open_source(f"synthetic:{n_symbols}x252")
    job = make_job(repo.symbols())
    parent, worker = [], []
    me = psutil.Process()
    with ProcessingEngine(repo, service, max_workers=2) as engine:
        pids = engine.worker_pids()

        async def run_all() -> None:
            for _ in range(batches):
                results = await engine.process_batch(job)
                assert len(results) == n_symbols and all(r.ok for r in results)
                assert engine.worker_pids() == pids  # same workers: nothing restarted
                parent.append(me.memory_info().rss / _MB)
                worker.append(max(_rss(pids).values()))

        asyncio.run(run_all())
    return parent, worker


def _assert_flat(series: list[float], what: str, tolerance_mb: float) -> None:
    warm = series[2:]  # the first batches load code and fill caches
    growth = max(warm) - warm[0]
    print(f"{what}: first {series[0]:.1f} MB, warm {warm[0]:.1f} MB, last {series[-1]:.1f} MB")
    assert growth < tolerance_mb, f"{what} grew {growth:.1f} MB: {[round(x, 1) for x in series]}"


def test_memory_is_flat_over_10_batches(service) -> None:
    parent, worker = _measure(service, 500, 10)
    _assert_flat(parent, "parent", 8.0)
    _assert_flat(worker, "worker", 8.0)


@pytest.mark.slow
def test_memory_is_flat_over_50_batches_of_2500_symbols(service) -> None:
    parent, worker = _measure(service, 2500, 50)
    _assert_flat(parent, "parent", 8.0)
    _assert_flat(worker, "worker", 8.0)
