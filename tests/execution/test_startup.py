"""Start-up robustness: workers import the installed candlescan whatever the current
directory holds, and workers that cannot start at all are one job-level error."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
CLI = BIN / "candlescan"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the forkserver start method is Linux-only"
)


@pytest.mark.skipif(not CLI.exists(), reason="the candlescan console script is not installed")
def test_workers_ignore_a_candlescan_folder_in_the_current_directory(tmp_path: Path) -> None:
    # A `git clone` of the project is a folder named candlescan holding core/, kernels/, ...
    # On 3.11 the forkserver put the current directory first on its path and workers
    # imported that folder as a namespace package: every symbol failed.
    (tmp_path / "candlescan" / "core").mkdir(parents=True)
    (tmp_path / "candlescan" / "kernels").mkdir()
    command = ["scan", "close > 0", "--source", "synthetic:4x252", "--workers", "2"]
    done = subprocess.run(
        [str(CLI), *command, "--format", "csv", "--all", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines()[1:] if line]
    assert [row.split(",")[0] for row in rows] == [f"SYM{i:04d}" for i in range(4)]
    assert "(0 failed)" in done.stderr, done.stderr


_SCRIPT = """
import asyncio
import sys

from candlescan import DateRange, PluginRegistry, ProcessingEngine, ProcessingJob
from candlescan.backends import WorkerStartError

if __name__ == "__mp_main__":  # this script's top level runs in a worker process
    raise RuntimeError("this script cannot run in a worker")


def main() -> int:
    repo = PluginRegistry.default().open_source("synthetic:5x252")
    job = ProcessingJob("j", repo.symbols(), "1d", DateRange("2013-06-01", "2013-12-19"))
    try:
        with ProcessingEngine(repo, None, 2, timeout=30) as engine:
            results = asyncio.run(engine.process_batch(job))
    except WorkerStartError as exc:
        print("JOB ERROR:", exc)
        return 7
    print("RESULTS:", len(results), sorted({r.error for r in results}, key=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
"""


def test_workers_that_cannot_start_are_one_job_level_error(tmp_path: Path) -> None:
    script = tmp_path / "scan_job.py"
    script.write_text(textwrap.dedent(_SCRIPT))
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 7, (done.stdout, done.stderr[-2000:])
    assert done.stdout.count("JOB ERROR:") == 1
    assert "worker processes cannot start" in done.stdout
    assert "RESULTS:" not in done.stdout
