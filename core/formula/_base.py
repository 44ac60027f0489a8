"""The compiler's shared plumbing: compiled values, step emission, type checks.

:class:`Builder` holds one program under construction. The compiler proper
(:mod:`._compiler`) adds the operators, :mod:`._calls` the indicator calls and
:mod:`._builtins` the built-in functions, each as a mixin of this class.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NoReturn

import numpy as np

from candlescan.entities import ParameterValue, Timeframe
from candlescan.errors import (
    FormulaError,
    FormulaLimitError,
    FormulaTypeError,
    InvalidParameterError,
)
from candlescan.formula import _text as tx
from candlescan.formula._limits import MAX_WINDOW
from candlescan.formula._nodes import Between, Binary, Cross, Index, Node, Select, Temporal
from candlescan.formula._program import Step
from candlescan.registry import Catalogue

if TYPE_CHECKING:
    from candlescan.kernels._params import ParamSpec

__all__ = ["CONVERGED_TOLERANCE", "Builder", "Value", "fold", "plural", "position", "quote"]

#: Relative tolerance of the ``"converged"`` warm-up policy.
CONVERGED_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Value:
    """A compiled sub-expression: a program step, or a constant."""

    kind: str  # "num", "bool" or "str"
    step: int  # index of the step computing it; -1 for a constant
    const: float | bool | str | None
    warm: int  # leading bars whose value is NaN/false (the composed TA-Lib lookback)
    text: str
    prec: int
    #: Bars before a bar that its value needs to equal the full-history value within
    #: the converged tolerance (the composed ``IndicatorSpec.warmup``); >= ``warm``.
    settle: int = 0

    @property
    def is_const(self) -> bool:
        return self.step < 0


def position(node: Node) -> int:
    """Offset of the leftmost character of ``node`` (iterative: trees can be deep)."""
    while True:
        if isinstance(node, Binary | Cross):
            node = node.left
        elif isinstance(node, Between):
            node = node.value
        elif isinstance(node, Temporal):
            node = node.condition
        elif isinstance(node, Index | Select):
            node = node.target
        else:
            return node.pos


class Builder:
    """A program under construction, with the checks every compiler part needs."""

    def __init__(
        self,
        text: str,
        catalogue: Catalogue,
        parameters: Mapping[str, ParameterValue],
        timeframe: Timeframe,
        *,
        in_tf: bool,
    ) -> None:
        self.text = text
        self.catalogue = catalogue
        self.parameters = parameters
        self.timeframe = timeframe
        self.in_tf = in_tf
        self.program: list[Step] = []
        self.seen: dict[Step, int] = {}
        self.terms: dict[str, int] = {}

    def compile(self, node: Node) -> Value:
        """Compile one node (the compiler proper implements this)."""
        raise NotImplementedError

    def fail(self, kind: type[FormulaError], message: str, pos: int, hint: str = "") -> NoReturn:
        raise kind(message, self.text, pos, hint)

    def emit(self, op: str, args: tuple[int, ...] = (), data: tuple[object, ...] = ()) -> int:
        step = Step(op, args, data)
        found = self.seen.get(step)
        if found is None:
            found = len(self.program)
            self.program.append(step)
            self.seen[step] = found
        return found

    def slot(self, value: Value) -> int:
        if value.is_const:
            return self.emit("const", (), (value.const,))
        return value.step

    def expect(self, value: Value, kind: str, pos: int, what: str) -> Value:
        if value.kind != kind:
            names = {"num": "a number", "bool": "a condition", "str": "a string"}
            hint = ""
            if kind == "bool" and value.kind == "num":
                hint = "compare it, e.g. x > 0"
            elif kind == "num" and value.kind == "bool":
                hint = "a condition is true or false, not a number"
            self.fail(
                FormulaTypeError,
                f"{what} must be {names[kind]}, got {names[value.kind]}",
                pos,
                hint,
            )
        return value

    def whole(self, node: Node, what: str, low: int) -> int:
        """A constant whole number in ``[low, MAX_WINDOW]`` (a window or bar count)."""
        value = self.compile(node)
        pos = position(node)
        number = self.constant(value, pos, what, "whole number")
        from candlescan.registry.specs import ParamSpec  # lazily: it lives with the kernels

        bars = ParamSpec("bars", low, low, MAX_WINDOW)
        checked = self.bounded(number, value.text, bars, pos, what, at_least=True)
        return int(checked)

    def constant(self, value: Value, pos: int, what: str, noun: str = "number") -> float:
        """``value``'s number; an error when it is a series, a condition or a string."""
        if value.kind != "num" or not value.is_const:
            got = "a series" if value.kind == "num" else f"a {value.kind}"
            hint = "e.g. 5 or $bars" if noun == "whole number" else ""
            self.fail(FormulaTypeError, f"{what} must be a constant {noun}, got {got}", pos, hint)
        assert isinstance(value.const, float)
        return value.const

    def bounded(
        self,
        number: float,
        text: str,
        param: ParamSpec,
        pos: int,
        what: str,
        *,
        at_least: bool = False,
    ) -> int | float:
        """``number`` checked by :meth:`ParamSpec.check` (the one bounds check), with
        whole-number windows capped at :data:`MAX_WINDOW`; a positioned error otherwise."""
        capped = param.kind == "int" and param.high > MAX_WINDOW
        limit = replace(param, high=MAX_WINDOW) if capped else param
        try:
            return limit.check(number)
        except InvalidParameterError:
            pass
        if param.kind == "int" and not (math.isfinite(number) and number.is_integer()):
            self.fail(FormulaTypeError, f"{what} must be a whole number, got {text}", pos)
        if param.kind == "int" and number > MAX_WINDOW:
            self.fail(
                FormulaLimitError,
                f"{what} of {text} is larger than the limit of {MAX_WINDOW}",
                pos,
            )
        if at_least:
            # only bars-ago counts start at 0: a negative one would look into the future
            hint = "positive numbers look into the past; the future is not visible"
            low = tx.format_number(limit.low)
            self.fail(
                FormulaTypeError,
                f"{what} must be at least {low}, got {text}",
                pos,
                hint if limit.low == 0 else "",
            )
        self.fail(
            FormulaTypeError,
            f"{what} must be between {tx.format_number(limit.low)} and "
            f"{tx.format_number(limit.high)}, got {text}",
            pos,
        )

    def crossing(self, direction: str, left: Value, right: Value) -> Value:
        word = "crosses" if direction == "any" else f"crosses {direction}"
        left_text = tx.wrap(left.text, left.prec, tx.SUM)
        text = f"{left_text} {word} {tx.wrap(right.text, right.prec, tx.SUM)}"
        if left.is_const and right.is_const:
            return Value("bool", -1, False, 0, text, tx.COMPARE)
        step = self.emit("cross", (self.slot(left), self.slot(right)), (direction,))
        warm = max(left.warm, right.warm) + 1
        settle = max(left.settle, right.settle) + 1
        return Value("bool", step, None, warm, text, tx.COMPARE, settle)

    def shifted(self, value: Value, bars: int) -> Value:
        text = f"{tx.wrap(value.text, value.prec, tx.POSTFIX)}[{bars}]"
        if value.is_const or bars == 0:
            return Value(
                value.kind, value.step, value.const, value.warm, text, tx.POSTFIX, value.settle
            )
        step = self.emit("shift", (value.step,), (bars,))
        return Value(
            value.kind, step, None, value.warm + bars, text, tx.POSTFIX, value.settle + bars
        )


def fold(op: str, a: float | bool | str | None, b: float | bool | str | None) -> float | bool:
    """Evaluate an operation on two constants exactly as the evaluator would."""
    if op == "and":
        return bool(a) and bool(b)
    if op == "or":
        return bool(a) or bool(b)
    x = np.float64(a)
    y = np.float64(b)
    with np.errstate(all="ignore"):
        if op == "add":
            return float(x + y)
        if op == "sub":
            return float(x - y)
        if op == "mul":
            return float(x * y)
        if op == "div":
            return float(np.divide(x, y))
        if op == "ne":
            return bool(x != y) and not (math.isnan(float(x)) or math.isnan(float(y)))
        return bool({"gt": x > y, "ge": x >= y, "lt": x < y, "le": x <= y, "eq": x == y}[op])


def quote(value: str) -> str:
    return '"' + value.replace('"', "'") + '"'


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s".replace("seriess", "series")
