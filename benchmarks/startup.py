"""Compile time from scratch and cold start, measured in fresh interpreters.

* Compile: one child with an *empty* ``NUMBA_CACHE_DIR`` calls every chosen kernel
  once, in registry order. The first call compiles the kernel's whole call chain; a
  later kernel only compiles what earlier ones did not (shared helpers), so the sum is
  what a fresh install pays once and each entry is that kernel's increment.
* Cold start: for each chosen kernel, a child with the cache that run filled measures
  what a worker pays: ``import candlescan.kernels`` plus the first call of one cached
  kernel (target: at most 0.5 s). The same is measured for a trivial cached ``@njit``
  function (numba's floor), so the part of a cold start that is ours shows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["COLD_START_TARGET_S", "ColdStart", "Startup", "measure_startup"]

ROOT = Path(__file__).resolve().parents[1]

#: The issue's target for import + first call of a cached kernel.
COLD_START_TARGET_S = 0.5


@dataclass(frozen=True)
class ColdStart:
    """A fresh process with a filled cache: import, then one kernel's first call."""

    kernel: str
    import_s: float
    call_s: float
    process_s: float  # whole child, interpreter start to exit (includes building inputs)
    split: dict[str, float] | None = None  # numpy_numba_s, package_s, kernels_s

    @property
    def total_s(self) -> float:
        return self.import_s + self.call_s


@dataclass(frozen=True)
class Startup:
    """Compile increments per kernel (empty cache, one process) and cold starts."""

    compile_import_s: float
    compile_s: dict[str, float]
    cold: list[ColdStart]
    floor: ColdStart | None = None  # a trivial cached @njit function: numba's own cost

    @property
    def compile_total_s(self) -> float:
        return sum(self.compile_s.values())


def _child(
    kernels: Sequence[str], cache_dir: str, module: str = "benchmarks._startup_child"
) -> tuple[dict[str, Any], float]:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir, CANDLESCAN_NUMBA_CACHE="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", module, *kernels],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"start-up child {list(kernels)} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result, wall


def measure_startup(
    compile_kernels: Sequence[str],
    cold_kernels: Sequence[str],
    progress: Callable[[str], None] = print,
) -> Startup:
    """Compile ``compile_kernels`` from scratch, then cold-start each of ``cold_kernels``."""
    with tempfile.TemporaryDirectory(prefix="candlescan-numba-") as cache_dir:
        progress(f"[compile] {len(compile_kernels)} kernels from an empty cache")
        compiled, _ = _child(list(compile_kernels), cache_dir)
        cold = []
        for index, name in enumerate(cold_kernels, 1):
            progress(f"[cold start {index}/{len(cold_kernels)}] {name}")
            if name not in compiled["first_call_s"]:
                _child([name], cache_dir)  # fill the cache for it first
            result, wall = _child([name], cache_dir)
            cold.append(
                ColdStart(
                    name,
                    result["import_s"],
                    result["first_call_s"][name],
                    wall,
                    result.get("split"),
                )
            )
        floor = None
        if cold_kernels:
            progress("[cold start] numba floor")
            _child([], cache_dir, "benchmarks._floor_child")  # compile and cache it
            result, wall = _child([], cache_dir, "benchmarks._floor_child")
            floor = ColdStart(
                "numba floor", result["import_s"], result["first_call_s"]["floor"], wall
            )
    return Startup(
        compile_import_s=compiled["import_s"],
        compile_s=compiled["first_call_s"],
        cold=cold,
        floor=floor,
    )
