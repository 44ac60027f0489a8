"""Fixtures for the engine tests: a small synthetic universe, its reference results, and
helpers that assert no worker process outlives its engine."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import date

import psutil
import pytest

from candlescan import DateRange, PluginRegistry, ProcessingJob, ProcessingResult
from candlescan.formula import FormulaService

#: The last two months of the synthetic source's default year (2013-01-02 .. 2013-12-19).
DATE_RANGE = DateRange(date(2013, 11, 1), date(2013, 12, 31))
FORMULA = "rsi(close, 14) < 30 and close > sma(close, 200)"
#: Processes multiprocessing keeps per Python process, shared by all pools.
_HELPERS = ("multiprocessing.forkserver", "multiprocessing.resource_tracker")


@pytest.fixture(scope="session")
def registry() -> PluginRegistry:
    return PluginRegistry.default()


@pytest.fixture(scope="session")
def service(registry: PluginRegistry) -> FormulaService:
    return FormulaService(registry)


def make_job(
    symbols: Iterable[str], formula: str | None = FORMULA, job_id: str = "t"
) -> ProcessingJob:
    return ProcessingJob(job_id, tuple(symbols), "1d", DATE_RANGE, formula)


def reference(repo, service, job: ProcessingJob) -> dict[str, ProcessingResult]:
    """Each symbol's expected outcome, evaluated serially in this process (no engine)."""
    plan = service.compile(job.formula, job.parameters, timeframe=job.timeframe)
    expected = {}
    for symbol in job.symbols:
        candles = repo.get_candles(
            symbol, job.timeframe, job.date_range, warmup_bars=plan.warmup_bars
        )
        expected[symbol] = ProcessingResult.of(symbol, plan.evaluate(candles, job.date_range), 0.0)
    return expected


def same_outcome(got: ProcessingResult, want: ProcessingResult) -> bool:
    """Equal except for the timing, which differs run to run."""
    return (got.symbol, got.error) == (want.symbol, want.error) and got.outcome == want.outcome


def stray_children() -> list[psutil.Process]:
    """Descendants of this process other than multiprocessing's shared helpers."""
    me = psutil.Process()
    stray = []
    for child in me.children(recursive=True):
        try:
            cmdline = " ".join(child.cmdline())
            if child.status() == psutil.STATUS_ZOMBIE:
                continue
            direct = child.ppid() == me.pid
        except psutil.NoSuchProcess:
            continue
        # Workers are forked by the forkserver and share its command line: only direct
        # children can be the helpers themselves.
        if direct and any(helper in cmdline for helper in _HELPERS):
            continue
        stray.append(child)
    return stray


def assert_gone(pids: Iterable[int], timeout: float = 10.0) -> None:
    """Every pid in ``pids`` exits within ``timeout`` s, and no other worker is left."""
    procs = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            procs.append(psutil.Process(pid))
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    alive = [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"worker processes still alive: {alive}"
    assert not stray_children(), f"stray child processes: {stray_children()}"
