"""A fake execution backend: no processes, no threads, no real time.

:class:`FakeBackend` runs each chunk at submit time, symbol by symbol, following a
script of what each symbol does:

``ok``      a result that depends only on the symbol (:func:`expected_outcome`)
``raise``   the symbol's own error, ``ValueError: boom SYMBOL``
``hang``    the chunk stops there; its future never completes until the pool is retired
``crash``   the chunk's worker dies (exit code 3): the pool breaks, every pending future
            fails with ``BrokenExecutor`` and further submits raise it until a restart

Each chunk runs on its own fake worker (pid), writes the fake beacon before each symbol
with :class:`FakeTime`'s clock, and retiring reports exit codes the way
``ProcessPoolExecutor`` does (SIGKILL ``-9`` when killed by the supervisor, SIGTERM
``-15`` for the innocent workers of a broken pool, the crash's own code otherwise).
:class:`FakeTime` advances its clock only when the supervisor waits with nothing able to
complete, so a "hang" costs no real time.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np

from candlescan.entities import Evaluation
from candlescan.execution.backends.base import Backend
from candlescan.execution.wire import ResultsBuilder
from candlescan.execution.worker import Chunk

CRASH_EXIT = 3
_DAY = np.int64(86_400 * 10**9)


def expected_outcome(symbol: str) -> Evaluation:
    """The result an ``ok`` symbol must get (a pure function of its name)."""
    seed = sum(map(ord, symbol))
    stamps = np.arange(seed % 4, dtype=np.int64) * _DAY + seed * _DAY
    return Evaluation(
        stamps.view("datetime64[ns]"),
        {"x": float(seed), "y": float(len(symbol))},
        np.datetime64(int(seed * _DAY + 3 * _DAY), "ns"),
        seed % 7 + 3,
    )


def boom(symbol: str) -> str:
    return f"ValueError: boom {symbol}"


class FakeTime:
    """A clock that moves only when :meth:`wait` finds nothing that can complete."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits = 0

    def clock(self) -> float:
        return self.now

    async def wait(self, futures: Collection[asyncio.Future[Any]], timeout: float | None) -> None:
        self.waits += 1
        if self.waits > 10_000:
            raise AssertionError("the supervisor keeps waiting without progress")
        for _ in range(3):  # let completed concurrent futures reach their asyncio wrappers
            if any(f.done() for f in futures):
                return
            await asyncio.sleep(0)
        if timeout is None:
            raise AssertionError("the supervisor waits forever on tasks that never complete")
        self.now += timeout + 1e-6


class FakeBeacon:
    def __init__(self, time: FakeTime) -> None:
        self._time = time
        self._slots: dict[int, tuple[int, int, float, int]] = {}

    def mark(self, slot: int, token: int, index: int, pid: int = 0) -> None:
        self._slots[slot] = (token, index, self._time.now, pid)

    def read(self, slot: int, token: int) -> tuple[int, float, int] | None:
        entry = self._slots.get(slot)
        if entry is None or entry[0] != token:
            return None
        return entry[1], entry[2], entry[3]


class _Executor(cf.Executor):
    """Only an identity: the fake backend runs chunks itself."""


class FakeBackend(Backend):
    """A process backend's contract without processes (see the module docstring)."""

    name = "fake"
    can_kill = True

    def __init__(self, max_workers: int, script: Mapping[str, str], time: FakeTime) -> None:
        super().__init__(max_workers)
        self.script = script
        self.time = time
        self._beacon = FakeBeacon(time)
        self._executor: _Executor | None = None
        self._broken = False
        self._pending: dict[cf.Future[Any], int] = {}
        self._codes: dict[int, int | None] = {}  # fake workers of this pool: pid -> own exit
        self._next_pid = 100
        self.runs: list[tuple[str, ...]] = []  # every chunk submitted, in order

    @property
    def executor(self) -> _Executor | None:
        return self._executor

    @property
    def beacon(self) -> FakeBeacon:
        return self._beacon

    @property
    def loses_inflight_on_retire(self) -> bool:
        return True

    def start(self) -> None:
        self._executor = _Executor()
        self._broken = False
        self._codes = {}

    def submit(self, chunk: Chunk) -> cf.Future[Any]:
        if self._executor is None or self._broken:
            raise cf.BrokenExecutor("the fake pool is broken")
        self.runs.append(chunk.symbols)
        self._next_pid += 1
        pid = self._next_pid
        self._codes[pid] = None
        future: cf.Future[Any] = cf.Future()
        future.set_running_or_notify_cancel()
        out = ResultsBuilder()
        for index, symbol in enumerate(chunk.symbols):
            self._beacon.mark(chunk.slot, chunk.token, index, pid)
            kind = self.script.get(symbol, "ok")
            if kind == "hang":
                self._pending[future] = pid
                return future
            if kind == "crash":
                self._pending[future] = pid
                self._codes[pid] = CRASH_EXIT
                self._break()
                return future
            if kind == "raise":
                out.fail(symbol, boom(symbol), 0.5)
                continue
            ev = expected_outcome(symbol)
            out.add(symbol, ev.matches, ev.computed_indicators, 0.5, ev.last_bar, ev.bars)
        future.set_result(out.build())
        return future

    def _break(self) -> None:
        self._broken = True
        for future in self._pending:
            if not future.done():
                future.set_exception(cf.BrokenExecutor("a process terminated abruptly"))
        self._pending.clear()

    def retire(self, kill: bool) -> dict[int, int | None]:
        self._executor = None
        for future in self._pending:
            if not future.done():
                future.set_exception(cf.BrokenExecutor("the pool was shut down"))
        self._pending.clear()
        stopped = -9 if kill else -15
        codes = {pid: stopped if code is None else code for pid, code in self._codes.items()}
        self._codes = {}
        return codes

    def shutdown(self, kill: bool = False) -> None:
        self.retire(kill)
