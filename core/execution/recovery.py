"""What the supervisor decides after a timeout or a crash, as small pure functions.

When a deadline passes or the pool breaks, the supervisor snapshots where each task in
flight stood (the beacon), restarts the pool where it must, and then asks
:func:`classify` about each task. The answer, a :class:`Verdict`, says what the task's
symbols are:

* **timeout**: the symbol ran past its deadline; it gets ``"Processing timeout"``, the
  rest of its chunk runs again;
* **culprit**: the symbol was running *alone* when its worker died; it gets
  :class:`~candlescan.WorkerCrashedError` with the exit code;
* **suspect**: the symbol was running when its worker died among others; it runs again
  alone (the rest of its chunk runs again normally);
* **innocent**: the task had not started, or its worker was stopped by us or by the
  executor; its symbols run again;
* **split**: the task ran late on a backend without a beacon (which symbol is unknown);
  each symbol runs again on its own;
* **keep**: the task is unaffected and keeps running.

Nothing here touches an executor or a clock, so the rules are tested directly and by a
state machine over a fake backend (``tests/engine/test_supervisor_model.py``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from candlescan.entities import ProcessingResult
from candlescan.errors import WorkerCrashedError
from candlescan.execution.wire import describe_error

__all__ = [
    "TIMEOUT_ERROR",
    "Incident",
    "Kind",
    "Requeue",
    "Task",
    "Verdict",
    "classify",
    "order_requeue",
    "verdict_result",
]

#: The exact error text of a symbol that ran past its deadline (the spec's tests use it).
TIMEOUT_ERROR = "Processing timeout"
#: How the executor stops the innocent workers of a broken pool.
SIGTERM_EXIT = -15

#: Symbols to run again, and whether they must run alone.
Requeue = tuple[tuple[str, ...], bool]
#: Where a running task stood: ``(index of its current symbol, start time, worker pid)``.
State = tuple[int, float, int]


@dataclass(slots=True)
class Task:
    """One chunk in flight."""

    token: int
    slot: int
    symbols: tuple[str, ...]
    solo: bool
    submitted: float
    warm: bool = False  # the first symbol of a new formula, alone only for a while


class Kind(enum.Enum):
    """What a task's symbols turned out to be (see the module docstring)."""

    KEEP = "keep"
    TIMEOUT = "timeout"
    CULPRIT = "culprit"
    SUSPECT = "suspect"
    INNOCENT = "innocent"
    SPLIT = "split"


@dataclass(frozen=True, slots=True)
class Incident:
    """What went wrong.

    :ivar expired: token of each late task -> index of its late symbol (``None`` when
        the backend has no beacon and cannot say).
    :ivar crashed: the pool broke (a worker died) or never started work.
    :ivar lose_all: every task in flight was lost (the pool was replaced).
    :ivar codes: exit code of each retired worker, by pid.
    """

    expired: Mapping[int, int | None] = field(default_factory=dict)
    crashed: bool = False
    lose_all: bool = False
    codes: Mapping[int, int | None] = field(default_factory=dict)

    @property
    def died(self) -> frozenset[int]:
        """Workers that died on their own (not stopped by the executor or by us)."""
        return frozenset(
            pid for pid, code in self.codes.items() if code not in (None, SIGTERM_EXIT)
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision about one task: its kind, the symbol it names, what runs again."""

    kind: Kind
    symbol: str | None = None
    requeue: tuple[Requeue, ...] = ()
    started: float = 0.0
    code: int | None = None
    #: The incident taught us something (named a symbol), so the restart was not idle.
    progressed: bool = False


def classify(task: Task, state: State | None, incident: Incident) -> Verdict:
    """Decide what ``task`` (which stood at ``state`` when things went wrong) is."""
    if task.token in incident.expired:
        return _late(task, state, incident.expired[task.token])
    if not incident.lose_all:
        return Verdict(Kind.KEEP)
    if state is None or not incident.crashed:  # never started, or stopped by us
        return Verdict(Kind.INNOCENT, requeue=((task.symbols, task.solo),))
    index, started, pid = state
    symbol = task.symbols[index]
    if task.solo:
        code = incident.codes.get(pid)
        return Verdict(Kind.CULPRIT, symbol, started=started, code=code, progressed=True)
    rest = _others(task.symbols, index)
    died = incident.died
    if not died or pid in died:  # its own worker died (or nobody can tell): run it alone
        return Verdict(Kind.SUSPECT, symbol, (*rest, ((symbol,), True)), started, progressed=True)
    # Its worker was stopped because another one died: it is innocent.
    return Verdict(Kind.INNOCENT, symbol, (*rest, ((symbol,), False)), started, progressed=True)


def _late(task: Task, state: State | None, index: int | None) -> Verdict:
    if index is None:  # no beacon: retry the chunk's symbols one by one
        return Verdict(Kind.SPLIT, requeue=tuple(((s,), False) for s in task.symbols))
    started = state[1] if state is not None else task.submitted
    symbol = task.symbols[index]
    rest = _others(task.symbols, index)
    return Verdict(Kind.TIMEOUT, symbol, rest, started, progressed=True)


def _others(symbols: tuple[str, ...], index: int) -> tuple[Requeue, ...]:
    rest = symbols[:index] + symbols[index + 1 :]
    return ((rest, False),) if rest else ()


def verdict_result(verdict: Verdict, now: float) -> ProcessingResult | None:
    """The final result a verdict gives its symbol (``None``: the symbol runs again)."""
    if verdict.kind is Kind.TIMEOUT and verdict.symbol is not None:
        return ProcessingResult.failed(verdict.symbol, TIMEOUT_ERROR, (now - verdict.started) * 1e3)
    if verdict.kind is Kind.CULPRIT and verdict.symbol is not None:
        error = describe_error(WorkerCrashedError(verdict.symbol, verdict.code))
        return ProcessingResult.failed(verdict.symbol, error)
    return None


def order_requeue(items: Iterable[Requeue]) -> list[Requeue]:
    """Suspects first (each runs alone), then everything else, each group in order."""
    items = list(items)
    return [item for item in items if item[1]] + [item for item in items if not item[1]]
