"""The ``dask`` backend: chunks as tasks through ``distributed.Client.get_executor()``."""

from __future__ import annotations

import concurrent.futures as cf
import importlib
from typing import Any

from candlescan.errors import InvalidJobError
from candlescan.execution import worker as _worker
from candlescan.execution.backends.base import Backend
from candlescan.execution.worker import Chunk

__all__ = ["DaskBackend"]


class DaskBackend(Backend):
    """Chunks as tasks on a Dask cluster through ``Client.get_executor()`` (``pip install
    candlescan[dask]``).

    :param client: an existing ``distributed.Client``; the engine does not close it.
    :param address: a scheduler address to connect to (the engine closes its client).

    With neither, the engine starts an in-process ``LocalCluster(processes=False)`` with
    ``max_workers`` threads. The repository is scattered to every worker once.

    Dask cannot stop a running task: a symbol past its deadline is recorded as
    ``"Processing timeout"`` and its task is abandoned (it keeps a worker thread busy
    until it returns; ``client.restart()`` is the way out). Without a beacon, the
    deadline of a chunk counts from its submission; a late chunk is split into single
    symbols, so a hang is reported after up to twice the timeout.
    """

    name = "dask"
    pickles_results = True

    def __init__(
        self, max_workers: int = 1, *, client: Any = None, address: str | None = None
    ) -> None:
        super().__init__(max_workers)
        self._client = client
        self._address = address
        self._owns_client = client is None
        self._cluster: Any = None
        self._executor: Any = None
        self._repo_future: Any = None
        self._limit = max_workers

    @property
    def executor(self) -> Any:
        return self._executor

    @property
    def inflight_limit(self) -> int:
        return self._limit

    def start(self) -> None:
        """Nothing here: connecting may block, so it happens in :meth:`prestart`."""
        if self._executor is None:
            self._executor = _PendingDask()

    def prestart(self) -> None:
        if not isinstance(self._executor, _PendingDask):
            return
        try:
            distributed: Any = importlib.import_module("distributed")
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise InvalidJobError(
                "the dask backend needs the 'distributed' package: pip install candlescan[dask]"
            ) from exc
        if self._client is None:
            if self._address is not None:
                self._client = distributed.Client(self._address)
            else:
                self._cluster = distributed.LocalCluster(
                    n_workers=1,
                    threads_per_worker=self.max_workers,
                    processes=False,
                    dashboard_address=None,
                )
                self._client = distributed.Client(self._cluster)
        self._limit = max(1, sum(self._client.nthreads().values()))
        self.max_workers = self._limit  # chunk sizes follow the cluster's threads
        self._repo_future = self._client.scatter(self._repo, broadcast=True, hash=False)
        self._executor = self._client.get_executor(pure=False)

    def submit(self, chunk: Chunk) -> cf.Future[Any]:
        future: cf.Future[Any] = self._executor.submit(
            _worker.run_chunk_with, self._repo_future, chunk
        )
        return future

    def retire(self, kill: bool) -> dict[int, int | None]:
        return {}  # a running Dask task cannot be stopped; keep the executor

    def shutdown(self, kill: bool = False) -> None:
        executor, self._executor = self._executor, None
        if executor is not None and not isinstance(executor, _PendingDask):
            executor.shutdown(wait=not kill)
        self._repo_future = None
        if self._owns_client and self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


class _PendingDask:
    """Placeholder executor between :meth:`DaskBackend.start` and ``prestart``."""

    _max_workers = 0
