"""The ``dask`` backend: chunks as tasks on a Dask cluster, supervised like the process pool.

What makes it safe to operate (each point is tested in ``tests/engine/test_dask.py``):

* **A beacon.** Each chunk reports the symbol it starts through ``Worker.log_event``;
  the engine's client receives it, so deadlines count from the symbol's start and a
  crash names the symbol that was running, exactly as on the process backend.
* **Late symbols are stopped.** Dask cannot cancel a running task, so on a timeout the
  workers running this engine's tasks are restarted through their nannies
  (``Client.restart_workers``) and the other unfinished work is resubmitted. Without
  nannies (a threads-only cluster) the task is abandoned; the engine then sees its
  thread busy at the next start, reports it and uses only the free threads.
* **Crashes are the supervisor's.** A worker that dies (``os._exit``, segfault) is seen
  through the scheduler's ``remove-worker`` event; its chunks fail with
  ``BrokenExecutor`` at once (Dask would otherwise rerun them on another worker, which
  a crashing symbol would kill too) and the supervisor runs the suspect alone.
* **Nothing loops.** A task Dask cancels or loses (``client.restart()``, lost scattered
  data, ``KilledWorker``) fails its chunk; the repository is scattered again after every
  restart; each symbol may be submitted at most ``resubmit_budget + 1`` times per batch.
* **Only what it created is closed.** ``address=`` / ``CANDLESCAN_DASK_SCHEDULER``: the
  engine's client is closed, the cluster is not; ``client=``: nothing is closed.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import itertools
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import BrokenExecutor
from dataclasses import dataclass, field
from typing import Any

from candlescan.entities import ProcessingResult
from candlescan.errors import InvalidJobError
from candlescan.execution.backends import _dask_cluster as _cluster
from candlescan.execution.backends import _dask_tasks as _tasks
from candlescan.execution.backends.base import Backend, WorkerStartError
from candlescan.execution.wire import decode_results
from candlescan.execution.worker import Chunk, WorkSpec

__all__ = ["SCHEDULER_ENV", "DaskBackend"]

#: Environment variable naming the scheduler to use when none is given.
SCHEDULER_ENV = "CANDLESCAN_DASK_SCHEDULER"
#: How long a start waits for cancelled tasks of this engine to return by themselves.
_ABANDON_GRACE_S = 1.0
_nonces = itertools.count(1)


@dataclass(slots=True)
class _Tracked:
    chunk: Chunk
    dask_future: Any
    future: cf.Future[Any]
    extra: list[ProcessingResult] = field(default_factory=list)


@contextlib.contextmanager
def _releasing(dask_future: Any) -> Iterator[None]:
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            dask_future.release()


class _Session:
    """The backend's "executor" between ``start`` and ``retire``/``shutdown``."""

    _max_workers = 0


class DaskBackend(Backend):
    """Chunks as tasks on a Dask cluster (``pip install candlescan[dask]``).

    :param max_workers: worker processes of the ``LocalCluster`` started when neither
        ``client`` nor ``address`` is given (one thread each).
    :param client: an existing ``distributed.Client``; the engine never closes it.
    :param address: a scheduler address (``tcp://host:8786``); default: the
        ``CANDLESCAN_DASK_SCHEDULER`` environment variable. The engine closes its client,
        never the cluster.
    :param restart_late: restart the workers running a late symbol (needs nannies);
        ``False`` abandons the task instead (its thread stays busy until it returns).
    :param resubmit_budget: how many times a symbol may be resubmitted in one batch
        (after crashes, timeouts or cluster restarts) before it fails.
    """

    name = "dask"
    pickles_results = True

    def __init__(
        self,
        max_workers: int = 1,
        *,
        client: Any = None,
        address: str | None = None,
        restart_late: bool = True,
        resubmit_budget: int = 8,
    ) -> None:
        super().__init__(max_workers)
        if not isinstance(resubmit_budget, int) or resubmit_budget < 0:
            raise InvalidJobError(f"resubmit_budget must be >= 0, got {resubmit_budget!r}")
        self._client = client
        self._address = address if client is None else None
        if client is None and address is None:
            self._address = os.environ.get(SCHEDULER_ENV) or None
        self._owns_client = client is None
        self._cluster: Any = None
        self._restart_late = restart_late
        self._budget = resubmit_budget
        self._session: _Session | None = None
        self._subscribed = False
        self._watched: set[str] = set()
        self._expected_workers = 0  # how many workers to wait for after stopping some
        self._size = 0  # the most workers seen at once
        self._suspects: set[str] = set()  # symbols of chunks that were on a dead worker
        self._repo_future: Any = None
        self._rescatter = True
        self._limit = max_workers
        self._tag = uuid.uuid4().hex[:12]
        self._topic = f"candlescan-beacon-{self._tag}"
        self._beacon = _tasks.DaskBeacon()
        self._tracked: dict[int, _Tracked] = {}
        self._dead_pids: set[int] = set()
        self._submits: Counter[str] = Counter()
        self._spec: WorkSpec | None = None
        #: What the last start found: threads still busy with tasks this engine abandoned.
        self.busy_report: str | None = None

    # -- properties ---------------------------------------------------------------------

    @property
    def executor(self) -> Any:
        return self._session

    @property
    def inflight_limit(self) -> int:
        return self._limit

    @property
    def beacon(self) -> _tasks.DaskBeacon:
        return self._beacon

    @property
    def loses_inflight_on_retire(self) -> bool:
        return True

    @property
    def client(self) -> Any:
        """The ``distributed.Client`` in use (``None`` before the first start)."""
        return self._client

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Nothing here: connecting may block, so it happens in :meth:`prestart`."""
        if self._session is None:
            self._session = _Session()

    def prestart(self) -> None:
        if self._client is None:
            self._client, self._cluster = _cluster.connect(self._address, self.max_workers)
        client = self._client
        nthreads = self._wait_for_workers()
        self._subscribe(list(nthreads))
        infos = client.scheduler_info(n_workers=-1).get("workers", {})
        # Killing a late task means restarting its worker, which only a nanny can do.
        self.can_kill = self._restart_late and all(w.get("nanny") for w in infos.values())
        busy = self._settle_abandoned(sum(nthreads.values()))
        if self._expected_workers:  # it stopped workers: count again once they are back
            nthreads = self._wait_for_workers()
            self._subscribe(list(nthreads))
            busy = self._report(self._running())
        free = sum(nthreads.values()) - sum(busy.values())
        if free < 1:
            raise WorkerStartError(
                f"every thread of the Dask cluster is still running a task this engine "
                f"abandoned after a timeout ({self.busy_report}); restart the cluster"
            )
        self._limit = free
        self.max_workers = free  # chunk sizes follow the cluster's free threads
        if self._rescatter or self._repo_future is None:
            self._repo_future = _cluster.scatter(client, self._repo)
            self._rescatter = False

    def _wait_for_workers(self) -> dict[str, int]:
        nthreads = _cluster.wait_for_workers(self._client, self._expected_workers)
        self._expected_workers = 0
        self._size = max(self._size, len(nthreads))
        return nthreads

    def _running(self) -> dict[str, int]:
        return _cluster.running(self._client, self._tag)

    def _subscribe(self, workers: list[str]) -> None:
        """Beacon events, and each worker's own topic (where the scheduler says it left)."""
        client = self._client
        if not self._subscribed:
            client.subscribe_topic(self._topic, self._beacon.on_event)
            self._subscribed = True
        for address in workers:
            if address not in self._watched:
                client.subscribe_topic(address, self._on_cluster_event)
                self._watched.add(address)

    def _settle_abandoned(self, total: int) -> dict[str, int]:
        """Wait briefly for cancelled tasks to end; report the threads they still hold.

        (A late task is stopped by :meth:`retire`; what remains here is an abandoned task
        on a cluster without nannies, or one that a crash recovery cancelled. If such
        tasks hold every thread and the workers have nannies, those workers are stopped.)
        """
        deadline = time.monotonic() + _ABANDON_GRACE_S
        busy = self._running()
        while busy and time.monotonic() < deadline:
            time.sleep(0.05)
            busy = self._running()
        if busy and self.can_kill and sum(busy.values()) >= total:
            self._restart(sorted(busy))  # every thread hangs: nothing else can run
            return {}
        return self._report(busy)

    def _report(self, busy: dict[str, int]) -> dict[str, int]:
        self.busy_report = None
        if busy:
            self.busy_report = (
                f"{sum(busy.values())} task(s) abandoned after a timeout still run on "
                f"{', '.join(sorted(busy))}; their threads are not used"
            )
            _cluster.LOG.warning("candlescan: %s", self.busy_report)
        return busy

    # -- submitting ---------------------------------------------------------------------

    def submit(self, chunk: Chunk) -> cf.Future[Any]:
        if self._session is None or self._client is None:
            raise RuntimeError("the dask backend is not started")
        if chunk.spec is not self._spec:  # a new batch: a new budget
            self._spec = chunk.spec
            self._submits.clear()
            self._suspects.clear()
        self._submits.update(chunk.symbols)
        over = [s for s in chunk.symbols if self._submits[s] > self._budget + 1]
        extra = [
            ProcessingResult.failed(
                s, f"ResubmitBudgetExceeded: submitted {self._submits[s]} times"
            )
            for s in over
        ]
        future: cf.Future[Any] = cf.Future()
        symbols = tuple(s for s in chunk.symbols if s not in over)
        if not symbols:
            future.set_result(extra)
            return future
        chunk = Chunk(chunk.token, chunk.slot, symbols, chunk.spec)
        nonce = next(_nonces)
        self._beacon.expect(chunk.token, nonce)
        dask_future = self._client.submit(
            _tasks.run_chunk_task,
            self._repo_future,
            chunk,
            _tasks.WorkerBeacon(self._topic, nonce, careful=bool(self._suspects & set(symbols))),
            self._tag,
            key=f"candlescan-{self._tag}-{nonce}",
            pure=False,
        )
        tracked = _Tracked(chunk, dask_future, future, extra)
        self._tracked[chunk.token] = tracked
        future.add_done_callback(lambda f: self._on_done_here(tracked))
        dask_future.add_done_callback(lambda f: self._settle(tracked))
        return future

    def _settle(self, tracked: _Tracked) -> None:
        """The Dask task ended (client thread): pass its outcome on."""
        future, dask_future = tracked.future, tracked.dask_future
        if future.done():
            return
        status = dask_future.status
        # Hold no reference once read: Dask recomputes a result that a lost worker held
        # for as long as a client keeps its future.
        with contextlib.suppress(cf.InvalidStateError), _releasing(dask_future):
            if status == "finished":
                results = decode_results(dask_future.result()) + tracked.extra
                future.set_result(results)
            elif status == "cancelled":
                # The cluster dropped it (client.restart(), lost data): nobody's fault. With
                # no mark the supervisor resubmits the chunk rather than blame a symbol.
                self._beacon.forget(tracked.chunk.token)
                future.set_exception(BrokenExecutor("the Dask cluster cancelled or lost the task"))
            else:  # "error": KilledWorker, a lost dependency, a task that could not run
                exc = dask_future.exception()
                future.set_exception(BrokenExecutor(f"{type(exc).__name__}: {exc}"))

    def _on_done_here(self, tracked: _Tracked) -> None:
        """Our future ended (or the supervisor cancelled it): release the Dask task."""
        if self._tracked.get(tracked.chunk.token) is tracked:
            del self._tracked[tracked.chunk.token]
        if tracked.future.cancelled():
            tracked.dask_future.cancel()

    async def _on_cluster_event(self, event: Any) -> None:
        """Scheduler events (client loop): a worker that left breaks its chunks now."""
        try:
            message = event[1]
            if message.get("action") != "remove-worker" or message.get("expected"):
                return
        except (AttributeError, IndexError, TypeError):
            return
        keys = set(message.get("processing-tasks") or ())
        broken = []
        for tracked in list(self._tracked.values()):
            if tracked.dask_future.key in keys:
                mark = self._beacon.read(tracked.chunk.slot, tracked.chunk.token)
                if mark is not None:
                    self._dead_pids.add(mark[2])
                self._suspects.update(tracked.chunk.symbols)
                with contextlib.suppress(cf.InvalidStateError):
                    tracked.future.set_exception(BrokenExecutor("a Dask worker died"))
                broken.append(tracked.dask_future)
        if broken and self._client is not None:  # or Dask reruns them on another worker
            with contextlib.suppress(Exception):
                await self._client.cancel(broken, asynchronous=True)

    # -- stopping -----------------------------------------------------------------------

    def retire(self, kill: bool) -> dict[int, int | None]:
        """Drop every task in flight; with ``kill``, restart the workers running them."""
        if kill and self.can_kill and self._client is not None:
            workers = self._beacon.workers(set(self._tracked)) | set(self._running())
            if workers:
                self._restart(sorted(workers))
        for tracked in list(self._tracked.values()):
            tracked.dask_future.cancel()
            if not tracked.future.done():
                tracked.future.cancel()
        self._tracked.clear()
        self._session = None
        self._rescatter = True  # restarted workers lost their replica of the repository
        dead, self._dead_pids = self._dead_pids, set()
        return dict.fromkeys(dead)

    def _restart(self, workers: list[str]) -> None:
        """Stop ``workers`` now (their nannies start new ones; :meth:`prestart` waits)."""
        self._expected_workers = max(self._expected_workers, self._size)
        _cluster.stop_workers(self._client, workers)

    def shutdown(self, kill: bool = False) -> None:
        self.retire(kill=False)
        self._repo_future = None
        client = self._client
        if client is not None and self._subscribed:
            with contextlib.suppress(Exception):
                for topic in (self._topic, *self._watched):
                    client.unsubscribe_topic(topic)
            self._subscribed = False
            self._watched.clear()
        if client is not None and self._owns_client:
            client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
