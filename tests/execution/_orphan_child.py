"""Child process for ``test_orphans``: start an engine whose batch hangs, print the pids.

Run as ``python -m tests.execution._orphan_child``; the test then SIGKILLs this process.
"""

from __future__ import annotations

import asyncio

import psutil

from candlescan import PluginRegistry, ProcessingEngine

from .conftest import make_job
from .faults import FaultRepository


def main() -> None:
    base = PluginRegistry.default().open_source("synthetic:4x252")
    symbols = base.symbols()
    repo = FaultRepository(base, {symbols[0]: "hang_numba", symbols[1]: "hang_sleep"})
    engine = ProcessingEngine(repo, None, 2, timeout=600)

    async def run() -> None:
        async with engine:
            batch = asyncio.create_task(engine.process_batch(make_job(symbols, formula=None)))
            await asyncio.sleep(1.0)  # both workers are stuck now
            pids = [p.pid for p in psutil.Process().children(recursive=True)]
            print(" ".join(map(str, pids)), flush=True)
            await batch

    asyncio.run(run())


if __name__ == "__main__":
    main()
