"""Compiles a syntax tree into a :class:`~._program.Step` program.

The compiler resolves names against the plugin catalogue, binds ``$parameters`` as
typed constants, type-checks (number vs condition vs constant), checks windows, folds
constant arithmetic, computes the warm-up, and hash-conses steps so identical
sub-expressions are computed once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NoReturn

import numpy as np

from candlescan.entities import ParameterValue, Timeframe
from candlescan.errors import (
    FormulaError,
    FormulaLimitError,
    FormulaSyntaxError,
    FormulaTypeError,
    InvalidJobError,
    MissingParameterError,
    UnknownNameError,
)
from candlescan.formula import _text as tx
from candlescan.formula._limits import MAX_WINDOW
from candlescan.formula._nodes import (
    Between,
    Binary,
    Bool,
    Call,
    Cross,
    Index,
    Keyword,
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
from candlescan.formula._program import Program, Step
from candlescan.formula._sugar import DERIVED_OUTPUTS, expand_keyword, match_output
from candlescan.formula._suggest import did_you_mean
from candlescan.registry import Catalogue
from candlescan.specs import PRICE_INPUTS, IndicatorSpec

__all__ = ["SERIES", "CompiledProgram", "compile_tree"]

#: Price series a formula can name, and the columns they are built from.
SERIES = ("open", "high", "low", "close", "volume", "hl2", "hlc3", "ohlc4")

#: Built-in functions, handled by the compiler rather than by a plugin.
BUILTINS = ("abs", "crossover", "crossunder", "ref", "tf")

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

#: Minutes per bar, to compare timeframes and size a higher timeframe's warm-up
#: (a month counts as 31 days so the warm-up errs on the side of more bars).
_MINUTES = {
    "1m": 1,
    "5m": 5,
    "15m": 15,
    "30m": 30,
    "1h": 60,
    "4h": 240,
    "1d": 1440,
    "1w": 10080,
    "1mo": 44640,
}


@dataclass(frozen=True, slots=True)
class _Val:
    """A compiled sub-expression: a program step, or a constant."""

    kind: str  # "num", "bool" or "str"
    step: int  # index of the step computing it; -1 for a constant
    const: float | bool | str | None
    warm: int  # leading bars whose value is not yet meaningful
    text: str
    prec: int

    @property
    def is_const(self) -> bool:
        return self.step < 0


@dataclass(frozen=True, slots=True)
class CompiledProgram:
    """What :func:`compile_tree` returns."""

    program: Program
    result: int
    warmup: int
    terms: tuple[tuple[str, int], ...]


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
            _pos(tree),
            "compare it, e.g. rsi(close, 14) < 30",
        )
    result = compiler.slot(value)
    return CompiledProgram(
        tuple(compiler.program), result, value.warm, tuple(compiler.terms.items())
    )


def _pos(node: Node) -> int:
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


class _Compiler:
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

    # --- plumbing ---------------------------------------------------------------------

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

    def slot(self, value: _Val) -> int:
        if value.is_const:
            return self.emit("const", (), (value.const,))
        return value.step

    def compile(self, node: Node) -> _Val:
        handler = _HANDLERS.get(type(node))
        if handler is None:  # a Keyword outside a call cannot come from the parser
            self.fail(FormulaSyntaxError, "unexpected keyword argument", node.pos)
        return handler(self, node)

    def expect(self, value: _Val, kind: str, pos: int, what: str) -> _Val:
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
        pos = _pos(node)
        if value.kind != "num" or not value.is_const:
            got = "a series" if value.kind == "num" else f"a {value.kind}"
            self.fail(
                FormulaTypeError,
                f"{what} must be a constant whole number, got {got}",
                pos,
                "e.g. 5 or $bars",
            )
        assert isinstance(value.const, float)
        number = value.const
        if not (math.isfinite(number) and number.is_integer()):
            self.fail(FormulaTypeError, f"{what} must be a whole number, got {value.text}", pos)
        if number > MAX_WINDOW:
            self.fail(
                FormulaLimitError,
                f"{what} of {value.text} is larger than the limit of {MAX_WINDOW}",
                pos,
            )
        if number < low:
            hint = (
                "positive numbers look into the past; the future is not visible"
                if (low == 0)
                else ""
            )
            self.fail(
                FormulaTypeError, f"{what} must be at least {low}, got {value.text}", pos, hint
            )
        return int(number)

    # --- leaves -----------------------------------------------------------------------

    def number(self, node: Number) -> _Val:
        return _Val("num", -1, float(node.value), 0, tx.format_number(node.value), tx.ATOM)

    def boolean(self, node: Bool) -> _Val:
        return _Val("bool", -1, node.value, 0, "true" if node.value else "false", tx.ATOM)

    def string(self, node: String) -> _Val:
        return _Val("str", -1, node.value, 0, _quote(node.value), tx.ATOM)

    def param(self, node: Param) -> _Val:
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
            return _Val("bool", -1, value, 0, "true" if value else "false", tx.ATOM)
        if isinstance(value, int | float):
            number = float(value)
            if not math.isfinite(number):
                self.fail(FormulaTypeError, f"parameter ${node.name} is not finite", node.pos)
            text = tx.format_number(number)
            return _Val("num", -1, number, 0, text, tx.ATOM if number >= 0 else tx.UNARY)
        if isinstance(value, str):
            return _Val("str", -1, value, 0, _quote(value), tx.ATOM)
        self.fail(
            FormulaTypeError,
            f"parameter ${node.name} must be a number, bool or string, got {type(value).__name__}",
            node.pos,
        )

    def name(self, node: Name) -> _Val:
        if node.name in SERIES:
            return _Val("num", self.emit("column", (), (node.name,)), None, 0, node.name, tx.ATOM)
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

    # --- operators --------------------------------------------------------------------

    def unary(self, node: Unary) -> _Val:
        value = self.expect(
            self.compile(node.operand), "num", node.pos, f"the operand of {node.op!r}"
        )
        if node.op == "+":
            return value
        text = "-" + tx.wrap(value.text, value.prec, tx.UNARY)
        if value.is_const:
            assert isinstance(value.const, float)
            return _Val("num", -1, -value.const, 0, text, tx.UNARY)
        return _Val("num", self.emit("neg", (value.step,)), None, value.warm, text, tx.UNARY)

    def binary(self, node: Binary) -> _Val:
        left = self.compile(node.left)
        right = self.compile(node.right)
        if node.op in ("and", "or"):
            self.expect(left, "bool", _pos(node.left), f"the left side of {node.op!r}")
            self.expect(right, "bool", _pos(node.right), f"the right side of {node.op!r}")
            return self.combine(node.op, node.op, left, right, _PREC[node.op], "bool")
        if node.op in _COMPARE:
            self.expect(left, "num", _pos(node.left), f"the left side of {node.op!r}")
            self.expect(right, "num", _pos(node.right), f"the right side of {node.op!r}")
            return self.combine(_COMPARE[node.op], node.op, left, right, tx.COMPARE, "bool")
        self.expect(left, "num", _pos(node.left), f"the left side of {node.op!r}")
        self.expect(right, "num", _pos(node.right), f"the right side of {node.op!r}")
        return self.combine(_ARITH[node.op], node.op, left, right, _PREC[node.op], "num")

    def combine(self, op: str, symbol: str, left: _Val, right: _Val, prec: int, kind: str) -> _Val:
        # Comparisons do not associate; arithmetic and and/or associate to the left.
        right_min = prec + 1
        left_min = prec + 1 if prec == tx.COMPARE else prec
        text = (
            f"{tx.wrap(left.text, left.prec, left_min)} {symbol} "
            f"{tx.wrap(right.text, right.prec, right_min)}"
        )
        if left.is_const and right.is_const:
            return _Val(kind, -1, _fold(op, left.const, right.const), 0, text, prec)
        step = self.emit(op, (self.slot(left), self.slot(right)))
        return _Val(kind, step, None, max(left.warm, right.warm), text, prec)

    def negate(self, node: Not) -> _Val:
        value = self.expect(self.compile(node.operand), "bool", _pos(node.operand), "'not'")
        text = "not " + tx.wrap(value.text, value.prec, tx.NOT)
        if value.is_const:
            return _Val("bool", -1, not value.const, 0, text, tx.NOT)
        return _Val("bool", self.emit("not", (value.step,)), None, value.warm, text, tx.NOT)

    def between(self, node: Between) -> _Val:
        value = self.expect(self.compile(node.value), "num", _pos(node.value), "'between'")
        low = self.expect(self.compile(node.low), "num", _pos(node.low), "the low bound")
        high = self.expect(self.compile(node.high), "num", _pos(node.high), "the high bound")
        above = self.combine("ge", ">=", value, low, tx.COMPARE, "bool")
        below = self.combine("le", "<=", value, high, tx.COMPARE, "bool")
        both = self.combine("and", "and", above, below, tx.AND, "bool")
        text = (
            f"{tx.wrap(value.text, value.prec, tx.SUM)} between "
            f"{tx.wrap(low.text, low.prec, tx.SUM)} and {tx.wrap(high.text, high.prec, tx.SUM)}"
        )
        return _Val("bool", both.step, both.const, both.warm, text, tx.COMPARE)

    def cross(self, node: Cross) -> _Val:
        left = self.expect(self.compile(node.left), "num", _pos(node.left), "'crosses'")
        right = self.expect(self.compile(node.right), "num", _pos(node.right), "'crosses'")
        return self.crossing(node.direction, left, right)

    def crossing(self, direction: str, left: _Val, right: _Val) -> _Val:
        word = "crosses" if direction == "any" else f"crosses {direction}"
        left_text = tx.wrap(left.text, left.prec, tx.SUM)
        text = f"{left_text} {word} {tx.wrap(right.text, right.prec, tx.SUM)}"
        if left.is_const and right.is_const:
            return _Val("bool", -1, False, 0, text, tx.COMPARE)
        step = self.emit("cross", (self.slot(left), self.slot(right)), (direction,))
        return _Val("bool", step, None, max(left.warm, right.warm) + 1, text, tx.COMPARE)

    def temporal(self, node: Temporal) -> _Val:
        condition = self.expect(
            self.compile(node.condition), "bool", _pos(node.condition), f"'{node.kind}'"
        )
        bars = self.whole(node.count, f"the bar count of '{node.kind}'", 1)
        text = f"{tx.wrap(condition.text, condition.prec, tx.TEMPORAL)} {node.kind} {bars} bars"
        if condition.is_const or bars == 1:
            return _Val("bool", condition.step, condition.const, condition.warm, text, tx.TEMPORAL)
        step = self.emit(node.kind, (condition.step,), (bars,))
        return _Val("bool", step, None, condition.warm + bars - 1, text, tx.TEMPORAL)

    def index(self, node: Index) -> _Val:
        value = self.compile(node.target)
        if value.kind == "str":
            self.fail(FormulaTypeError, "a string has no past values", node.pos)
        bars = self.whole(node.offset, "bars ago", 0)
        return self.shifted(value, bars)

    def shifted(self, value: _Val, bars: int) -> _Val:
        text = f"{tx.wrap(value.text, value.prec, tx.POSTFIX)}[{bars}]"
        if value.is_const or bars == 0:
            return _Val(value.kind, value.step, value.const, value.warm, text, tx.POSTFIX)
        step = self.emit("shift", (value.step,), (bars,))
        return _Val(value.kind, step, None, value.warm + bars, text, tx.POSTFIX)

    # --- calls ------------------------------------------------------------------------

    def select(self, node: Select) -> _Val:
        if not isinstance(node.target, Call) or node.target.name in BUILTINS:
            self.fail(
                FormulaTypeError,
                f"'.{node.name}' can only follow an indicator call",
                node.pos,
                "e.g. macd(close).signal",
            )
        return self.indicator(node.target, node.name, node.pos)

    def call(self, node: Call) -> _Val:
        builtin = _BUILTIN_HANDLERS.get(node.name)
        if builtin is not None:
            return builtin(self, node)
        return self.indicator(node, None, -1)

    def spec(self, node: Call) -> IndicatorSpec:
        try:
            return self.catalogue.indicator(node.name)
        except KeyError:
            pass
        if node.name in SERIES:
            self.fail(
                UnknownNameError,
                f"{node.name!r} is a series, not a function",
                node.pos,
                f"write {node.name} without parentheses; {node.name}[1] is the previous bar",
            )
        known = [*self.catalogue.indicator_names, *BUILTINS]
        hint = did_you_mean(node.name, known) or "'candlescan indicators' lists the functions"
        self.fail(UnknownNameError, f"unknown function {node.name!r}", node.pos, hint)

    def indicator(self, node: Call, selector: str | None, selector_pos: int) -> _Val:
        spec = self.spec(node)
        inputs, params = self.bind(spec, node)
        try:
            lookback = int(spec.lookback(**params))
        except Exception as exc:  # a third-party lookback that rejects the values
            self.fail(FormulaTypeError, f"{spec.name}(): {exc}", node.pos)
        shown = [
            v.text
            for name, v in zip(spec.inputs, inputs, strict=True)
            if not (v.step >= 0 and v.text == name and name in PRICE_INPUTS)
        ]
        shown += [tx.format_number(float(v)) for v in params.values()]
        base = f"{spec.name}({', '.join(shown)})"
        warm = max((v.warm for v in inputs), default=0) + max(lookback, 0)
        kernel = self.emit(
            "kernel",
            tuple(self.slot(v) for v in inputs),
            (spec.kernel_ref, tuple(params.items())),
        )
        outputs = spec.outputs
        listing = ", ".join("." + o for o in outputs)
        if selector is None:
            if len(outputs) > 1:
                self.fail(
                    FormulaTypeError,
                    f"{spec.name}() has {len(outputs)} outputs; select one",
                    node.pos,
                    f"e.g. {base}.{outputs[0]} (outputs: {listing})",
                )
            return self.term(base, kernel, warm)
        derived = DERIVED_OUTPUTS.get((spec.name, selector))
        if derived is not None and selector not in outputs:
            return self.derived(spec, base, kernel, warm, selector, derived[1])
        found = match_output(spec, selector)
        if len(found) != 1:
            extra = [k[1] for k in DERIVED_OUTPUTS if k[0] == spec.name]
            hint = did_you_mean(selector, [*outputs, *extra]) or f"outputs: {listing}"
            problem = "has no output" if not found else "has several outputs matching"
            self.fail(
                UnknownNameError, f"{spec.name}() {problem} '.{selector}'", selector_pos, hint
            )
        index = found[0]
        if len(outputs) == 1:
            return self.term(base, kernel, warm)
        return self.term(f"{base}.{outputs[index]}", self.emit("output", (kernel,), (index,)), warm)

    def derived(
        self,
        spec: IndicatorSpec,
        base: str,
        kernel: int,
        warm: int,
        selector: str,
        parts: tuple[str, ...],
    ) -> _Val:
        upper, lower, middle = (
            self.emit("output", (kernel,), (spec.outputs.index(p),)) for p in parts
        )
        spread = self.emit("sub", (upper, lower))
        return self.term(f"{base}.{selector}", self.emit("div", (spread, middle)), warm)

    def term(self, text: str, step: int, warm: int) -> _Val:
        self.terms.setdefault(text, step)
        return _Val("num", step, None, warm, text, tx.ATOM)

    def bind(self, spec: IndicatorSpec, node: Call) -> tuple[list[_Val], dict[str, int | float]]:
        """Match a call's arguments to the indicator's inputs and parameters."""
        name = spec.name
        n_inputs = len(spec.inputs)
        given: dict[str, tuple[_Val, int]] = {}
        positional: list[tuple[_Val, int]] = []
        seen_keyword = False
        for arg in node.args:
            if isinstance(arg, Keyword):
                seen_keyword = True
                targets = expand_keyword(spec, arg.name)
                if not targets:
                    known = [*spec.inputs, *(p.name for p in spec.params)]
                    hint = did_you_mean(arg.name, known) or "arguments: " + ", ".join(known)
                    self.fail(
                        FormulaTypeError, f"{name}() has no argument {arg.name!r}", arg.pos, hint
                    )
                value = self.compile(arg.value)
                for target in targets:
                    if target in given:
                        self.fail(
                            FormulaTypeError,
                            f"{name}() got argument {target!r} twice",
                            arg.pos,
                        )
                    given[target] = (value, _pos(arg.value))
            else:
                if seen_keyword:
                    self.fail(
                        FormulaSyntaxError,
                        "a positional argument cannot follow a keyword argument",
                        _pos(arg),
                    )
                positional.append((self.compile(arg), _pos(arg)))
        # Leading series fill the inputs; constants after them fill the parameters.
        series_count = 0
        for value, _ in positional:
            if value.is_const:
                break
            series_count += 1
        for value, pos in positional[series_count:]:
            if not value.is_const:
                self.fail(
                    FormulaTypeError,
                    f"{name}(): series arguments come before the parameters",
                    pos,
                    f"usage: {_usage(spec)}",
                )
        if series_count > n_inputs and spec.params:
            self.fail(
                FormulaTypeError,
                f"{name}() parameter {spec.params[0].name!r} must be a constant number, "
                "got a series",
                positional[n_inputs][1],
                f"usage: {_usage(spec)}",
            )
        if series_count > n_inputs:
            self.fail(
                FormulaTypeError,
                f"{name}() takes {_plural(n_inputs, 'input series')}, got {series_count}",
                positional[n_inputs][1],
                f"usage: {_usage(spec)}",
            )
        constants = positional[series_count:]
        if len(constants) > len(spec.params):
            self.fail(
                FormulaTypeError,
                f"{name}() takes {_plural(len(spec.params), 'parameter')}, got {len(constants)}",
                constants[len(spec.params)][1],
                f"usage: {_usage(spec)}",
            )
        for input_name, item in zip(spec.inputs, positional[:series_count], strict=False):
            if input_name in given:
                self.fail(FormulaTypeError, f"{name}() got {input_name!r} twice", item[1])
            given[input_name] = item
        for param, item in zip(spec.params, constants, strict=False):
            if param.name in given:
                self.fail(FormulaTypeError, f"{name}() got {param.name!r} twice", item[1])
            given[param.name] = item
        inputs: list[_Val] = []
        for input_name in spec.inputs:
            if input_name in given:
                value, pos = given[input_name]
                inputs.append(self.expect(value, "num", pos, f"{name}() input {input_name!r}"))
            elif input_name in PRICE_INPUTS:
                step = self.emit("column", (), (input_name,))
                inputs.append(_Val("num", step, None, 0, input_name, tx.ATOM))
            else:
                self.fail(
                    FormulaTypeError,
                    f"{name}() needs its input series {input_name!r}",
                    node.pos,
                    f"usage: {_usage(spec)}",
                )
        params: dict[str, int | float] = {}
        for param in spec.params:
            if param.name not in given:
                params[param.name] = param.default
                continue
            value, pos = given[param.name]
            what = f"{name}() parameter {param.name!r}"
            if value.kind != "num" or not value.is_const:
                got = "a series" if value.kind == "num" else f"a {value.kind}"
                self.fail(FormulaTypeError, f"{what} must be a constant number, got {got}", pos)
            assert isinstance(value.const, float)
            number = value.const
            if param.kind == "int":
                if not (math.isfinite(number) and number.is_integer()):
                    self.fail(
                        FormulaTypeError, f"{what} must be a whole number, got {value.text}", pos
                    )
                if number > MAX_WINDOW:
                    self.fail(
                        FormulaLimitError,
                        f"{what} of {value.text} is larger than the limit of {MAX_WINDOW}",
                        pos,
                    )
            if not (math.isfinite(number) and param.low <= number <= param.high):
                high = min(param.high, MAX_WINDOW) if param.kind == "int" else param.high
                self.fail(
                    FormulaTypeError,
                    f"{what} must be between {tx.format_number(param.low)} and "
                    f"{tx.format_number(high)}, got {value.text}",
                    pos,
                )
            params[param.name] = int(number) if param.kind == "int" else number
        return inputs, params

    # --- built-in functions -------------------------------------------------------------

    def args(self, node: Call, count: int, usage: str) -> list[Node]:
        if any(isinstance(a, Keyword) for a in node.args) or len(node.args) != count:
            self.fail(
                FormulaTypeError,
                f"{node.name}() takes {_plural(count, 'argument')}",
                node.pos,
                f"usage: {usage}",
            )
        return list(node.args)

    def builtin_abs(self, node: Call) -> _Val:
        (arg,) = self.args(node, 1, "abs(x)")
        value = self.expect(self.compile(arg), "num", _pos(arg), "abs()")
        text = f"abs({value.text})"
        if value.is_const:
            assert isinstance(value.const, float)
            return _Val("num", -1, abs(value.const), 0, text, tx.ATOM)
        return _Val("num", self.emit("abs", (value.step,)), None, value.warm, text, tx.ATOM)

    def builtin_ref(self, node: Call) -> _Val:
        target, offset = self.args(node, 2, "ref(x, bars_ago)")
        value = self.compile(target)
        return self.shifted(value, self.whole(offset, "bars ago", 0))

    def builtin_crossover(self, node: Call) -> _Val:
        return self.builtin_cross(node, "above")

    def builtin_crossunder(self, node: Call) -> _Val:
        return self.builtin_cross(node, "below")

    def builtin_cross(self, node: Call, direction: str) -> _Val:
        a, b = self.args(node, 2, f"{node.name}(a, b)")
        left = self.expect(self.compile(a), "num", _pos(a), f"{node.name}()")
        right = self.expect(self.compile(b), "num", _pos(b), f"{node.name}()")
        return self.crossing(direction, left, right)

    def builtin_tf(self, node: Call) -> _Val:
        frame, expr = self.args(node, 2, 'tf("1w", expression)')
        if self.in_tf:
            self.fail(FormulaTypeError, "tf() cannot be nested inside tf()", node.pos)
        label = self.compile(frame)
        if label.kind != "str":
            self.fail(
                FormulaTypeError,
                "the first argument of tf() must be a timeframe in quotes",
                _pos(frame),
                'e.g. tf("1w", close > sma(close, 10))',
            )
        try:
            timeframe = Timeframe.parse(str(label.const))
        except InvalidJobError:
            known = ", ".join(f'"{t.value}"' for t in Timeframe)
            self.fail(
                FormulaTypeError, f"unknown timeframe {label.text}", _pos(frame), f"use {known}"
            )
        if _MINUTES[timeframe.value] < _MINUTES[self.timeframe.value]:
            self.fail(
                FormulaTypeError,
                f'tf("{timeframe.value}", ...) is shorter than the job\'s timeframe '
                f'"{self.timeframe.value}"',
                _pos(frame),
                "tf() looks at a higher timeframe",
            )
        inner = _Compiler(self.text, self.catalogue, self.parameters, timeframe, in_tf=True)
        value = inner.compile(expr)
        if value.kind == "str":
            self.fail(FormulaTypeError, "tf() needs a number or a condition", _pos(expr))
        tf_text = f'tf("{timeframe.value}", '
        text = tf_text + value.text + ")"
        if value.is_const:
            return _Val(value.kind, -1, value.const, 0, text, tx.ATOM)
        terms = list(inner.terms.items())
        results = (inner.slot(value), *(step for _, step in terms))
        ratio = math.ceil(_MINUTES[timeframe.value] / _MINUTES[self.timeframe.value])
        # One partial higher-timeframe bar at the start, one still forming at the range
        # start, and the expression's own warm-up, each worth `ratio` base bars.
        warm = (value.warm + 2) * ratio
        step = self.emit(
            "tf", (), (timeframe.value, tuple(inner.program), results, value.kind == "bool")
        )
        for offset, (term_text, _) in enumerate(terms, start=1):
            self.terms.setdefault(
                tf_text + term_text + ")", self.emit("output", (step,), (offset,))
            )
        result = self.emit("output", (step,), (0,))
        return _Val(value.kind, result, None, warm, text, tx.ATOM)


def _fold(op: str, a: float | bool | str | None, b: float | bool | str | None) -> float | bool:
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


def _quote(value: str) -> str:
    return '"' + value.replace('"', "'") + '"'


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s".replace("seriess", "series")


def _usage(spec: IndicatorSpec) -> str:
    parts = [*spec.inputs, *(f"{p.name}={tx.format_number(float(p.default))}" for p in spec.params)]
    return f"{spec.name}({', '.join(parts)})"


_HANDLERS: dict[type, Callable[[_Compiler, Node], _Val]] = {
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

_BUILTIN_HANDLERS: dict[str, Callable[[_Compiler, Call], _Val]] = {
    "abs": _Compiler.builtin_abs,
    "crossover": _Compiler.builtin_crossover,
    "crossunder": _Compiler.builtin_crossunder,
    "ref": _Compiler.builtin_ref,
    "tf": _Compiler.builtin_tf,
}
