"""Per-kernel benchmark: candlescan vs TA-Lib (and pandas/NumPy) on 10^3..10^6 bars.

Run from the repository root::

    python -m benchmarks.bench_kernels            # full run, writes benchmarks/REPORT.md
    python -m benchmarks.bench_kernels --quick    # smoke run (small sizes, temp output)
    python benchmarks/bench_kernels.py --kernels sma,rsi --sizes 1000,100000

Every kernel with a TA-Lib namesake is taken from the test registry
(``tests/kernels/cases.py``). For each size it first checks parity with TA-Lib (the same
comparison as the tests), then times ours, TA-Lib and the pandas/NumPy equivalent
interleaved in the same run (median of the repeats). Compile time and cold start are
measured separately in fresh processes. See ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import platform
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from benchmarks._timing import interleaved, ratio_quartiles
from benchmarks.baselines import BASELINES
from benchmarks.report import write_report
from benchmarks.startup import Startup, measure_startup

if TYPE_CHECKING:
    from tests.kernels.cases import Case, Ohlcv

# The harness (and through it candlescan and numba) is imported inside the functions:
# main() first points NUMBA_CACHE_DIR at a fresh folder, which must happen before
# numba builds the kernels' caches (see _fresh_cache).

__all__ = ["KernelResult", "Run", "SizeResult", "main", "run"]

HERE = Path(__file__).resolve().parent
FULL_SIZES = (1_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 10_000)

#: Kernels whose cold start is measured by default (one fresh process each): the ones
#: screens use most, covering each call-chain shape (window, recursive, multi-output).
COLD_START_DEFAULT = ("sma", "ema", "rsi", "macd", "bbands", "atr", "adx", "stoch")


@dataclass
class SizeResult:
    """One kernel at one size: parity, then seconds per call (medians)."""

    bars: int
    parity: list[str]  # empty when ours equals TA-Lib
    ours_s: float
    talib_s: float
    ratio: float  # ours / TA-Lib, ratio of the medians
    ratio_q1: float  # quartiles of the per-repeat ratios
    ratio_q3: float
    ratio_best: float  # fastest ours / fastest TA-Lib: least disturbed by other processes
    ours_faults: float | None = None  # minor page faults per call (median)
    talib_faults: float | None = None
    tight_ratio: float | None = None  # re-check of a slow kernel: best of back-to-back calls
    baseline_s: float | None = None
    baseline_delta: float | None = None  # max |ours - baseline| / max |ours|, last half


@dataclass
class KernelResult:
    name: str
    family: str
    talib: str
    params: dict[str, Any]
    baseline: str | None
    baseline_caveat: str | None
    sizes: list[SizeResult] = field(default_factory=list)


@dataclass
class Run:
    """A whole benchmark run, as written to ``.results/kernels.json``."""

    created: str
    machine: dict[str, str]
    sizes: list[int]
    repeats: dict[int, int]
    kernels: list[KernelResult]
    startup: Startup | None = None
    without_talib: list[str] = field(default_factory=list)  # registered, not benchmarked


def _repeats(bars: int, base: int) -> int:
    # Long calls are steadier; keep 10^6 bars affordable on a 2-core machine.
    return max(3, base if bars < 1_000_000 else (base * 2) // 3)


def _baseline_delta(ours: tuple[np.ndarray, ...], theirs: Any) -> float:
    from tests.kernels.cases import as_outputs

    mine = ours[0]
    other = np.asarray(as_outputs(theirs)[0], dtype=np.float64)
    half = len(mine) // 2
    a, b = mine[half:], other[half:]
    both = np.isfinite(a) & np.isfinite(b)
    if not both.any():
        return float("nan")
    scale = float(np.max(np.abs(a[both]))) or 1.0
    return float(np.max(np.abs(a[both] - b[both])) / scale)


@functools.cache
def _bars(n: int) -> Ohlcv:
    from tests.kernels.cases import synthetic_ohlcv

    # One data set per size for the whole run (kernels copy their inputs).
    return synthetic_ohlcv(n, seed=1)


def bench_kernel(kernel_case: Case, sizes: Sequence[int], repeats: int) -> KernelResult:
    import talib

    from tests.kernels.cases import as_outputs
    from tests.kernels.compare import mismatches

    params = dict(kernel_case.defaults)
    baseline = BASELINES.get(kernel_case.name)
    result = KernelResult(
        name=kernel_case.name,
        family=kernel_case.family,
        talib=str(kernel_case.talib_name),
        params=params,
        baseline=baseline.label if baseline else None,
        baseline_caveat=baseline.caveat if baseline else None,
    )
    known = {k: v for k, v in params.items() if k in kernel_case.talib_params}
    theirs_function: Callable[..., Any] = getattr(talib, str(kernel_case.talib_name))
    for bars in sizes:
        data = _bars(bars)
        arrays = kernel_case.arrays(data)
        ours_out = as_outputs(kernel_case.kernel(*arrays, **params))
        parity = mismatches(
            ours_out,
            kernel_case.run_talib(data, params),
            kernel_case.outputs,
            input_scale=kernel_case.input_scale(data),
        )
        calls: dict[str, Callable[[], object]] = {
            "ours": functools.partial(kernel_case.kernel, *arrays, **params),
            "talib": functools.partial(theirs_function, *arrays, **known),
        }
        delta = None
        if baseline is not None:
            named = dict(zip(kernel_case.inputs, arrays, strict=True))
            try:
                calls["baseline"] = baseline.build(named, params)
                delta = _baseline_delta(ours_out, calls["baseline"]())
            except Exception as error:  # a broken comparison must not sink the whole run
                print(f"  {kernel_case.name}: pandas/NumPy baseline failed: {error!r}")
                calls.pop("baseline", None)
                result.baseline = f"{baseline.label} (failed: {type(error).__name__})"
        timings = interleaved(calls, _repeats(bars, repeats))
        q1, _, q3 = ratio_quartiles(timings["ours"], timings["talib"])
        result.sizes.append(
            SizeResult(
                bars=bars,
                parity=parity,
                ours_s=timings["ours"].median,
                talib_s=timings["talib"].median,
                ratio=timings["ours"].median / timings["talib"].median,
                ratio_q1=q1,
                ratio_q3=q3,
                ratio_best=min(timings["ours"].samples) / min(timings["talib"].samples),
                ours_faults=timings["ours"].faults,
                talib_faults=timings["talib"].faults,
                baseline_s=timings["baseline"].median if "baseline" in timings else None,
                baseline_delta=delta,
            )
        )
    return result


def _tight_ratio(kernel_case: Case, bars: int, calls: int = 7) -> float:
    """Best of ``calls`` back-to-back calls, ours / TA-Lib, not interleaved.

    Separates a slow loop (slow here too) from costs that only show when other work
    runs in between (fresh memory, evicted caches) or from load spikes.
    """
    import time

    import talib

    params = dict(kernel_case.defaults)
    known = {k: v for k, v in params.items() if k in kernel_case.talib_params}
    arrays = kernel_case.arrays(_bars(bars))
    theirs = getattr(talib, str(kernel_case.talib_name))
    best = {}
    for label, call in (
        ("ours", functools.partial(kernel_case.kernel, *arrays, **params)),
        ("talib", functools.partial(theirs, *arrays, **known)),
    ):
        call()
        fastest = float("inf")
        for _ in range(calls):
            start = time.perf_counter()
            call()
            fastest = min(fastest, time.perf_counter() - start)
        best[label] = fastest
    return best["ours"] / best["talib"]


def _machine() -> dict[str, str]:
    import numba
    import talib

    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": str(len(_affinity())),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "talib": talib.__version__,
    }
    try:
        import pandas

        info["pandas"] = pandas.__version__
    except ImportError:
        info["pandas"] = "not installed"
    return info


def _load() -> str:
    import os

    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):
        return "n/a"


def _affinity() -> set[int]:
    import os

    try:
        return os.sched_getaffinity(0)
    except AttributeError:
        return set(range(os.cpu_count() or 1))


def run(
    kernels: Sequence[str] | None,
    sizes: Sequence[int],
    repeats: int,
    compile_kernels: Sequence[str] | None = None,
    cold_kernels: Sequence[str] | None = None,
    progress: Callable[[str], None] = print,
) -> Run:
    """Benchmark the chosen kernels (default: every TA-Lib namesake in the registry).

    ``compile_kernels`` defaults to the benchmarked ones, ``cold_kernels`` to
    :data:`COLD_START_DEFAULT`; pass empty lists to skip the start-up measurements.
    """
    from tests.kernels.cases import all_cases

    load_at_start = _load()
    registry = all_cases()
    cases = {name: c for name, c in registry.items() if c.talib_name is not None}
    if kernels:
        unknown = sorted(set(kernels) - set(cases))
        if unknown:
            raise SystemExit(f"not a registered kernel with a TA-Lib namesake: {unknown}")
        cases = {name: cases[name] for name in kernels}
    results = []
    for index, (name, kernel_case) in enumerate(cases.items(), 1):
        progress(f"[{index}/{len(cases)}] {name}")
        results.append(bench_kernel(kernel_case, sizes, repeats))
    for result in results:  # second look at the slow ones, after all interleaved timing
        largest = max(result.sizes, key=lambda size: size.bars)
        if largest.ratio > 1.0:
            progress(f"[re-check] {result.name}")
            largest.tight_ratio = _tight_ratio(cases[result.name], largest.bars)
    compile_list = list(cases) if compile_kernels is None else list(compile_kernels)
    if cold_kernels is None:
        cold_kernels = [name for name in COLD_START_DEFAULT if name in cases]
    startup = None
    if compile_list or cold_kernels:
        startup = measure_startup(compile_list, list(cold_kernels), progress)
    machine = _machine()
    # Other processes skew timings on a shared machine: record how busy it was.
    machine["load average (1 min)"] = f"{load_at_start} at start, {_load()} at end"
    return Run(
        created=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=machine,
        sizes=list(sizes),
        repeats={bars: _repeats(bars, repeats) for bars in sizes},
        kernels=results,
        startup=startup,
        without_talib=sorted(name for name, c in registry.items() if c.talib_name is None),
    )


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument("--kernels", help="comma-separated kernel names (default: all)")
    parser.add_argument("--sizes", help="comma-separated bar counts (default 1e3,1e5,1e6)")
    parser.add_argument("--repeats", type=int, help="interleaved repeats (default 9, quick 3)")
    parser.add_argument(
        "--compile-kernels",
        help="kernels compiled from an empty cache: comma-separated, 'all' (default: the "
        "benchmarked ones) or 'none'",
    )
    parser.add_argument(
        "--cold-kernels",
        help="kernels whose cold start is measured: comma-separated, 'all' or 'none' "
        f"(default {','.join(COLD_START_DEFAULT)}; quick: the first benchmarked one)",
    )
    parser.add_argument("--out", type=Path, help="output folder (default benchmarks/)")
    parser.add_argument(
        "--user-cache",
        action="store_true",
        help="use the user's Numba cache instead of a fresh one (starts faster)",
    )
    return parser.parse_args(argv)


def _fresh_cache() -> None:
    """Compile this run's kernels into a fresh ``NUMBA_CACHE_DIR``.

    The timings then never depend on what another run or checkout left in the user
    cache. Without effect when candlescan is already imported (e.g. under pytest).
    """
    import atexit
    import os
    import shutil

    if "candlescan.kernels" not in sys.modules:
        folder = tempfile.mkdtemp(prefix="candlescan-bench-numba-")
        os.environ["NUMBA_CACHE_DIR"] = folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)


def _names(option: str | None, every: list[str], default: list[str] | None) -> list[str] | None:
    if option is None:
        return default
    if option == "all":
        return every
    if option == "none":
        return []
    return [name for name in option.split(",") if name]


def main(argv: Sequence[str] | None = None) -> Path:
    """Run the benchmark and write REPORT.md, the chart and the raw JSON; return the report."""
    args = _parse(argv)
    kernels = [k for k in (args.kernels or "").split(",") if k] or None
    sizes = (
        [int(float(s)) for s in args.sizes.split(",")]
        if args.sizes
        else list(QUICK_SIZES if args.quick else FULL_SIZES)
    )
    repeats = args.repeats or (3 if args.quick else 9)
    if not args.user_cache:
        _fresh_cache()
    from tests.kernels.cases import all_cases

    talib_kernels = [n for n, c in all_cases().items() if c.talib_name is not None]
    benchmarked = kernels or talib_kernels
    compile_kernels = _names(args.compile_kernels, talib_kernels, default=None)
    cold_default = benchmarked[:1] if args.quick else None
    cold_kernels = _names(args.cold_kernels, talib_kernels, default=cold_default)
    out = args.out or (Path(tempfile.mkdtemp(prefix="candlescan-bench-")) if args.quick else HERE)
    out.mkdir(parents=True, exist_ok=True)

    result = run(kernels, sizes, repeats, compile_kernels, cold_kernels)
    raw = (HERE / ".results") if out == HERE else out
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "kernels.json").write_text(json.dumps(asdict(result), indent=1))
    report = write_report(result, out)
    print(f"wrote {report}")
    return report


if __name__ == "__main__":
    main()
