"""Screener benchmark: the cost of a cross-sectional term, and of a signal study.

Run: ``python benchmarks/bench_screener.py [--symbols 2500] [--bars 252] [--workers 2]
[--repeat 5]``.

1. The engine benchmark's job (``--symbols`` x ``--bars`` synthetic daily bars in a
   ``memory`` source, the range being every bar after the 199-bar warm-up) with
   ``rank(roc(close, 63)) <= 50 and close > sma(close, 200)`` against the same job
   without ``rank`` (``roc(close, 63) <= 50 and ...``): median warm batch of each on one
   started process engine, interleaved. The goal is a ratio <= 1.5.
2. ``candlescan.study`` of the README formula over the bundled sample's whole history
   (409 symbols, 2013-2018, horizons 1, 5, 20): the second call (Numba's cache and the
   OS's file cache warm; each call starts its own engine). The goal is <= 3 s.

A script: it needs the ``if __name__ == "__main__":`` guard (workers import the main module).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import date

import numpy as np

import candlescan
from candlescan import DateRange, PluginRegistry, ProcessingEngine, ProcessingJob, Timeframe
from candlescan.formula import FormulaService
from candlescan.plugins.sources import MemoryRepository

CROSS = "rank(roc(close, 63)) <= 50 and close > sma(close, 200)"
PLAIN = "roc(close, 63) <= 50 and close > sma(close, 200)"
README = "rsi(close, 14) < 30 and close > sma(close, 200)"
_EVERYTHING = DateRange(date(1970, 1, 1), date(2100, 1, 1))


def _day(stamp: np.datetime64) -> date:
    return date.fromisoformat(str(stamp.astype("datetime64[D]")))


async def _rank_cost(n: int, bars: int, workers: int, repeat: int) -> dict[str, float]:
    registry = PluginRegistry.default()
    synthetic = registry.open_source(f"synthetic:{n}x{bars}")
    series = {s: synthetic.get_candles(s, Timeframe.D1, _EVERYTHING) for s in synthetic.symbols()}
    memory = MemoryRepository(series)
    stamps = next(iter(series.values())).timestamps
    date_range = DateRange(_day(stamps[199]), _day(stamps[-1]))
    jobs = {
        label: ProcessingJob(
            id=label,
            symbols=memory.symbols(),
            timeframe="1d",
            date_range=date_range,
            formula=formula,
        )
        for label, formula in (("plain", PLAIN), ("rank", CROSS))
    }
    times: dict[str, list[float]] = {"plain": [], "rank": []}
    async with ProcessingEngine(memory, FormulaService(registry), workers) as engine:
        for job in jobs.values():  # first batches warm the kernels
            results = await engine.process_batch(job)
            assert all(r.error is None for r in results), job.id
        for i in range(repeat):
            order = list(jobs) if i % 2 == 0 else list(reversed(jobs))
            for label in order:
                start = time.perf_counter()
                await engine.process_batch(jobs[label])
                times[label].append(time.perf_counter() - start)
    return {label: statistics.median(values) for label, values in times.items()}


def _study_time() -> tuple[float, float]:
    timings = []
    for _ in range(2):
        start = time.perf_counter()
        frame = candlescan.study(README, horizons=(1, 5, 20))
        timings.append(time.perf_counter() - start)
    assert int(frame.loc[frame["by"] == "all", "count"].iloc[0]) > 0
    return timings[0], timings[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=2500)
    parser.add_argument("--bars", type=int, default=252)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    medians = asyncio.run(_rank_cost(args.symbols, args.bars, args.workers, args.repeat))
    ratio = medians["rank"] / medians["plain"]
    print(f"job {args.symbols}x{args.bars}, {args.workers} workers, median of {args.repeat}:")
    print(f"  without rank  {medians['plain']:.3f} s   {PLAIN}")
    print(f"  with rank     {medians['rank']:.3f} s   {CROSS}")
    print(f"  ratio         {ratio:.2f} (goal <= 1.5)")
    first, warm = _study_time()
    print(
        f"study of {README!r} over the sample's history: first {first:.2f} s, warm {warm:.2f} s"
        " (goal <= 3 s)"
    )


if __name__ == "__main__":
    main()
