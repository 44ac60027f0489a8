"""Run in a fresh interpreter by :mod:`benchmarks.startup`: import, then first calls.

``python -m benchmarks._startup_child KERNEL [KERNEL ...]`` prints one JSON line with
``import_s`` (``import candlescan.kernels``, numpy and numba included; ``split`` breaks
it into numpy + numba, the ``candlescan`` package, and the kernels) and, per kernel
in the order given, ``first_call_s``: its first call on 1,000 bars, which compiles
whatever is not compiled yet when ``NUMBA_CACHE_DIR`` is empty, or loads it from the
cache when the cache is filled. Building the inputs is not timed.
"""

from __future__ import annotations

import time

_START = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

import numba  # noqa: E402, F401  (timed apart: the part of the import that is not ours)
import numpy  # noqa: E402, F401

_THIRD_PARTY = time.perf_counter()

import candlescan  # noqa: E402, F401

_PACKAGE = time.perf_counter()

import candlescan.kernels as kernels  # noqa: E402

_IMPORTED = time.perf_counter()


def main() -> None:
    from tests.kernels.cases import all_cases, synthetic_ohlcv

    cases = all_cases()
    bars = synthetic_ohlcv(1000)
    registry = kernels.all_kernels()
    first_calls = {}
    for name in sys.argv[1:]:
        arrays = cases[name].arrays(bars)
        start = time.perf_counter()
        registry[name](*arrays)
        first_calls[name] = time.perf_counter() - start
    split = {
        "numpy_numba_s": _THIRD_PARTY - _START,
        "package_s": _PACKAGE - _THIRD_PARTY,
        "kernels_s": _IMPORTED - _PACKAGE,
    }
    print(json.dumps({"import_s": _IMPORTED - _START, "first_call_s": first_calls, "split": split}))


if __name__ == "__main__":
    main()
