"""Formula language benchmark: compile time per preset, evaluation time per symbol.

Run: ``python benchmarks/bench_formula.py [--repeat N] [--symbols N]``. The target is
compile <= 1 ms for typical scans (the presets); evaluation is reported per symbol of
the shared real data (five years of daily bars) when ``../shared/data`` is present,
else on a synthetic random walk of the same length.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from candlescan import Candles, DateRange, PluginRegistry
from candlescan.formula import FormulaService

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohlcv"


def _candles(count: int) -> list[Candles]:
    files = sorted(DATA.glob("*.csv"))[:count] if DATA.is_dir() else []
    out = []
    for path in files:
        raw = np.genfromtxt(path, delimiter=",", names=True, dtype=None, encoding="utf-8")
        out.append(
            Candles(
                path.stem,
                raw["date"].astype("datetime64[ns]"),
                raw["open"],
                raw["high"],
                raw["low"],
                raw["close"],
                raw["volume"],
            )
        )
    if not out:  # no shared data: a random walk of five years of daily bars
        rng = np.random.default_rng(0)
        n = 1259
        close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, n)))
        stamps = np.datetime64("2013-02-08", "ns") + np.arange(n) * np.timedelta64(1, "D")
        out = [Candles("SYN", stamps, close, close * 1.01, close * 0.99, close, np.ones(n))]
    return out


def _median_ms(function: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--symbols", type=int, default=20)
    args = parser.parse_args()

    service = FormulaService(PluginRegistry.default(), cache_size=0)
    candles = _candles(args.symbols)
    date_range = DateRange("2014-03-01", "2018-02-07")
    for preset in service.presets():  # warm the JIT and the reference cache once
        plan = service.compile_preset(preset.name)
        plan.evaluate(candles[0], date_range)

    print(f"{'preset':30} {'compile ms':>10} {'eval ms/symbol':>15} {'warm-up':>8}")
    worst = 0.0
    for preset in service.presets():
        compile_ms = _median_ms(lambda p=preset: service.compile_preset(p.name), args.repeat)
        plan = service.compile_preset(preset.name)
        started = time.perf_counter()
        for c in candles:
            plan.evaluate(c, date_range)
        eval_ms = (time.perf_counter() - started) * 1000 / len(candles)
        worst = max(worst, compile_ms)
        print(f"{preset.name:30} {compile_ms:10.3f} {eval_ms:15.3f} {plan.warmup_bars:8d}")
    print(f"\nslowest compile: {worst:.3f} ms (target <= 1 ms); {len(candles)} symbols")
    _hostile(service)


def _hostile(service: FormulaService) -> None:
    """Rejection time of the hostile corpus (tests assert the rejection, this times it)."""
    from candlescan import FormulaError

    corpus = [
        "(" * 1_000_000 + "close > 1" + ")" * 1_000_000,
        "close > 1 and " * 200_000 + "close > 1",
        "x" * 10_000_000,
        "close[" + "9" * 5000 + "] > 1",
    ]
    print(f"\n{'hostile input':30} {'reject ms':>10}")
    for text in corpus:
        started = time.perf_counter()
        try:
            service.compile(text)
        except FormulaError:
            pass
        else:
            raise SystemExit(f"hostile input compiled: {text[:40]!r}")
        label = f"{text[:18]!r}.. ({len(text):,} chars)"
        print(f"{label:30} {(time.perf_counter() - started) * 1000:10.2f}")


if __name__ == "__main__":
    main()
