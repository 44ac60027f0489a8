"""Results as arrays: a job with tens of millions of matches, engine vs a plain pool.

Run: ``python benchmarks/bench_matches.py [--symbols 10000] [--bars 5040] [--workers 2]
[--repeat 3]``.

The job is issue 12's: ``close > sma(close, 200)`` over ``--symbols`` x ``--bars``
synthetic daily bars (about 27 M matches at the defaults), every bar after the warm-up.
Two ways to run it, each in a fresh child process so its peak memory is its own:

* **engine**: ``ProcessingEngine(synthetic source, workers).process_batch(job)``;
* **plain pool**: a ``concurrent.futures.ProcessPoolExecutor`` with the same workers and
  chunks, each task generating its symbols' candles, computing the SMA with the same
  kernel and returning one ``datetime64[ns]`` array of match times per symbol.

Reported per run: the batch's wall time in the parent, the parent's peak RSS
(``ru_maxrss``) and its growth over the batch, and the number of matches (which must be
equal). Runs alternate engine / pool; medians are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures as cf
import json
import multiprocessing
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from typing import Any

import numpy as np

FORMULA = "close > sma(close, 200)"
_EVERYTHING = (date(1970, 1, 1), date(2100, 1, 1))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _job(n: int, bars: int) -> tuple[Any, Any, Any]:
    from candlescan import DateRange, PluginRegistry, ProcessingJob, Timeframe
    from candlescan.formula import FormulaService

    registry = PluginRegistry.default()
    source = registry.open_source(f"synthetic:{n}x{bars}")
    stamps = source.get_candles(source.symbols()[0], Timeframe.D1, DateRange(*_EVERYTHING))
    first = stamps.timestamps[199].astype("datetime64[D]").item()
    last = stamps.timestamps[-1].astype("datetime64[D]").item()
    job = ProcessingJob("matches", source.symbols(), "1d", DateRange(first, last), FORMULA)
    return source, FormulaService(registry), job


def _pool_task(n: int, bars: int, symbols: tuple[str, ...], start: date, end: date) -> list[Any]:
    from candlescan import DateRange, Timeframe
    from candlescan.kernels import sma
    from candlescan.plugins.sources.synthetic import SyntheticRepository

    source = SyntheticRepository(n, bars)
    window = DateRange(start, end)
    out = []
    for symbol in symbols:
        candles = source.get_candles(symbol, Timeframe.D1, window, warmup_bars=199)
        first = int(np.searchsorted(candles.timestamps, window.start64))
        with np.errstate(invalid="ignore"):
            hits = candles.close > sma(candles.close, timeperiod=200)
        out.append((symbol, candles.timestamps[first:][hits[first:]]))
    return out


def _warm_worker(n: int, bars: int) -> None:
    # imports and the compiled kernel loaded once per worker, as the engine's workers are
    _pool_task(n, bars, ("SYM0000",), *_EVERYTHING)


def _nap() -> None:
    time.sleep(0.2)


def _run_pool(n: int, bars: int, workers: int) -> tuple[float, int]:
    _, _, job = _job(n, bars)
    symbols = job.symbols
    size = max(1, min(100, -(-len(symbols) // (workers * 4))))
    ctx = multiprocessing.get_context("forkserver")
    with cf.ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_warm_worker, initargs=(n, bars)
    ) as pool:
        cf.wait([pool.submit(_nap) for _ in range(workers)])  # every worker up and warm
        start = time.perf_counter()
        futures = [
            pool.submit(
                _pool_task, n, bars, symbols[i : i + size], job.date_range.start, job.date_range.end
            )
            for i in range(0, len(symbols), size)
        ]
        results: dict[str, Any] = {}
        for future in cf.as_completed(futures):
            results.update(future.result())
        elapsed = time.perf_counter() - start
    return elapsed, sum(len(v) for v in results.values())


def _run_engine(n: int, bars: int, workers: int) -> tuple[float, int]:
    from candlescan import ProcessingEngine, ProcessingJob

    source, service, job = _job(n, bars)

    async def batch() -> tuple[float, int]:
        async with ProcessingEngine(source, service, workers, timeout=600) as engine:
            warm = ProcessingJob("warm", job.symbols[:8], "1d", job.date_range, FORMULA)
            await engine.process_batch(warm)  # kernels loaded in every worker, as in the pool
            start = time.perf_counter()
            results = await engine.process_batch(job)
            elapsed = time.perf_counter() - start
        errors = [r.error for r in results if r.error]
        assert not errors, errors[:3]
        return elapsed, sum(len(r.matches) for r in results)

    return asyncio.run(batch())


def _child(mode: str, n: int, bars: int, workers: int) -> None:
    import candlescan.kernels  # noqa: F401 - imports (and Numba) before the baseline

    before = _peak_mb()
    run = _run_engine if mode == "engine" else _run_pool
    seconds, matches = run(n, bars, workers)
    print(
        json.dumps(
            {"seconds": seconds, "matches": matches, "peak_mb": _peak_mb(), "base_mb": before}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--symbols", type=int, default=10_000)
    parser.add_argument("--bars", type=int, default=5040)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["engine", "pool"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.symbols, args.bars, args.workers)
        return
    samples: dict[str, list[dict[str, float]]] = {"engine": [], "pool": []}
    for _ in range(args.repeat):
        for mode in ("engine", "pool"):
            command = [sys.executable, __file__, "--child", mode]
            command += ["--symbols", str(args.symbols), "--bars", str(args.bars)]
            command += ["--workers", str(args.workers)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            samples[mode].append(json.loads(done.stdout.strip().splitlines()[-1]))
    matches = {s["matches"] for runs in samples.values() for s in runs}
    assert len(matches) == 1, f"engine and pool disagree on the matches: {matches}"
    print(
        f"# {FORMULA} on {args.symbols} x {args.bars} synthetic bars, {args.workers} workers, "
        f"{matches.pop():,} matches, median of {args.repeat} alternating runs\n"
    )
    print("| run | batch s | parent peak RSS MB | parent growth MB |")
    print("|---|---:|---:|---:|")
    medians = {}
    for mode, runs in samples.items():
        seconds = statistics.median(s["seconds"] for s in runs)
        peak = statistics.median(s["peak_mb"] for s in runs)
        growth = statistics.median(s["peak_mb"] - s["base_mb"] for s in runs)
        medians[mode] = (seconds, peak)
        print(f"| {mode} | {seconds:.2f} | {peak:.0f} | {growth:.0f} |")
    (es, ep), (ps, pp) = medians["engine"], medians["pool"]
    print(f"\nengine / pool: time {es / ps:.2f}x, parent peak memory {ep / pp:.2f}x")


if __name__ == "__main__":
    main()
