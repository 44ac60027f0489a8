"""If the engine's process is killed, its workers (even stuck in machine code) die too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_workers_and_forkserver_die_with_a_killed_parent() -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.execution._orphan_child"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()  # printed once both workers are stuck
        pids = [int(pid) for pid in line.split()]
        # forkserver, resource tracker, two workers (at least)
        assert len(pids) >= 3, line
        procs = [psutil.Process(pid) for pid in pids]
    finally:
        child.kill()
        child.wait(30)
        if child.stdout is not None:
            child.stdout.close()
    _, alive = psutil.wait_procs(procs, timeout=10)
    alive = [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]
    # The resource tracker exits on its own once its pipe closes; workers and the
    # forkserver are killed by their parent-death signal.
    assert not alive, [(p.pid, p.cmdline()[-1][:60]) for p in alive]
