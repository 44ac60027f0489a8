"""Runs a compiled program over one symbol's candles with NumPy and the kernels.

Numbers are float64 arrays (or Python floats for constants); conditions are bool
arrays. A comparison with NaN on either side is False, ``!=`` included. Kernels are
imported by their ``"module:qualname"`` reference, so a worker needs no plugin
machinery.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from candlescan.entities import PRICE_COLUMNS, Candles
from candlescan.formula._elementwise import BINARY, UNARY
from candlescan.formula._program import Program, Step
from candlescan.registry.refs import resolve

__all__ = ["Prepared", "prepare", "run", "run_prepared"]

_Values = list[Any]
_Op = Callable[[Step, _Values, "_Context"], Any]
#: One step with its static data bound: ``fn(values, context) -> value``.
_Bound = Callable[[_Values, "_Context"], Any]
Prepared = tuple[_Bound, ...]


class _Context:
    """The candles being evaluated and their length."""

    __slots__ = ("candles", "n", "stop")

    def __init__(self, candles: Candles, stop: int) -> None:
        self.candles = candles
        self.stop = stop
        self.n = stop


def run(program: Program, candles: Candles, stop: int) -> _Values:
    """Evaluate every step over bars ``0:stop`` of ``candles``; return each step's value."""
    with np.errstate(all="ignore"):
        return run_prepared(prepare(program), candles, stop)


def run_prepared(steps: Prepared, candles: Candles, stop: int) -> _Values:
    """:func:`run` for a program already :func:`prepare` d, without entering
    ``np.errstate`` (the caller does, once for many symbols)."""
    context = _Context(candles, stop)
    values: _Values = []
    append = values.append
    for step in steps:
        append(step(values, context))
    return values


def prepare(program: Program) -> Prepared:
    """Bind each step's operation and static data once, for many symbols.

    The hot operations (columns, constants, kernels, arithmetic and comparisons) become
    closures that do no lookups per symbol; the rest call their operation with the step.
    """
    hit = _PREPARED.get(id(program))
    if hit is not None and hit[0] is program:  # the entry holds the program: ids stay unique
        return hit[1]
    steps = tuple(_bind(step) for step in program)
    if len(_PREPARED) >= _PREPARED_MAX:
        _PREPARED.pop(next(iter(_PREPARED)))
    _PREPARED[id(program)] = (program, steps)
    return steps


#: Recently prepared programs by identity, so ``CompiledFormula.evaluate`` called symbol
#: after symbol binds its steps once (a plan unpickled in a worker is a new program).
_PREPARED: dict[int, tuple[Program, Prepared]] = {}
_PREPARED_MAX = 64


def _bind(step: Step) -> _Bound:
    op = step.op
    if op == "column" and step.data[0] in _PLAIN_COLUMNS:
        name = step.data[0]
        return lambda values, ctx: getattr(ctx.candles, name)[: ctx.stop]
    if op == "const":
        constant = step.data[0]
        return lambda values, ctx: constant
    if op == "kernel":
        return _bind_kernel(step)
    if op in BINARY:
        function, (a, b) = BINARY[op], step.args
        return lambda values, ctx: function(values[a], values[b])
    operation = _OPS[op]
    return lambda values, ctx: operation(step, values, ctx)


def _bind_kernel(step: Step) -> _Bound:
    kernel = _fast_entry(step.data[0])
    params = dict(step.data[1])
    args = step.args
    if len(args) == 1:
        (only,) = args

        def one(values: _Values, ctx: _Context) -> Any:
            return kernel(_kernel_input(_array(values[only], ctx.n)), **params)

        return one

    def many(values: _Values, ctx: _Context) -> Any:
        return kernel(*[_kernel_input(_array(values[i], ctx.n)) for i in args], **params)

    return many


def _array(value: Any, n: int) -> npt.NDArray[Any]:
    """``value`` as a full-length array (constants are broadcast)."""
    if isinstance(value, np.ndarray):
        return value
    dtype = np.bool_ if isinstance(value, bool | np.bool_) else np.float64
    return np.full(n, value, dtype=dtype)


def _column(step: Step, values: _Values, ctx: _Context) -> Any:
    name = step.data[0]
    c = ctx.candles
    stop = ctx.stop
    if name == "hl2":
        return (c.high[:stop] + c.low[:stop]) / 2.0
    if name == "hlc3":
        return (c.high[:stop] + c.low[:stop] + c.close[:stop]) / 3.0
    if name == "ohlc4":
        return (c.open[:stop] + c.high[:stop] + c.low[:stop] + c.close[:stop]) / 4.0
    return c.column(name)[:stop]


def _const(step: Step, values: _Values, ctx: _Context) -> Any:
    return step.data[0]


def _kernel(step: Step, values: _Values, ctx: _Context) -> Any:
    kernel = _fast_entry(step.data[0])
    arrays = [_kernel_input(_array(values[i], ctx.n)) for i in step.args]
    return kernel(*arrays, **dict(step.data[1]))


@functools.cache
def _fast_entry(ref: str) -> Callable[..., Any]:
    # Parameters were checked when the formula compiled, so a decorated kernel's
    # per-call checks (~10 us, a fifth of a symbol's evaluation) can be skipped.
    kernel = resolve(ref)
    entry: Callable[..., Any] = getattr(kernel, "unchecked", kernel)
    return entry


def _kernel_input(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    # What ``unchecked`` requires (a column slice or a fresh result already is this).
    if array.dtype == np.float64 and array.flags.c_contiguous and array.flags.writeable:
        return array
    from candlescan.kernels._meta import as_input  # rare path; keeps numba out of imports

    return as_input(array)


def _output(step: Step, values: _Values, ctx: _Context) -> Any:
    return values[step.args[0]][step.data[0]]


def _unary(function: Callable[[Any], Any]) -> _Op:
    def op(step: Step, values: _Values, ctx: _Context) -> Any:
        return function(values[step.args[0]])

    return op


def _binary(function: Callable[[Any, Any], Any]) -> _Op:
    def op(step: Step, values: _Values, ctx: _Context) -> Any:
        return function(values[step.args[0]], values[step.args[1]])

    return op


def _shift_array(x: npt.NDArray[Any], bars: int) -> npt.NDArray[Any]:
    out = np.empty_like(x)
    fill = False if x.dtype == np.bool_ else np.nan
    if bars >= len(x):
        out[:] = fill
        return out
    out[:bars] = fill
    out[bars:] = x[: len(x) - bars]
    return out


def _shift(step: Step, values: _Values, ctx: _Context) -> Any:
    return _shift_array(_array(values[step.args[0]], ctx.n), step.data[0])


def _cross(step: Step, values: _Values, ctx: _Context) -> Any:
    a = _array(values[step.args[0]], ctx.n)
    b = _array(values[step.args[1]], ctx.n)
    direction = step.data[0]
    above = np.zeros(len(a), dtype=np.bool_)
    below = np.zeros(len(a), dtype=np.bool_)
    if len(a) > 1:
        now_a, now_b, was_a, was_b = a[1:], b[1:], a[:-1], b[:-1]
        if direction in ("above", "any"):
            above[1:] = (now_a > now_b) & (was_a <= was_b)
        if direction in ("below", "any"):
            below[1:] = (now_a < now_b) & (was_a >= was_b)
    return above | below


def _window_count(condition: npt.NDArray[Any], bars: int) -> npt.NDArray[np.int64]:
    """How many of the last ``bars`` bars (current included) hold ``condition``."""
    total = np.cumsum(condition, dtype=np.int64)
    count = total.copy()
    count[bars:] -= total[:-bars] if bars < len(total) else total[:0]
    return count


def _within(step: Step, values: _Values, ctx: _Context) -> Any:
    return _window_count(_array(values[step.args[0]], ctx.n), step.data[0]) > 0


def _for(step: Step, values: _Values, ctx: _Context) -> Any:
    bars = step.data[0]
    held = _window_count(_array(values[step.args[0]], ctx.n), bars) == bars
    held[: bars - 1] = False  # the window is not full yet
    return held


def _tf(step: Step, values: _Values, ctx: _Context) -> Any:
    from candlescan.data.resample import resample  # imported only by formulas that use tf()

    timeframe, program, results, is_bool = step.data
    base = ctx.candles if ctx.stop == len(ctx.candles) else ctx.candles.slice(0, ctx.stop)
    higher = resample(base, timeframe)
    inner = run(program, higher, len(higher))
    # A higher-timeframe bar is stamped with its last base bar; it is visible from the
    # next base bar on, when it is certainly complete (no look-ahead, no repainting).
    seen = np.searchsorted(higher.timestamps, base.timestamps, side="left") - 1
    known = seen >= 0
    mapped = []
    for index, slot in enumerate(results):
        series = _array(inner[slot], len(higher))
        boolean = is_bool if index == 0 else False
        out = np.zeros(ctx.n, dtype=np.bool_) if boolean else np.full(ctx.n, np.nan)
        out[known] = series[seen[known]]
        mapped.append(out)
    return tuple(mapped)


_PLAIN_COLUMNS = frozenset(PRICE_COLUMNS)
_OPS: dict[str, _Op] = {
    "column": _column,
    "const": _const,
    "kernel": _kernel,
    "output": _output,
    **{name: _unary(function) for name, function in UNARY.items()},
    **{name: _binary(function) for name, function in BINARY.items()},
    "shift": _shift,
    "cross": _cross,
    "within": _within,
    "for": _for,
    "tf": _tf,
}
