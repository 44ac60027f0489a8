"""Data-layer benchmark: ingest, cold scans from the store, read throughput, bounded caches.

Run: ``python benchmarks/bench_data.py [--symbols 10000] [--bars 5040] [--workdir DIR]
[--skip-big] [--skip-cache]``. Needs the ``bench`` and ``duckdb`` extras (pandas, pyarrow,
duckdb) and psutil. Writes ``benchmarks/.results/data.md`` and prints the same tables.

1. **Ingest** the 409-symbol CSV folder (``../shared/data/ohlcv``) and ``--symbols`` x
   ``--bars`` synthetic daily bars (10,000 x 5,040 ~ 20 years ~ 50 M bars) into stores,
   each as a fresh ``candlescan ingest`` process (the synthetic source is generated while
   it is read, so that time is included).
2. **Cold scans** of the big store: ``candlescan scan FORMULA --source duckdb:STORE`` in a
   fresh process over the last year and over the full history; wall time, and peak RSS of
   the parent and of each worker (psutil polls the process tree every 20 ms).
3. **Read throughput** per worker (one process, one thread): bars/s reading 500 symbols x
   ``--bars`` in chunks of 50 symbols from the store, from Parquet (long file and hive),
   from the CSV source, and with ``pandas.read_parquet(filters=[("symbol", "in", chunk)])``
   (the baseline a user would write).
4. **Bounded cache**: the csv source with a 32 MB cache bound scanning a folder of ~100 MB
   of parsed bars 50 times through the process backend; worker RSS after each batch.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from candlescan import DateRange, ProcessingEngine, ProcessingJob, Timeframe
from candlescan.formula import FormulaService
from candlescan.plugins.sources.csv import CsvRepository
from candlescan.plugins.sources.ingest import ingest
from candlescan.plugins.sources.parquet import ParquetRepository
from candlescan.plugins.sources.store import StoreRepository
from candlescan.plugins.sources.synthetic import SyntheticRepository

FORMULA = "rsi(close, 14) < 30 and close > sma(close, 200)"
ROOT = Path(__file__).resolve().parents[1]
SHARED_CSV = ROOT.parent / "shared" / "data" / "ohlcv"
CLI = [sys.executable, "-m", "candlescan"]
START = "2000-01-03"
EVERY = DateRange("1900-01-01", "2199-12-31")


def _watch(command: list[str]) -> dict[str, float]:
    """Run ``command``; wall time, peak RSS of the process and of its largest child."""
    started = time.perf_counter()
    proc = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_parent = peak_child = 0
    while proc.poll() is None:
        try:
            peak_parent = max(peak_parent, proc.memory_info().rss)
            for child in proc.children(recursive=True):
                peak_child = max(peak_child, child.memory_info().rss)
        except psutil.Error:
            pass
        time.sleep(0.02)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{command} failed: {proc.stderr.read().decode()[-2000:]}")
    return {"wall_s": wall, "parent_mb": peak_parent / 2**20, "worker_mb": peak_child / 2**20}


def bench_ingest(
    workdir: Path, symbols: int, bars: int, reuse: bool
) -> tuple[list[list[str]], Path]:
    rows = []
    if SHARED_CSV.is_dir():
        store = workdir / "csv.duckdb"
        store.unlink(missing_ok=True)
        got = _watch([*CLI, "ingest", f"csv:{SHARED_CSV}", "--into", str(store)])
        rows.append(["409-symbol CSV folder (504,001 bars)", f"{got['wall_s']:.2f} s", "<= 5 s"])
    big = workdir / "big.duckdb"
    if not (reuse and big.exists()):
        big.unlink(missing_ok=True)
        source = f"synthetic:{symbols}x{bars},start={START}"
        got = _watch([*CLI, "ingest", source, "--into", str(big)])
        label = f"synthetic {symbols:,} x {bars:,} ({symbols * bars / 1e6:.1f} M bars)"
        rows.append([label, f"{got['wall_s']:.1f} s (RSS {got['parent_mb']:.0f} MB)", "<= 60 s"])
    return rows, big


def bench_scans(big: Path) -> list[list[str]]:
    coverage = StoreRepository(big).coverage()
    assert coverage is not None
    rows = []
    for label, extra, target in (
        ("last year (default range)", [], "<= 5 s"),
        ("full history", ["--from", str(coverage.start), "--to", str(coverage.end)], "<= 15 s"),
    ):
        got = _watch([*CLI, "scan", FORMULA, "--source", f"duckdb:{big}", "--quiet", *extra])
        rows.append(
            [
                label,
                f"{got['wall_s']:.2f} s",
                f"{got['parent_mb']:.0f} MB",
                f"{got['worker_mb']:.0f} MB",
                f"{target}, <= 1 GB each",
            ]
        )
    return rows


def _throughput(read: Any, symbols: list[str]) -> float:
    started = time.perf_counter()
    total = 0
    for i in range(0, len(symbols), 50):
        total += read(symbols[i : i + 50])
    return total / (time.perf_counter() - started)


def bench_reads(workdir: Path, bars: int) -> list[list[str]]:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = SyntheticRepository(n_symbols=500, bars=bars, seed=3, start=START)
    series = [source.get_candles(s, "1d", EVERY) for s in source.symbols()]
    sub = workdir / "reads"
    shutil.rmtree(sub, ignore_errors=True)
    (sub / "csv").mkdir(parents=True)
    import numpy as np

    table = pa.table(
        {
            "symbol": np.repeat([c.symbol for c in series], [len(c) for c in series]),
            "date": np.concatenate([c.timestamps for c in series]).astype("datetime64[us]"),
            **{
                n: np.concatenate([c.column(n) for c in series])
                for n in ("open", "high", "low", "close", "volume")
            },
        }
    )
    pq.write_table(table, sub / "long.parquet", row_group_size=100_000)
    pq.write_to_dataset(table, sub / "hive", partition_cols=["symbol"])
    frame = table.to_pandas()
    for symbol, part in frame.groupby("symbol"):
        part.drop(columns="symbol").to_csv(sub / "csv" / f"{symbol}.csv", index=False)
    ingest(source, sub / "store.duckdb")
    names = list(source.symbols())

    def bulk(repo: Any) -> Any:
        def read(chunk: list[str]) -> int:
            got = repo.get_candles_many(chunk, Timeframe.D1, EVERY)
            return sum(len(c) for c in got.values())

        return read

    csv_repo = CsvRepository(sub / "csv")
    csv_repo.cache_bytes = 0  # a first read, as in a cold worker

    def csv_read(chunk: list[str]) -> int:
        return sum(len(csv_repo.get_candles(s, Timeframe.D1, EVERY)) for s in chunk)

    def pandas_read(chunk: list[str]) -> int:
        part = pd.read_parquet(sub / "long.parquet", filters=[("symbol", "in", chunk)])
        return len(part)

    cases = [
        ("store (duckdb:)", bulk(StoreRepository(sub / "store.duckdb"))),
        ("parquet: long file", bulk(ParquetRepository(sub / "long.parquet"))),
        ("parquet: hive folder", bulk(ParquetRepository(sub / "hive"))),
        ("csv: folder", csv_read),
        ("pandas.read_parquet (long file, filters)", pandas_read),
    ]
    return [[label, f"{_throughput(read, names) / 1e6:.2f} M bars/s"] for label, read in cases]


def bench_cache(workdir: Path) -> list[list[str]]:
    folder = workdir / "cache-csv"
    if not folder.is_dir():
        folder.mkdir(parents=True)
        source = SyntheticRepository(n_symbols=400, bars=5040, seed=4, start=START)
        for symbol in source.symbols():
            c = source.get_candles(symbol, "1d", EVERY)
            days = c.timestamps.astype("datetime64[D]").astype(str)
            lines = [
                f"{d},{o:.4f},{h:.4f},{lo:.4f},{cl:.4f},{v:.0f}"
                for d, o, h, lo, cl, v in zip(
                    days, c.open, c.high, c.low, c.close, c.volume, strict=True
                )
            ]
            (folder / f"{symbol}.csv").write_text(
                "date,open,high,low,close,volume\n" + "\n".join(lines) + "\n"
            )
    os.environ["CANDLESCAN_SOURCE_CACHE_MB"] = "32"
    repo = CsvRepository(folder, check_bounds=False)
    job = ProcessingJob(
        id="cache",
        symbols=repo.symbols(),
        timeframe=Timeframe.D1,
        date_range=DateRange("2018-01-01", "2019-12-31"),
        formula=FORMULA,
    )
    peaks: list[float] = []

    async def run() -> None:
        with ProcessingEngine(repo, FormulaService(), max_workers=2) as engine:
            for _ in range(50):
                await engine.process_batch(job)
                rss = [psutil.Process(pid).memory_info().rss for pid in engine.worker_pids()]
                peaks.append(max(rss) / 2**20)

    started = time.perf_counter()
    asyncio.run(run())
    wall = time.perf_counter() - started
    return [
        [
            "csv, 400 x 5,040 bars (~92 MB parsed), bound 32 MB, 50 batches",
            f"{peaks[0]:.0f} MB",
            f"{peaks[9]:.0f} MB",
            f"{peaks[-1]:.0f} MB",
            f"{max(peaks):.0f} MB",
            f"{wall / 50:.2f} s",
        ]
    ]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=10_000)
    parser.add_argument("--bars", type=int, default=5_040)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "cs-bench")
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--skip-cache", action="store_true")
    parser.add_argument("--skip-reads", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep an existing big store")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    out = [f"Machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} at start.\n"]

    def add(text: str) -> None:  # print as soon as known: a later failure loses nothing
        out.append(text)
        print(text + "\n", flush=True)

    print(out[0], flush=True)
    if not args.skip_big:
        rows, big = bench_ingest(args.workdir, args.symbols, args.bars, args.reuse)
        add(_table(["ingest", "time", "target"], rows))
        scan_rows = bench_scans(big)
        header = ["cold `candlescan scan` from the store", "wall", "parent RSS", "worker RSS"]
        add(_table([*header, "target"], scan_rows))
    if not args.skip_reads:
        reads = bench_reads(args.workdir, args.bars)
        add(_table(["read, one process, chunks of 50 symbols", "throughput"], reads))
    if not args.skip_cache:
        header = ["bounded cache", "worker RSS b1", "b10", "b50", "max", "per batch"]
        add(_table(header, bench_cache(args.workdir)))
    load = os.getloadavg()
    add(f"Load average at the end: {load[0]:.2f} {load[1]:.2f}.")
    results = ROOT / "benchmarks" / ".results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "data.md").write_text("\n\n".join(out) + "\n")


if __name__ == "__main__":  # worker processes re-import the main module
    threading.current_thread().name = "bench_data"
    main()
