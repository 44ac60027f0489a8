"""The supervisor against a fake backend: no processes, no real time, milliseconds per batch.

A hypothesis state machine grows a universe of symbols that succeed, raise, hang or
crash their worker, runs batches with random chunk sizes, worker counts and timeouts,
heals faulty symbols between batches, and checks after every batch that each symbol got
exactly one result, that every crash names its own symbol (and only it), every hang is a
timeout, every raise its own error, and no innocent symbol lost its result. The recovery
rules are also pinned case by case. The same faults run on real processes in
``test_faults.py``.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from candlescan.entities import ProcessingResult
from candlescan.execution.recovery import (
    TIMEOUT_ERROR,
    Incident,
    Kind,
    Task,
    classify,
    order_requeue,
)
from candlescan.execution.supervisor import Supervisor
from candlescan.execution.worker import LoadOnlyPlan, WorkSpec

from .conftest import DATE_RANGE
from .fake_backend import CRASH_EXIT, FakeBackend, FakeTime, boom, expected_outcome

_SPEC = WorkSpec("model", LoadOnlyPlan(), "1d", DATE_RANGE)  # type: ignore[arg-type]
_KINDS = ("ok", "ok", "ok", "raise", "hang", "crash")


def run_batch(
    backend: FakeBackend,
    symbols: list[str],
    *,
    timeout: float = 1.0,
    chunk_size: int | None = None,
    warm_first: bool = False,
) -> tuple[list[ProcessingResult], Supervisor]:
    supervisor = Supervisor(
        backend,
        timeout=timeout,
        chunk_size=chunk_size,
        max_restarts=3,
        startup_timeout=30.0,
        warm_first=warm_first,
        clock=backend.time.clock,
        wait=backend.time.wait,
    )

    async def collect() -> list[ProcessingResult]:
        if not backend.started:
            backend.start()
        return [r async for r in supervisor.run(symbols, _SPEC)]

    return asyncio.run(collect()), supervisor


def check_batch(results: list[ProcessingResult], script: dict[str, str], symbols: list[str]):
    counts = Counter(r.symbol for r in results)
    assert counts == Counter(symbols), "exactly one result per symbol"
    for r in results:
        kind = script.get(r.symbol, "ok")
        if kind == "ok":
            assert r.error is None, (r.symbol, r.error)
            assert r.outcome == expected_outcome(r.symbol), r.symbol
        elif kind == "raise":
            assert r.error == boom(r.symbol)
        elif kind == "hang":
            assert r.error == TIMEOUT_ERROR, (r.symbol, r.error)
        else:
            assert r.error is not None and r.error.startswith("WorkerCrashedError"), r.error
            assert repr(r.symbol) in r.error and f"exit code {CRASH_EXIT}" in r.error


class SupervisorModel(RuleBasedStateMachine):
    """Batches over a changing universe; the invariants are checked after every batch."""

    @initialize(workers=st.integers(1, 4))
    def start(self, workers: int) -> None:
        self.time = FakeTime()
        self.script: dict[str, str] = {}
        self.backend = FakeBackend(workers, self.script, self.time)
        self.backend.configure(None)  # type: ignore[arg-type]
        self.batches = 0

    @rule(kind=st.sampled_from(_KINDS), count=st.integers(1, 4))
    def add_symbols(self, kind: str, count: int) -> None:
        for _ in range(count):
            self.script[f"S{len(self.script):03d}"] = kind

    @precondition(lambda self: any(k != "ok" for k in self.script.values()))
    @rule(data=st.data())
    def heal(self, data: st.DataObject) -> None:
        faulty = sorted(s for s, k in self.script.items() if k != "ok")
        self.script[data.draw(st.sampled_from(faulty))] = "ok"

    @precondition(lambda self: bool(self.script))
    @rule(
        chunk_size=st.one_of(st.none(), st.integers(1, 7)),
        timeout=st.sampled_from([0.05, 1.0, 60.0]),
        warm_first=st.booleans(),
        data=st.data(),
    )
    def batch(
        self, chunk_size: int | None, timeout: float, warm_first: bool, data: st.DataObject
    ) -> None:
        symbols = data.draw(st.permutations(sorted(self.script)))
        results, supervisor = run_batch(
            self.backend, symbols, timeout=timeout, chunk_size=chunk_size, warm_first=warm_first
        )
        check_batch(results, self.script, symbols)
        kinds = Counter(self.script[s] for s in symbols)
        assert supervisor.stats.crashes == kinds["crash"]
        assert supervisor.stats.timeouts == kinds["hang"]
        assert supervisor.stats.errors == len(symbols) - kinds["ok"]
        self.batches += 1

    @invariant()
    def pool_usable(self) -> None:
        # After any batch the backend is started and healthy for the next one.
        if getattr(self, "batches", 0):
            assert self.backend.started


SupervisorModel.TestCase.settings = settings(stateful_step_count=12, deadline=None)
test_supervisor_model = SupervisorModel.TestCase


# --- the rules, case by case ----------------------------------------------------------------


def _task(token: int = 1, symbols: tuple[str, ...] = ("A", "B", "C"), solo: bool = False) -> Task:
    return Task(token, 0, symbols, solo, submitted=5.0)


def test_a_late_symbol_times_out_and_the_rest_of_its_chunk_runs_again() -> None:
    verdict = classify(_task(), (1, 7.0, 42), Incident(expired={1: 1}, lose_all=True))
    assert (verdict.kind, verdict.symbol, verdict.started) == (Kind.TIMEOUT, "B", 7.0)
    assert verdict.requeue == ((("A", "C"), False),)


def test_without_a_beacon_a_late_chunk_is_split() -> None:
    verdict = classify(_task(), None, Incident(expired={1: None}))
    assert verdict.kind is Kind.SPLIT and not verdict.progressed
    assert verdict.requeue == ((("A",), False), (("B",), False), (("C",), False))


def test_the_symbol_of_a_dead_worker_is_a_suspect_and_runs_alone() -> None:
    incident = Incident(crashed=True, lose_all=True, codes={42: -11, 43: -15})
    verdict = classify(_task(), (2, 7.0, 42), incident)
    assert (verdict.kind, verdict.symbol) == (Kind.SUSPECT, "C")
    assert verdict.requeue == ((("A", "B"), False), (("C",), True))


def test_a_symbol_whose_worker_was_stopped_by_the_executor_is_innocent() -> None:
    incident = Incident(crashed=True, lose_all=True, codes={42: -11, 43: -15})
    verdict = classify(_task(), (0, 7.0, 43), incident)
    assert verdict.kind is Kind.INNOCENT
    assert verdict.requeue == ((("B", "C"), False), (("A",), False))


def test_a_suspect_that_crashes_alone_is_the_culprit() -> None:
    incident = Incident(crashed=True, lose_all=True, codes={42: -11})
    verdict = classify(_task(symbols=("C",), solo=True), (0, 7.0, 42), incident)
    assert (verdict.kind, verdict.symbol, verdict.code) == (Kind.CULPRIT, "C", -11)
    assert verdict.requeue == ()


@pytest.mark.parametrize("crashed", [True, False])
def test_a_task_that_never_started_is_innocent(crashed: bool) -> None:
    verdict = classify(_task(), None, Incident(crashed=crashed, lose_all=True))
    assert verdict.kind is Kind.INNOCENT and verdict.requeue == ((("A", "B", "C"), False),)


def test_a_task_on_a_backend_that_keeps_it_is_kept() -> None:
    assert classify(_task(), (0, 7.0, 1), Incident(expired={2: 0})).kind is Kind.KEEP


def test_suspects_are_requeued_first() -> None:
    items = [(("A", "B"), False), (("C",), True), (("D",), False), (("E",), True)]
    assert order_requeue(items) == [
        (("C",), True),
        (("E",), True),
        (("A", "B"), False),
        (("D",), False),
    ]


def test_a_crash_in_a_big_batch_names_only_the_culprit() -> None:
    time = FakeTime()
    script = {f"S{i:03d}": "ok" for i in range(60)} | {"S017": "crash", "S041": "hang"}
    backend = FakeBackend(2, script, time)
    backend.configure(None)  # type: ignore[arg-type]
    results, supervisor = run_batch(backend, sorted(script), chunk_size=8)
    check_batch(results, script, sorted(script))
    assert supervisor.stats.crashes == 1 and supervisor.stats.timeouts == 1
    assert ("S017",) in backend.runs  # the suspect ran alone before being named
