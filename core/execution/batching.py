"""How a batch is cut into chunks and what is counted about it."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from candlescan.execution.recovery import Requeue

__all__ = ["BatchStats", "chunk_size_for", "initial_queue"]

_MAX_CHUNK = 100


def chunk_size_for(n_symbols: int, workers: int) -> int:
    """``clamp(ceil(n / (workers * 4)), 1, 100)``: ~4 chunks per worker, at most 100."""
    return max(1, min(_MAX_CHUNK, math.ceil(n_symbols / (workers * 4))))


@dataclass(slots=True)
class BatchStats:
    """What happened in one batch (``ProcessingEngine.last_batch``)."""

    symbols: int = 0
    chunks: int = 0
    timeouts: int = 0
    crashes: int = 0
    restarts: int = 0
    idle_restarts: int = 0
    quarantined: int = 0
    seconds: float = 0.0
    errors: int = 0
    pool_exit_codes: list[int | None] = field(default_factory=list)


def initial_queue(
    symbols: Sequence[str], size: int, warm_first: bool
) -> tuple[deque[Requeue], str | None]:
    """The batch's chunks of ``size`` symbols, and the symbol that warms a new formula.

    With ``warm_first``, the first symbol runs alone first, so one worker compiles or
    loads the formula's kernels (and writes Numba's cache) before the others look for them.
    """
    queue: deque[Requeue] = deque(
        (tuple(symbols[i : i + size]), False) for i in range(0, len(symbols), size)
    )
    if not warm_first or len(symbols) < 2:
        return queue, None
    head = queue.popleft()[0]
    if head[1:]:
        queue.appendleft((head[1:], False))
    queue.appendleft((head[:1], True))
    return queue, head[0]
