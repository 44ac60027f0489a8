"""The engine benchmarks run end to end on a tiny job (behaviour only, no timing asserts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_matches_agrees_with_the_plain_pool() -> None:
    # The script itself asserts that the engine and the plain pool find the same matches.
    command = [sys.executable, str(ROOT / "benchmarks" / "bench_matches.py")]
    command += ["--symbols", "12", "--bars", "400", "--repeat", "1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| engine |" in done.stdout and "| pool |" in done.stdout
    assert "engine / pool: time" in done.stdout
