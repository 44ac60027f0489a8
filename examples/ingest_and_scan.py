"""Ingest the shared real data into a store, then scan it (the README's scan).

    python examples/ingest_and_scan.py [CSV_FOLDER] [STORE]

CSV_FOLDER defaults to ../shared/data/ohlcv beside the repository (409 real S&P 500 daily
files), else the bundled sample; STORE defaults to a file in a temporary folder. Running it
twice shows the upsert: the second ingest rewrites the same bars and changes nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from candlescan.cli import main

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohlcv"
FORMULA = "rsi(close, 14) < 30 and close > sma(close, 200)"


def run(store: Path, source: str) -> int:
    started = time.perf_counter()
    code = main(["ingest", source, "--into", str(store)])
    print(f"ingest exit code {code} ({time.perf_counter() - started:.2f} s)")
    if code not in (0, 3):  # 3: some symbols skipped for bad data, the rest ingested
        return code
    return main(["scan", FORMULA, "--source", f"duckdb:{store}", "--quiet"])


if __name__ == "__main__":  # worker processes re-import this module
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED
    source = f"csv:{folder}" if folder.is_dir() else "sample"
    if len(sys.argv) > 2:
        sys.exit(run(Path(sys.argv[2]), source))
    with tempfile.TemporaryDirectory() as tmp:
        sys.exit(run(Path(tmp) / "bars.duckdb", source))
