"""Compiles a syntax tree into a :class:`~._program.Step` program.

The compiler resolves names against the plugin catalogue, binds ``$parameters`` as
typed constants, type-checks (number vs condition vs constant), checks windows, folds
constant arithmetic, computes the warm-up, and hash-conses steps so identical
sub-expressions are computed once. This module handles values and operators;
:mod:`._calls` handles indicator calls, :mod:`._builtins` the built-in functions and
:mod:`._base` the shared plumbing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from candlescan.entities import FULL_HISTORY_BARS, ParameterValue, Timeframe
from candlescan.errors import (
    FormulaSyntaxError,
    FormulaTypeError,
    MissingParameterError,
    UnknownNameError,
)
from candlescan.formula import _text as tx
from candlescan.formula._base import Builder, Value, fold, position, quote
from candlescan.formula._builtins import Builtins
from candlescan.formula._calls import BUILTINS, SERIES, Calls
from candlescan.formula._cross_names import is_cross_call, reject_cross_call
from candlescan.formula._nodes import (
    Between,
    Binary,
    Bool,
    Call,
    Cross,
    Index,
    Name,
    Node,
    Not,
    Number,
    Param,
    Select,
    String,
    Temporal,
    Unary,
)
from candlescan.formula._program import Program
from candlescan.formula._suggest import did_you_mean
from candlescan.registry import Catalogue

__all__ = ["SERIES", "CompiledProgram", "compile_tree"]

_ARITH = {"+": "add", "-": "sub", "*": "mul", "/": "div"}

_COMPARE = {">": "gt", ">=": "ge", "<": "lt", "<=": "le", "==": "eq", "!=": "ne"}

_PREC = {
    "or": tx.OR,
    "and": tx.AND,
    "+": tx.SUM,
    "-": tx.SUM,
    "*": tx.PRODUCT,
    "/": tx.PRODUCT,
}


@dataclass(frozen=True, slots=True)
class CompiledProgram:
    """What :func:`compile_tree` returns."""

    program: Program
    result: int
    warmup: int  # the composed lookback: leading bars without a value
    terms: tuple[tuple[str, int], ...]
    converge: int = 0  # the composed warm-up to the converged tolerance


def compile_tree(
    tree: Node,
    text: str,
    catalogue: Catalogue,
    parameters: Mapping[str, ParameterValue],
    timeframe: Timeframe,
) -> CompiledProgram:
    """Compile ``tree`` (parsed from ``text``); the result must be a condition."""
    compiler = _Compiler(text, catalogue, parameters, timeframe, in_tf=False)
    value = compiler.compile(tree)
    if value.kind != "bool":
        what = "a number" if value.kind == "num" else "a string"
        compiler.fail(
            FormulaTypeError,
            f"a formula must be a condition, but this is {what}",
            position(tree),
            "compare it, e.g. rsi(close, 14) < 30",
        )
    result = compiler.slot(value)
    return CompiledProgram(
        tuple(compiler.program),
        result,
        value.warm,
        tuple(compiler.terms.items()),
        # a running total (OBV, AD) never converges: its warm-up saturates at "everything"
        min(max(value.settle, value.warm), FULL_HISTORY_BARS),
    )


class _Compiler(Calls, Builtins):
    """Compiles every node type; see :mod:`._base` for the shared plumbing."""

    def compile(self, node: Node) -> Value:
        handler = _HANDLERS.get(type(node))
        if handler is None:  # a Keyword outside a call cannot come from the parser
            self.fail(FormulaSyntaxError, "unexpected keyword argument", position(node))
        return handler(self, node)

    def child(self, timeframe: Timeframe) -> Builder:
        return _Compiler(self.text, self.catalogue, self.parameters, timeframe, in_tf=True)

    def number(self, node: Number) -> Value:
        return Value("num", -1, float(node.value), 0, tx.format_number(node.value), tx.ATOM)

    def boolean(self, node: Bool) -> Value:
        return Value("bool", -1, node.value, 0, "true" if node.value else "false", tx.ATOM)

    def string(self, node: String) -> Value:
        return Value("str", -1, node.value, 0, quote(node.value), tx.ATOM)

    def param(self, node: Param) -> Value:
        if node.name not in self.parameters:
            hint = did_you_mean(node.name, self.parameters) or (
                f"add {node.name!r} to the job's parameters"
            )
            self.fail(
                MissingParameterError,
                f"parameter ${node.name} is not given by the job",
                node.pos,
                hint,
            )
        value = self.parameters[node.name]
        if isinstance(value, np.generic):  # numpy scalars from a host's arrays
            value = value.item()
        if isinstance(value, bool):
            return Value("bool", -1, value, 0, "true" if value else "false", tx.ATOM)
        if isinstance(value, int | float):
            number = float(value)
            if not math.isfinite(number):
                self.fail(FormulaTypeError, f"parameter ${node.name} is not finite", node.pos)
            text = tx.format_number(number)
            return Value("num", -1, number, 0, text, tx.ATOM if number >= 0 else tx.UNARY)
        if isinstance(value, str):
            return Value("str", -1, value, 0, quote(value), tx.ATOM)
        self.fail(
            FormulaTypeError,
            f"parameter ${node.name} must be a number, bool or string, got {type(value).__name__}",
            node.pos,
        )

    def name(self, node: Name) -> Value:
        if node.name in SERIES:
            return Value("num", self.emit("column", (), (node.name,)), None, 0, node.name, tx.ATOM)
        if node.name in self.catalogue.indicator_names or node.name in BUILTINS:
            self.fail(
                UnknownNameError,
                f"{node.name!r} is a function, not a series",
                node.pos,
                f"call it: {node.name}(...)",
            )
        known = [*SERIES, *self.catalogue.indicator_names]
        hint = did_you_mean(node.name, known) or "series: " + ", ".join(SERIES)
        self.fail(UnknownNameError, f"unknown series {node.name!r}", node.pos, hint)

    def unary(self, node: Unary) -> Value:
        value = self.expect(
            self.compile(node.operand), "num", node.pos, f"the operand of {node.op!r}"
        )
        if node.op == "+":
            return value
        text = "-" + tx.wrap(value.text, value.prec, tx.UNARY)
        if value.is_const:
            assert isinstance(value.const, float)
            return Value("num", -1, -value.const, 0, text, tx.UNARY)
        step = self.emit("neg", (value.step,))
        return Value("num", step, None, value.warm, text, tx.UNARY, value.settle)

    def binary(self, node: Binary) -> Value:
        left = self.compile(node.left)
        right = self.compile(node.right)
        if node.op in ("and", "or"):
            self.expect(left, "bool", position(node.left), f"the left side of {node.op!r}")
            self.expect(right, "bool", position(node.right), f"the right side of {node.op!r}")
            return self.combine(node.op, node.op, left, right, _PREC[node.op], "bool")
        if node.op in _COMPARE:
            self.expect(left, "num", position(node.left), f"the left side of {node.op!r}")
            self.expect(right, "num", position(node.right), f"the right side of {node.op!r}")
            return self.combine(_COMPARE[node.op], node.op, left, right, tx.COMPARE, "bool")
        self.expect(left, "num", position(node.left), f"the left side of {node.op!r}")
        self.expect(right, "num", position(node.right), f"the right side of {node.op!r}")
        return self.combine(_ARITH[node.op], node.op, left, right, _PREC[node.op], "num")

    def combine(
        self, op: str, symbol: str, left: Value, right: Value, prec: int, kind: str
    ) -> Value:
        # Comparisons do not associate; arithmetic and and/or associate to the left.
        right_min = prec + 1
        left_min = prec + 1 if prec == tx.COMPARE else prec
        text = (
            f"{tx.wrap(left.text, left.prec, left_min)} {symbol} "
            f"{tx.wrap(right.text, right.prec, right_min)}"
        )
        if left.is_const and right.is_const:
            return Value(kind, -1, fold(op, left.const, right.const), 0, text, prec)
        step = self.emit(op, (self.slot(left), self.slot(right)))
        warm, settle = max(left.warm, right.warm), max(left.settle, right.settle)
        return Value(kind, step, None, warm, text, prec, settle)

    def negate(self, node: Not) -> Value:
        value = self.expect(self.compile(node.operand), "bool", position(node.operand), "'not'")
        text = "not " + tx.wrap(value.text, value.prec, tx.NOT)
        if value.is_const:
            return Value("bool", -1, not value.const, 0, text, tx.NOT)
        step = self.emit("not", (value.step,))
        return Value("bool", step, None, value.warm, text, tx.NOT, value.settle)

    def between(self, node: Between) -> Value:
        value = self.expect(self.compile(node.value), "num", position(node.value), "'between'")
        low = self.expect(self.compile(node.low), "num", position(node.low), "the low bound")
        high = self.expect(self.compile(node.high), "num", position(node.high), "the high bound")
        above = self.combine("ge", ">=", value, low, tx.COMPARE, "bool")
        below = self.combine("le", "<=", value, high, tx.COMPARE, "bool")
        both = self.combine("and", "and", above, below, tx.AND, "bool")
        text = (
            f"{tx.wrap(value.text, value.prec, tx.SUM)} between "
            f"{tx.wrap(low.text, low.prec, tx.SUM)} and {tx.wrap(high.text, high.prec, tx.SUM)}"
        )
        return Value("bool", both.step, both.const, both.warm, text, tx.COMPARE, both.settle)

    def cross(self, node: Cross) -> Value:
        left = self.expect(self.compile(node.left), "num", position(node.left), "'crosses'")
        right = self.expect(self.compile(node.right), "num", position(node.right), "'crosses'")
        return self.crossing(node.direction, left, right)

    def temporal(self, node: Temporal) -> Value:
        condition = self.expect(
            self.compile(node.condition), "bool", position(node.condition), f"'{node.kind}'"
        )
        bars = self.whole(node.count, f"the bar count of '{node.kind}'", 1)
        text = f"{tx.wrap(condition.text, condition.prec, tx.TEMPORAL)} {node.kind} {bars} bars"
        if condition.is_const or bars == 1:
            return replace(condition, text=text, prec=tx.TEMPORAL)
        step = self.emit(node.kind, (condition.step,), (bars,))
        warm, settle = condition.warm + bars - 1, condition.settle + bars - 1
        return Value("bool", step, None, warm, text, tx.TEMPORAL, settle)

    def index(self, node: Index) -> Value:
        value = self.compile(node.target)
        if value.kind == "str":
            self.fail(FormulaTypeError, "a string has no past values", node.pos)
        bars = self.whole(node.offset, "bars ago", 0)
        return self.shifted(value, bars)

    def select(self, node: Select) -> Value:
        if not isinstance(node.target, Call) or node.target.name in BUILTINS:
            self.fail(
                FormulaTypeError,
                f"'.{node.name}' can only follow an indicator call",
                node.pos,
                "e.g. macd(close).signal",
            )
        return self.indicator(node.target, node.name, node.pos)

    def call(self, node: Call) -> Value:
        if is_cross_call(node, self.catalogue):  # lifted out by ._cross wherever it can be
            reject_cross_call(node, self.text, self.in_tf)
        builtin = _BUILTIN_HANDLERS.get(node.name)
        if builtin is not None:
            return builtin(self, node)
        return self.indicator(node, None, -1)


_HANDLERS: dict[type, Callable[[_Compiler, Node], Value]] = {
    Number: _Compiler.number,  # type: ignore[dict-item]
    Bool: _Compiler.boolean,  # type: ignore[dict-item]
    String: _Compiler.string,  # type: ignore[dict-item]
    Param: _Compiler.param,  # type: ignore[dict-item]
    Name: _Compiler.name,  # type: ignore[dict-item]
    Unary: _Compiler.unary,  # type: ignore[dict-item]
    Binary: _Compiler.binary,  # type: ignore[dict-item]
    Not: _Compiler.negate,  # type: ignore[dict-item]
    Between: _Compiler.between,  # type: ignore[dict-item]
    Cross: _Compiler.cross,  # type: ignore[dict-item]
    Temporal: _Compiler.temporal,  # type: ignore[dict-item]
    Index: _Compiler.index,  # type: ignore[dict-item]
    Select: _Compiler.select,  # type: ignore[dict-item]
    Call: _Compiler.call,  # type: ignore[dict-item]
}

_BUILTIN_HANDLERS: dict[str, Callable[[_Compiler, Call], Value]] = {
    "abs": _Compiler.builtin_abs,
    "crossover": _Compiler.builtin_crossover,
    "crossunder": _Compiler.builtin_crossunder,
    "ref": _Compiler.builtin_ref,
    "tf": _Compiler.builtin_tf,
}
