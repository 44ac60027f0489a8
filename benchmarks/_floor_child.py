"""Numba's own floor for a cold start, run in a fresh interpreter by :mod:`benchmarks.startup`.

The same measurement as :mod:`benchmarks._startup_child` for a trivial cached ``@njit``
running sum: ``import numpy, numba`` and its first call (a compile when the cache is
empty, a load when it is filled). Whatever a kernel's cold start costs beyond this is
ours (package imports, size of the kernel's call chain).
"""

from __future__ import annotations

import time

_START = time.perf_counter()

import json  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402

_IMPORTED = time.perf_counter()


@numba.njit(cache=True, nogil=True)
def _running_sum(values: np.ndarray) -> np.ndarray:
    out = np.empty_like(values)
    total = 0.0
    for i in range(values.shape[0]):
        total += values[i]
        out[i] = total
    return out


def main() -> None:
    values = np.ones(1000)
    start = time.perf_counter()
    _running_sum(values)
    first_call = time.perf_counter() - start
    print(json.dumps({"import_s": _IMPORTED - _START, "first_call_s": {"floor": first_call}}))


if __name__ == "__main__":
    main()
