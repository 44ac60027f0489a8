"""Cluster-level helpers of the dask backend (engine side, blocking, in a helper thread):
connecting, waiting for workers, asking which candlescan tasks still run, stopping
workers, scattering the repository."""

from __future__ import annotations

import importlib
import logging
import time
from typing import Any

from candlescan.errors import InvalidJobError
from candlescan.execution.backends import _dask_tasks as _tasks
from candlescan.execution.backends.base import WorkerStartError

__all__ = ["RESTART_TIMEOUT_S", "connect", "running", "scatter", "stop_workers", "wait_for_workers"]

LOG = logging.getLogger("candlescan.dask")
#: How long to wait for workers to come back after a crash or a stop.
RESTART_TIMEOUT_S = 60.0
_SCATTER_ATTEMPTS = 5


def connect(address: str | None, n_workers: int) -> tuple[Any, Any]:
    """``(client, cluster)``: a client of ``address``, or of a new ``LocalCluster``."""
    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise InvalidJobError(
            "the dask backend needs the 'distributed' package: pip install candlescan[dask]"
        ) from exc
    if address is not None:
        try:
            return distributed.Client(address, timeout=30), None
        except OSError as exc:
            raise WorkerStartError(
                f"cannot connect to the Dask scheduler at {address}: {exc}"
            ) from exc
    dask_config: Any = importlib.import_module("dask.config")
    # A task that kills its worker fails at once: the supervisor isolates it.
    with dask_config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = distributed.LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    return distributed.Client(cluster), cluster


def wait_for_workers(client: Any, at_least: int) -> dict[str, int]:
    """Threads by worker once ``at_least`` (>= 1) workers are there, or the time is up."""
    deadline = time.monotonic() + RESTART_TIMEOUT_S
    while True:
        nthreads: dict[str, int] = client.nthreads()
        if len(nthreads) >= max(1, at_least) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if not nthreads:
        raise WorkerStartError(
            f"the Dask cluster at {client.scheduler.address} has no worker "
            f"(waited {RESTART_TIMEOUT_S:.0f} s)"
        )
    return nthreads


def running(client: Any, tag: str) -> dict[str, int]:
    """Tasks of engine ``tag`` still running, by worker (Dask does not stop cancelled ones)."""
    try:
        answers = client.run(_tasks.running_keys, tag)
    except Exception:  # a worker going away while asked: it runs nothing of ours
        return {}
    return {addr: len(keys) for addr, keys in answers.items() if keys}


def stop_workers(client: Any, workers: list[str]) -> None:
    """End ``workers`` now (their nannies start new ones); wait until the scheduler knows."""
    try:
        # The workers die before they answer: their "errors" are the expected outcome.
        client.run(_tasks.exit_worker, workers=workers, on_error="return")
    except Exception as exc:  # the cluster refused: the next start reports the load
        LOG.warning("candlescan: stopping Dask workers %s failed: %s", workers, exc)
    deadline = time.monotonic() + RESTART_TIMEOUT_S
    while set(workers) & set(client.nthreads()) and time.monotonic() < deadline:
        time.sleep(0.05)


def scatter(client: Any, repo: Any) -> Any:
    """Send the repository to every worker (again: restarted workers lost it)."""
    for attempt in range(_SCATTER_ATTEMPTS):
        try:
            return client.scatter(repo, broadcast=True, hash=False)
        except Exception as exc:  # a worker left meanwhile: wait for the cluster, retry
            if attempt == _SCATTER_ATTEMPTS - 1:
                raise WorkerStartError(
                    f"cannot send the data source to the Dask workers: {type(exc).__name__}: {exc}"
                ) from exc
            time.sleep(0.5)
            wait_for_workers(client, 1)
    raise AssertionError("unreachable")  # pragma: no cover
