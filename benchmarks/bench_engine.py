"""Engine benchmark: one job on every backend, side by side with the serial floor.

Run: ``python benchmarks/bench_engine.py [--symbols 2500] [--bars 252] [--workers 2]
[--repeat 5] [--no-cli] [--faults]``.

The job is the issue's: ``rsi(close, 14) < 30 and close > sma(close, 200)`` over
``--symbols`` x ``--bars`` daily bars, the date range being every bar after the formula's
199-bar warm-up. The data is the ``synthetic`` source preloaded into a ``memory`` source
(so the data source costs nothing and the engine's own overhead shows); the process
backend is also run on ``synthetic`` itself, whose workers generate their series.

Rows:

* **TA-Lib**: the same formula written with TA-Lib and NumPy, evaluated serially in this
  process on preloaded arrays (the issue's yardstick: a warm batch should take at most 3x
  this). Only for formulas listed in ``TALIB_TWINS``; add a twin when adding a case.
* **floor**: the compiled formula evaluated serially in this process on candles already
  in memory (no engine, no repository call), prepared once as the engine's workers do:
  the cost of the kernels and the formula evaluator.
* **serial loop**: the same plus ``repository.get_candles`` per symbol.
* one row per backend: engine start (workers up), first batch (includes warming the
  formula's kernels), and the median warm batch (engine already started).
* **cold CLI**: ``candlescan scan`` end to end in a fresh process (imports, registry,
  forkserver, workers, batch, output), median of 3.
* **warm-up policies** (``--warmup-cost``): the same formula on ``--symbols`` x 252-bar
  ranges preceded by enough history for any policy, as a warm process batch with
  ``warmup="lookback"`` and with the default ``"converged"``; and the README's cold scan
  of the sample with ``--warmup lookback`` and with the default.

Every backend's results are checked against the floor's before any timing is reported.
This file is a script (it needs the ``if __name__ == "__main__":`` guard: forkserver and
spawn workers import the main module).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from candlescan import (
    Candles,
    DateRange,
    ICandleRepository,
    PluginRegistry,
    ProcessingEngine,
    ProcessingJob,
    Timeframe,
)
from candlescan.formula import FormulaService
from candlescan.plugins.sources import MemoryRepository

FORMULA = "rsi(close, 14) < 30 and close > sma(close, 200)"


def _talib_rsi_sma(candles: Candles) -> object:
    import talib

    close = candles.close
    return (talib.RSI(close, 14) < 30) & (close > talib.SMA(close, 200))


#: Formula -> the same condition computed with TA-Lib on one symbol's candles.
TALIB_TWINS: dict[str, Callable[[Candles], object]] = {FORMULA: _talib_rsi_sma}
_EVERYTHING = DateRange(date(1970, 1, 1), date(2100, 1, 1))


def _day(stamp: np.datetime64) -> date:
    return date.fromisoformat(str(stamp.astype("datetime64[D]")))


def _setup(n: int, bars: int) -> tuple[ICandleRepository, MemoryRepository, DateRange, Any]:
    registry = PluginRegistry.default()
    synthetic = registry.open_source(f"synthetic:{n}x{bars}")
    series = {s: synthetic.get_candles(s, Timeframe.D1, _EVERYTHING) for s in synthetic.symbols()}
    memory = MemoryRepository(series)
    service = FormulaService(registry)
    plan = service.compile(FORMULA)
    stamps = next(iter(series.values())).timestamps
    if len(stamps) <= plan.lookback_bars:
        raise SystemExit(f"--bars must exceed the formula's lookback of {plan.lookback_bars} bars")
    # every bar after the lookback; the converged warm-up then loads all the history there is
    date_range = DateRange(_day(stamps[plan.lookback_bars]), _day(stamps[-1]))
    return synthetic, memory, date_range, service


def _median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def _check(results: list[Any], outcomes: dict[str, Any], label: str) -> None:
    assert len(results) == len(outcomes), label
    for r in results:
        want = outcomes[r.symbol]
        assert r.error is None, f"{label}: {r.symbol}: {r.error}"
        assert len(r.matches) == len(want.matches), f"{label}: {r.symbol} matches differ"
        assert r.last_bar == want.last_bar and r.bars == want.bars, f"{label}: {r.symbol}"


Call = Callable[[], Awaitable[object]]


def _serial_calls(
    memory: MemoryRepository, plan: Any, job: ProcessingJob
) -> tuple[dict[str, Call], dict[str, Any]]:
    """The in-process rows (TA-Lib, floor, serial loop) and each symbol's expected outcome."""

    def fetch(symbol: str) -> Candles:
        return memory.get_candles(
            symbol, job.timeframe, job.date_range, warmup_bars=plan.warmup_bars
        )

    candles = [fetch(s) for s in job.symbols]
    outcomes = {c.symbol: plan.evaluate(c, job.date_range) for c in candles}  # also compiles
    # The engine's per-chunk evaluator where the plan has one.
    prepare = getattr(plan, "prepare", None)
    prepared = prepare(job.date_range) if prepare else lambda c: plan.evaluate(c, job.date_range)

    async def floor() -> None:
        with np.errstate(all="ignore"):
            for c in candles:
                prepared(c)

    async def loop() -> None:
        for symbol in job.symbols:
            plan.evaluate(fetch(symbol), job.date_range)

    calls: dict[str, Call] = {"floor": floor, "loop": loop}
    twin = _talib_twin(str(job.formula))
    if twin is not None:

        async def talib_floor() -> None:
            for c in candles:
                twin(c)

        calls["talib"] = talib_floor
    return calls, outcomes


async def _measure(
    runs: dict[str, tuple[ICandleRepository, str]],
    memory: MemoryRepository,
    service: Any,
    job: ProcessingJob,
    workers: int,
    repeat: int,
) -> dict[str, dict[str, float]]:
    """Start every engine, then time warm batches interleaved (rotated order per repeat)."""
    calls, outcomes = _serial_calls(memory, service.compile(job.formula, job.parameters), job)
    rows: dict[str, dict[str, float]] = {name: {} for name in calls}
    engines = []
    try:
        for label, (repo, backend) in runs.items():
            engine = ProcessingEngine(repo, service, workers, backend=backend)
            engines.append(engine)
            start = time.perf_counter()
            await engine.start()
            started = time.perf_counter() - start
            start = time.perf_counter()
            _check(await engine.process_batch(job), outcomes, label)
            rows[label] = {"start": started, "first": time.perf_counter() - start}
            calls[label] = functools.partial(engine.process_batch, job)
        samples: dict[str, list[float]] = {name: [] for name in calls}
        names = list(calls)
        for repetition in range(repeat):
            shift = repetition % len(names)
            for name in names[shift:] + names[:shift]:
                start = time.perf_counter()
                await calls[name]()
                samples[name].append(time.perf_counter() - start)
        for name, values in samples.items():
            rows[name]["warm"] = _median(values)
    finally:
        for engine in engines:
            await asyncio.to_thread(engine.close)
    return rows


def _talib_twin(formula: str) -> Callable[[Candles], object] | None:
    try:
        import talib  # noqa: F401
    except ImportError:
        return None
    return TALIB_TWINS.get(formula)


def _cli(n: int, bars: int, workers: int, date_range: DateRange, runs: int = 3) -> float | None:
    # The command beside this interpreter (a venv's bin/), else the one on PATH.
    beside = Path(sys.executable).with_name("candlescan")
    exe = str(beside) if beside.exists() else shutil.which("candlescan")
    if exe is None:
        return None
    command = [
        exe,
        "scan",
        FORMULA,
        "--source",
        f"synthetic:{n}x{bars}",
        "--workers",
        str(workers),
        "--from",
        str(date_range.start),
        "--to",
        str(date_range.end),
        "--quiet",
        "--format",
        "csv",
    ]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"candlescan scan failed ({done.returncode}): {done.stderr[-500:]}")
    return _median(times)


async def _faults(service: Any, n: int, bars: int, workers: int, timeout: float) -> dict[str, Any]:
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
    from tests.execution.faults import FaultRepository

    base = PluginRegistry.default().open_source(f"synthetic:{n}x{bars}")
    symbols = base.symbols()
    kinds = ("hang_numba", "hang_sleep", "exit", "segfault", "raise", "garbage")
    faults = {symbols[(i + 1) * n // 7]: kind for i, kind in enumerate(kinds)}
    stamps = base.get_candles(symbols[0], Timeframe.D1, _EVERYTHING).timestamps
    date_range = DateRange(_day(stamps[200]), _day(stamps[-1]))
    job = ProcessingJob("faults", symbols, "1d", date_range, FORMULA)
    engine = ProcessingEngine(FaultRepository(base, faults), service, workers, timeout=timeout)
    await engine.start()
    try:
        start = time.perf_counter()
        results = await engine.process_batch(job)
        elapsed = time.perf_counter() - start
    finally:
        await asyncio.to_thread(engine.close)
    errors = {r.symbol: r.error for r in results if r.error}
    assert set(errors) == set(faults), errors
    return {"seconds": elapsed, "errors": errors, "faults": faults, "stats": engine.last_batch}


async def _warmup_batches(n: int, workers: int, repeat: int) -> dict[str, float]:
    """Warm process batches of 252-bar ranges under each warm-up policy (median seconds)."""
    registry = PluginRegistry.default()
    service = FormulaService(registry)
    plan = service.compile(FORMULA)
    history = max(plan.converged_bars, plan.lookback_bars)
    synthetic = registry.open_source(f"synthetic:{n}x{252 + history}")
    series = {s: synthetic.get_candles(s, Timeframe.D1, _EVERYTHING) for s in synthetic.symbols()}
    memory = MemoryRepository(series)
    stamps = next(iter(series.values())).timestamps
    date_range = DateRange(_day(stamps[-252]), _day(stamps[-1]))
    jobs = {
        policy: ProcessingJob("bench", memory.symbols(), "1d", date_range, FORMULA, warmup=policy)
        for policy in ("lookback", "converged")
    }
    samples: dict[str, list[float]] = {policy: [] for policy in jobs}
    engine = ProcessingEngine(memory, service, workers)
    await engine.start()
    try:
        for job in jobs.values():  # first batches compile and warm
            await engine.process_batch(job)
        for repetition in range(repeat):
            order = list(jobs) if repetition % 2 == 0 else list(jobs)[::-1]
            for policy in order:
                start = time.perf_counter()
                await engine.process_batch(jobs[policy])
                samples[policy].append(time.perf_counter() - start)
    finally:
        await asyncio.to_thread(engine.close)
    result = {policy: _median(values) for policy, values in samples.items()}
    result["lookback bars"] = float(plan.lookback_bars)
    result["converged bars"] = float(plan.converged_bars)
    return result


def _readme_scan(warmup: str, runs: int = 3) -> float:
    """The README's cold scan of the bundled sample (2017), median of ``runs`` seconds."""
    command = [
        sys.executable, "-m", "candlescan", "scan", FORMULA, "--from", "2017-01-01",
        "--to", "2017-12-31",
        "--workers", "2", "--quiet", "--format", "csv", "--warmup", warmup,
    ]  # fmt: skip
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"candlescan scan failed ({done.returncode}): {done.stderr[-500:]}")
    return _median(times)


def _report_warmup_cost(n: int, workers: int, repeat: int) -> None:
    batches = asyncio.run(_warmup_batches(n, workers, repeat))
    lookback, converged = batches["lookback"], batches["converged"]
    print(
        f"\n# warm-up policies: {n} symbols x 252-bar range, {workers} workers "
        f"(lookback {batches['lookback bars']:.0f} bars, converged "
        f"{batches['converged bars']:.0f} bars)\n"
    )
    print("| run | lookback s | converged s | converged / lookback |")
    print("|---|---:|---:|---:|")
    print(
        f"| warm process batch (memory) | {lookback:.4f} | {converged:.4f} | "
        f"{converged / lookback:.2f} |"
    )
    cold = {policy: _readme_scan(policy) for policy in ("lookback", "converged")}
    print(
        f"| cold README scan (sample, 2017) | {cold['lookback']:.3f} | "
        f"{cold['converged']:.3f} | {cold['converged'] / cold['lookback']:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--symbols", type=int, default=2500)
    parser.add_argument("--bars", type=int, default=252)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-cli", action="store_true", help="skip the cold CLI runs")
    parser.add_argument("--no-dask", action="store_true", help="skip the dask backend")
    parser.add_argument(
        "--backends",
        default="serial,thread,process,dask",
        help="comma-separated backends to run (default: all)",
    )
    parser.add_argument("--faults", action="store_true", help="also time the fault scenario")
    parser.add_argument(
        "--warmup-cost",
        action="store_true",
        help="only compare the converged and lookback warm-up policies",
    )
    args = parser.parse_args()
    if args.warmup_cost:
        _report_warmup_cost(args.symbols, args.workers, args.repeat)
        return

    synthetic, memory, date_range, service = _setup(args.symbols, args.bars)
    job = ProcessingJob("bench", memory.symbols(), "1d", date_range, FORMULA)
    runs: dict[str, tuple[ICandleRepository, str]] = {
        f"engine {name} (memory)": (memory, name)
        for name in args.backends.split(",")
        if not (args.no_dask and name == "dask")
    }
    if "process" in args.backends.split(","):
        runs["engine process (synthetic: workers generate data)"] = (synthetic, "process")
    rows = asyncio.run(_measure(runs, memory, service, job, args.workers, args.repeat))
    floor = rows["floor"]["warm"]
    talib = rows.get("talib", {}).get("warm", float("nan"))
    print(
        f"# {args.symbols} symbols x {args.bars} bars, range {date_range}, "
        f"{args.workers} workers, median of {args.repeat} interleaved repeats\n"
    )
    print("| run | start s | first batch s | warm batch s | warm / floor | warm / TA-Lib |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| TA-Lib, serial, preloaded arrays | | | {talib:.4f} | {talib / floor:.2f} | 1.00 |")
    ratio = floor / talib
    print(f"| floor: serial evaluate, preloaded candles | | | {floor:.4f} | 1.00 | {ratio:.2f} |")
    loop = rows["loop"]["warm"]
    print(
        f"| serial loop incl. get_candles (memory) | | | {loop:.4f} | {loop / floor:.2f} | "
        f"{loop / talib:.2f} |"
    )
    for label in runs:
        row = rows[label]
        print(
            f"| {label} | {row['start']:.3f} | {row['first']:.3f} | {row['warm']:.4f} | "
            f"{row['warm'] / floor:.2f} | {row['warm'] / talib:.2f} |"
        )
    if not args.no_cli:
        cli = _cli(args.symbols, args.bars, args.workers, date_range)
        text = "n/a (no candlescan command)" if cli is None else f"{cli:.3f}"
        print(f"| cold `candlescan scan` (synthetic), end to end, median of 3 | | | {text} | |")
    if args.faults:
        report = asyncio.run(_faults(service, args.symbols, args.bars, args.workers, 2.0))
        stats = report["stats"]
        print(
            f"\nfault scenario (timeout 2 s, {len(report['faults'])} faults): "
            f"{report['seconds']:.2f} s; timeouts {stats.timeouts}, crashes {stats.crashes}, "
            f"restarts {stats.restarts}"
        )
        for symbol, error in sorted(report["errors"].items()):
            print(f"  {symbol} [{report['faults'][symbol]}]: {error}")


if __name__ == "__main__":
    main()
