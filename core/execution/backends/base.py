"""The interface every execution backend implements: :class:`Backend`.

The supervisor (:mod:`candlescan.execution.supervisor`) drives every backend the same way: ``start``
and ``prestart`` once, ``submit`` chunks, ``retire`` the executor after a timeout or a
crash (killing its workers where the backend can) and ``shutdown`` at the end. Blocking
methods (``prestart``, ``retire``, ``shutdown``) are called from a helper thread so the
event loop keeps running. The built-in backends are listed in :mod:`candlescan.backends`.
"""

from __future__ import annotations

import abc
import concurrent.futures as cf
from typing import Any, ClassVar

from candlescan.data.repository import ICandleRepository
from candlescan.errors import CandlescanError, InvalidJobError
from candlescan.execution.worker import Beacon, Chunk

__all__ = ["Backend", "WorkerStartError"]


class WorkerStartError(CandlescanError):
    """The backend's workers cannot start at all: a job-level error, raised once.

    Raised by ``ProcessingEngine.start()`` (and so by ``with engine:`` or the first batch)
    instead of failing every symbol with the same ``BrokenProcessPool``.
    """

    __module__ = "candlescan.backends"


class Backend(abc.ABC):
    """One way to run chunks. Subclass it to add a backend; pass an instance as ``backend=``.

    :param max_workers: parallel tasks (processes or threads).
    """

    #: Name used in ``ProcessingEngine(backend=...)`` and in the docs.
    name: ClassVar[str] = ""
    #: Killing a worker stops a running task (only processes can stop machine code).
    #: An instance may set it once it knows its workers (the dask backend does).
    can_kill: bool = False
    #: Per-symbol deadlines are enforced or at least recorded.
    can_timeout: ClassVar[bool] = True
    #: Results cross a process boundary, so they are pickled (an unpicklable one errors).
    pickles_results: ClassVar[bool] = False

    def __init__(self, max_workers: int) -> None:
        if not isinstance(max_workers, int) or isinstance(max_workers, bool) or max_workers < 1:
            raise InvalidJobError(f"max_workers must be a positive integer, got {max_workers!r}")
        self.max_workers = max_workers
        self._repo: ICandleRepository | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def configure(self, repo: ICandleRepository) -> None:
        """Remember the repository every worker opens (called once, before :meth:`start`)."""
        self._repo = repo

    @property
    @abc.abstractmethod
    def executor(self) -> cf.Executor | None:
        """The current executor, ``None`` when stopped."""

    @property
    def started(self) -> bool:
        """Whether :meth:`start` made an executor that is still in use."""
        return self.executor is not None

    @property
    def inflight_limit(self) -> int:
        """How many chunks may be submitted at once (queued ones wait in the executor)."""
        return 2 * self.max_workers

    @property
    def beacon(self) -> Beacon | None:
        """Where running chunks report their current symbol; ``None`` if not supported."""
        return None

    @abc.abstractmethod
    def start(self) -> None:
        """Create the executor. Cheap; called in the event-loop thread."""

    def prestart(self) -> None:  # noqa: B027 - optional hook; most backends need none
        """Start and warm the workers (blocking; called from a helper thread)."""

    @abc.abstractmethod
    def submit(self, chunk: Chunk) -> cf.Future[Any]:
        """Submit one chunk; the future's result is ``bytes`` or a list of results."""

    def retire(self, kill: bool) -> dict[int, int | None]:
        """Stop using the current executor (killing its workers if ``kill``); blocking.

        Returns the exit code of each worker process by pid (empty for thread backends).
        :meth:`start` must be called again afterwards.
        """
        self.shutdown(kill=kill)
        return {}

    @property
    def loses_inflight_on_retire(self) -> bool:
        """Whether retiring fails the futures in flight (they must be resubmitted)."""
        return False

    @abc.abstractmethod
    def shutdown(self, kill: bool = False) -> None:
        """Stop the executor; blocking. With ``kill``, do not wait for running tasks."""

    def abort(self) -> None:
        """Stop now without blocking (cancellation): kill what can be killed."""
        self.shutdown(kill=True)

    def worker_pids(self) -> tuple[int, ...]:
        """Pids of the worker processes (empty when the backend has none)."""
        return ()
