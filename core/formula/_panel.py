"""Runs the cross-sectional part of a formula on a panel (rows = symbols, columns = bars).

The panel program uses the per-symbol program's operations (see :mod:`._program`),
applied along the bar axis of 2-D arrays, plus:

=========== ======= ====================================================
op          args    data
=========== ======= ====================================================
leaf        --      (index,) a per-symbol series the workers computed
rank ...    (x,)    (by,) ``rank percentile zscore demean median``
top bottom  (x,)    (n, by)
=========== ======= ====================================================

``by`` is a symbol-metadata field or ``None``. A symbol without a bar on a column is
not in that column's universe (its values are NaN / False there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from candlescan.formula._elementwise import BINARY, UNARY
from candlescan.formula._program import Program, Step
from candlescan.formula._xs_ops import CROSS_OPS, grouped

__all__ = ["run_panel"]

Panel = npt.NDArray[Any]
Codes = npt.NDArray[np.intp]


class _Context:
    __slots__ = ("groups", "leaves", "present", "shape")

    def __init__(
        self, leaves: Sequence[Panel], present: Panel, groups: Mapping[str, Codes]
    ) -> None:
        self.leaves = leaves
        self.present = present
        self.groups = groups
        self.shape = present.shape


def run_panel(
    program: Program, leaves: Sequence[Panel], present: Panel, groups: Mapping[str, Codes]
) -> list[Any]:
    """Evaluate every step of ``program``; ``present`` marks the bars each symbol has."""
    context = _Context(leaves, present, groups)
    values: list[Any] = []
    with np.errstate(all="ignore"):
        for step in program:
            values.append(_OPS[step.op](step, values, context))
    return values


def _full(value: Any, shape: tuple[int, ...]) -> Panel:
    if isinstance(value, np.ndarray):
        return value
    dtype = np.bool_ if isinstance(value, bool | np.bool_) else np.float64
    return np.full(shape, value, dtype=dtype)


def _leaf(step: Step, values: list[Any], ctx: _Context) -> Any:
    return ctx.leaves[step.data[0]]


def _const(step: Step, values: list[Any], ctx: _Context) -> Any:
    return step.data[0]


def _cross_section(step: Step, values: list[Any], ctx: _Context) -> Any:
    function, counted = CROSS_OPS[step.op]
    x = np.where(ctx.present, _full(values[step.args[0]], ctx.shape), np.nan)
    by = step.data[-1]
    codes = None if by is None else ctx.groups[by]
    if counted:
        count = step.data[0]
        return grouped(lambda part: function(part, count), x, codes, boolean=True)
    return grouped(function, x, codes, boolean=False)


def _shift(step: Step, values: list[Any], ctx: _Context) -> Any:
    x = _full(values[step.args[0]], ctx.shape)
    bars = min(step.data[0], x.shape[1])
    out = np.empty_like(x)
    out[:, :bars] = False if x.dtype == np.bool_ else np.nan
    out[:, bars:] = x[:, : x.shape[1] - bars]
    return out


def _cross(step: Step, values: list[Any], ctx: _Context) -> Any:
    a = _full(values[step.args[0]], ctx.shape)
    b = _full(values[step.args[1]], ctx.shape)
    direction = step.data[0]
    out = np.zeros(ctx.shape, dtype=np.bool_)
    now_a, now_b, was_a, was_b = a[:, 1:], b[:, 1:], a[:, :-1], b[:, :-1]
    if direction in ("above", "any"):
        out[:, 1:] |= (now_a > now_b) & (was_a <= was_b)
    if direction in ("below", "any"):
        out[:, 1:] |= (now_a < now_b) & (was_a >= was_b)
    return out


def _count(condition: Panel, bars: int) -> npt.NDArray[np.int64]:
    total = np.cumsum(condition, axis=1, dtype=np.int64)
    count = total.copy()
    if bars < total.shape[1]:
        count[:, bars:] -= total[:, :-bars]
    return count


def _within(step: Step, values: list[Any], ctx: _Context) -> Any:
    return _count(_full(values[step.args[0]], ctx.shape), step.data[0]) > 0


def _for(step: Step, values: list[Any], ctx: _Context) -> Any:
    bars = step.data[0]
    held = _count(_full(values[step.args[0]], ctx.shape), bars) == bars
    held[:, : bars - 1] = False
    return held


def _unary(function: Callable[[Any], Any]) -> Callable[[Step, list[Any], _Context], Any]:
    def op(step: Step, values: list[Any], ctx: _Context) -> Any:
        return function(values[step.args[0]])

    return op


def _binary(function: Callable[[Any, Any], Any]) -> Callable[[Step, list[Any], _Context], Any]:
    def op(step: Step, values: list[Any], ctx: _Context) -> Any:
        return function(values[step.args[0]], values[step.args[1]])

    return op


_OPS: dict[str, Callable[[Step, list[Any], _Context], Any]] = {
    "leaf": _leaf,
    "const": _const,
    **{name: _unary(function) for name, function in UNARY.items()},
    **{name: _binary(function) for name, function in BINARY.items()},
    "shift": _shift,
    "cross": _cross,
    "within": _within,
    "for": _for,
    **dict.fromkeys(CROSS_OPS, _cross_section),
}
