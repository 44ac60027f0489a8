"""``_u(i)``: a non-negative index typed unsigned, so Numba skips its wraparound.

Numba lets a negative signed index count from the end: unless it can prove the index
non-negative (it rarely can for ``block + j`` or ``i - period``), every access pays a
shift, an and and an add, and the loop does not vectorise. In the hot loops of the
window and moving-average kernels that bookkeeping, not the arithmetic, was the cost
(rolling max on 10^6 bars: 1.45 ms -> 0.92 ms). Use it only for indices known >= 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from numba import types
from numba.extending import intrinsic

__all__: list[str] = []


@intrinsic
def _u_intrinsic(typingctx: Any, i: Any) -> Any:
    signature = types.uint64(types.int64)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        return args[0]  # the same bits, typed unsigned

    return signature, codegen


#: ``i`` (an ``int`` >= 0) as an unsigned index, callable from ``@njit`` code.
_u = cast(Callable[[int], int], _u_intrinsic)
