"""The Dask backend's worker side and its beacon (no Dask import at module level).

* :func:`run_chunk_task` is what a Dask worker runs: the chunk runner of
  :mod:`candlescan.execution.worker`, reporting each symbol's start through
  ``Worker.log_event`` (a batched, fire-and-forget message to the scheduler, which
  forwards it to the engine's client), and registering itself in :data:`RUNNING` so the
  engine can see tasks it abandoned still occupying a worker thread.
* :class:`DaskBeacon` is the engine-side view: ``(index, started, pid)`` per chunk, with
  ``started`` taken on the engine's clock when the event arrives.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import Any

from candlescan.data.repository import ICandleRepository
from candlescan.execution import worker as _worker
from candlescan.execution.worker import Chunk

__all__ = [
    "RUNNING",
    "DaskBeacon",
    "WorkerBeacon",
    "exit_worker",
    "run_chunk_task",
    "running_keys",
]

#: Keys of the candlescan tasks running in this (Dask worker) process, with their tag.
RUNNING: dict[str, str] = {}
_LOCK = threading.Lock()
_FLUSH_S = 0.05


@dataclass(frozen=True, slots=True)
class WorkerBeacon:
    """The beacon a chunk carries to a Dask worker: marks become scheduler events."""

    topic: str
    nonce: int  # tells this submission's marks from a late one of an abandoned task
    careful: bool = False  # a chunk that was on a worker that died: let each mark leave

    def mark(self, slot: int, token: int, index: int) -> None:
        from distributed import get_worker

        worker = get_worker()
        worker.log_event(self.topic, (self.nonce, token, index, os.getpid(), worker.address))
        if self.careful:
            # Events leave in batches every few ms; a symbol that kills the process right
            # away would take its mark with it and could not be named.
            time.sleep(_FLUSH_S)

    def read(self, slot: int, token: int) -> tuple[int, float, int] | None:
        return None  # only the engine reads


def run_chunk_task(repo: ICandleRepository, chunk: Chunk, beacon: WorkerBeacon, tag: str) -> bytes:
    """The task a Dask worker runs for one chunk (``tag`` names the engine that sent it)."""
    from distributed import get_worker

    key = str(get_worker().get_current_task())
    with _LOCK:
        RUNNING[key] = tag
    try:
        payload = _worker.run_chunk(repo, chunk, beacon, serialize=True)
    finally:
        with _LOCK:
            RUNNING.pop(key, None)
    assert isinstance(payload, bytes)
    return payload


def exit_worker() -> None:
    """Run on a worker's event loop by ``Client.run``: end the process now.

    The only way to stop a task stuck in machine code; its nanny starts a new worker.
    """
    os._exit(1)


def running_keys(tag: str) -> list[str]:
    """Keys of the tasks of engine ``tag`` running in this worker (``client.run``)."""
    with _LOCK:
        return [key for key, owner in RUNNING.items() if owner == tag]


class DaskBeacon:
    """Where chunks running on Dask workers said they are (fed by scheduler events)."""

    def __init__(self) -> None:
        self._marks: dict[int, tuple[int, float, int]] = {}
        self._where: dict[int, str] = {}
        self._expect: dict[int, int] = {}

    def expect(self, token: int, nonce: int) -> None:
        """Chunk ``token`` was (re)submitted as ``nonce``: forget what it said before."""
        self._expect[token] = nonce
        self._marks.pop(token, None)
        self._where.pop(token, None)

    def on_event(self, event: Any) -> None:
        """``Client.subscribe_topic`` handler; ``event[1]`` is what :meth:`WorkerBeacon.mark`
        sent: ``(nonce, token, index, pid, worker address)``."""
        try:
            nonce, token, index, pid, address = event[1]
        except (TypeError, ValueError, IndexError):
            return  # not one of ours
        if self._expect.get(int(token)) == nonce:
            self._marks[int(token)] = (int(index), time.monotonic(), int(pid))
            self._where[int(token)] = str(address)

    def mark(self, slot: int, token: int, index: int) -> None:
        self._marks[token] = (index, time.monotonic(), os.getpid())

    def read(self, slot: int, token: int) -> tuple[int, float, int] | None:
        return self._marks.get(token)

    def forget(self, token: int) -> None:
        self._marks.pop(token, None)
        self._where.pop(token, None)
        self._expect.pop(token, None)

    def workers(self, tokens: set[int]) -> set[str]:
        """Addresses of the workers that the chunks ``tokens`` last reported from."""
        return {where for token, where in list(self._where.items()) if token in tokens}
