"""The compiled form of a formula: a flat, picklable list of steps.

Each :class:`Step` names an operation, the earlier steps it reads (``args``, indices
into the program) and its static data (kernel reference, window, timeframe ...). The
compiler hash-conses steps, so an identical sub-expression is one step, computed once.

Operations (``op``) and their ``data``:

======== ================================ ==============================================
op       args                             data
======== ================================ ==============================================
column   --                               (name,)  open high low close volume hl2 hlc3 ohlc4
const    --                               (value,) a float or bool
kernel   input steps                      (kernel_ref, ((param, value), ...))
output   (kernel step,)                   (index,) one array of a multi-output kernel
neg abs  (x,)                             --
add sub mul div min max  (a, b)          --
gt ge lt le eq ne  (a, b)                 -- NaN on either side gives False
and or   (a, b)                           --
not      (x,)                             --
shift    (x,)                             (bars,)
cross    (a, b)                           (direction,) "above", "below" or "any"
within   (c,)                             (bars,) true on >= 1 of the last ``bars`` bars
for      (c,)                             (bars,) true on each of the last ``bars`` bars
tf       --                               (timeframe, program, result, is_bool)
======== ================================ ==============================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Program", "Step"]


@dataclass(frozen=True, slots=True)
class Step:
    """One operation of a compiled formula (see the module docstring)."""

    op: str
    args: tuple[int, ...] = ()
    data: tuple[Any, ...] = ()


Program = tuple[Step, ...]
