"""Clean runs: the NaN rule of the volatility, channels, volume, volume_averages and
statistics kernels, and the shared fused multiply-add :data:`_fma`.

A kernel cuts its inputs into maximal runs of bars where *every* input is non-NaN and
computes each run as if it were a whole series of its own (TA-Lib's numbers on the run,
with a fresh warm-up of ``lookback`` bars). Bars outside a run, and the warm-up bars at
the start of each run, are NaN. On finite input there is one run: exactly TA-Lib.

The kernels first compute the whole input as one run, optimistically, into outputs the
Python wrapper allocated with NumPy, and notice a NaN input on the way (it stays in a
running sum or recursion to the end, or a flag ORs a NaN test of each bar); only then
do they redo the series run by run with the run finders below, which scan the inputs in
place (no mask array). They test the sum of a bar's inputs, so a bar is missing when
any input is NaN (or, degenerately, when one is +inf and another -inf).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np
from numba import types
from numba.extending import intrinsic

from candlescan.kernels._config import njit
from candlescan.kernels._meta import F64Array

__all__: list[str] = []


@njit
def _run1(a: F64Array, start: int) -> tuple[int, int]:
    """``(s, e)``: the first run ``[s, e)`` of non-NaN bars at or after ``start``.

    ``s == len(a)`` when there is none left.
    """
    n = len(a)
    s = start
    while s < n and np.isnan(a[s]):
        s += 1
    e = s
    while e < n and not np.isnan(a[e]):
        e += 1
    return s, e


@njit
def _run2(a: F64Array, b: F64Array, start: int) -> tuple[int, int]:
    """Like :func:`_run1`, for bars where both inputs are non-NaN."""
    n = len(a)
    s = start
    # One NaN test on the sum instead of one per input (a NaN anywhere makes it NaN).
    while s < n and np.isnan(a[s] + b[s]):
        s += 1
    e = s
    while e < n and not np.isnan(a[e] + b[e]):
        e += 1
    return s, e


@njit
def _run3(a: F64Array, b: F64Array, c: F64Array, start: int) -> tuple[int, int]:
    """Like :func:`_run1`, for bars where all three inputs are non-NaN."""
    n = len(a)
    s = start
    while s < n and np.isnan(a[s] + b[s] + c[s]):
        s += 1
    e = s
    while e < n and not np.isnan(a[e] + b[e] + c[e]):
        e += 1
    return s, e


@njit
def _run4(a: F64Array, b: F64Array, c: F64Array, d: F64Array, start: int) -> tuple[int, int]:
    """Like :func:`_run1`, for bars where all four inputs are non-NaN."""
    n = len(a)
    s = start
    while s < n and np.isnan(a[s] + b[s] + c[s] + d[s]):
        s += 1
    e = s
    while e < n and not np.isnan(a[e] + b[e] + c[e] + d[e]):
        e += 1
    return s, e


@njit
def _any_nan(x: F64Array, s: int, e: int) -> bool:
    """Whether ``x[s:e]`` holds a NaN (a branch-free OR the compiler can vectorize)."""
    found = False
    for i in range(s, e):
        found |= x[i] != x[i]
    return found


@intrinsic
def _fma_intrinsic(typingctx: Any, a: Any, b: Any, c: Any) -> Any:
    signature = types.float64(types.float64, types.float64, types.float64)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        return builder.fma(*args)

    return signature, codegen


#: ``a * b + c`` rounded once (LLVM's ``llvm.fma``), callable from ``@njit`` code. In a
#: recursion's dependency chain it costs one instruction instead of two.
_fma = cast(Callable[[float, float, float], float], _fma_intrinsic)
