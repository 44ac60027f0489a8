"""Splits a formula with cross-sectional operators into a per-symbol part and a panel part.

Every largest sub-expression without a cross-sectional operator becomes a *leaf*: the
per-symbol compiler compiles it into one shared (hash-consed) program that workers run
on each symbol. Everything above the leaves (the operators themselves and whatever
combines their results) becomes a *panel program* (:mod:`._panel`) that the parent runs
on the assembled panel. Leaves are computed on the bars of the range plus ``history``
earlier bars, so that ``rank(x)[1]`` or ``top(x, 20) for 3 bars`` see the past they need.

Misuse is a compile-time error with a caret: a cross-sectional operator inside ``tf()``
or as an indicator's input (the per-symbol compiler rejects it, see
:mod:`._cross_names`), bad arguments, or ``by=`` not naming a field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from candlescan.entities import ParameterValue, Timeframe
from candlescan.errors import FormulaTypeError
from candlescan.formula import _text as tx
from candlescan.formula._base import Value, position
from candlescan.formula._compiler import _ARITH, _COMPARE, _PREC, _Compiler
from candlescan.formula._cross_names import CROSS_SECTIONAL, is_cross_call
from candlescan.formula._nodes import (
    Between,
    Binary,
    Call,
    Cross,
    Index,
    Keyword,
    Name,
    Node,
    Not,
    Select,
    Temporal,
    Unary,
)
from candlescan.formula._program import Step
from candlescan.registry import Catalogue

__all__ = ["Split", "has_cross_section", "split_formula"]


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Keyword):
        return (node.value,)
    if isinstance(node, Select):
        return (node.target,)
    if isinstance(node, Index):
        return (node.target, node.offset)
    if isinstance(node, Unary | Not):
        return (node.operand,)
    if isinstance(node, Binary | Cross):
        return (node.left, node.right)
    if isinstance(node, Between):
        return (node.value, node.low, node.high)
    if isinstance(node, Temporal):
        return (node.condition, node.count)
    return ()


def has_cross_section(tree: Node, catalogue: Catalogue) -> bool:
    """Whether ``tree`` calls a cross-sectional operator anywhere (iterative walk)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if is_cross_call(node, catalogue):
            return True
        stack.extend(_children(node))
    return False


@dataclass(frozen=True, slots=True)
class _P:
    """A panel value: a panel step, or a constant (step -1)."""

    kind: str
    step: int
    const: float | bool | str | None
    history: int  # earlier panel bars this value needs
    text: str
    prec: int


@dataclass(frozen=True, slots=True)
class Split:
    """What :func:`split_formula` returns (see :class:`~._screen_plan.ScreenPlan`)."""

    program: tuple[Step, ...]
    leaves: tuple[int, ...]
    leaf_kinds: tuple[str, ...]
    leaf_warmup: int
    panel: tuple[Step, ...]
    result: int
    history: int
    terms: tuple[tuple[str, int], ...]
    columns: tuple[tuple[str, int], ...]
    group_fields: tuple[str, ...]


class _Splitter:
    def __init__(self, compiler: _Compiler) -> None:
        self.c = compiler
        self.panel: list[Step] = []
        self.seen: dict[Step, int] = {}
        self.leaf_of: dict[int, int] = {}  # per-symbol step -> leaf index
        self.leaf_kinds: list[str] = []
        self.leaf_warm = 0
        self.terms: dict[str, int] = {}
        self.groups: set[str] = set()

    def emit(self, op: str, args: tuple[int, ...] = (), data: tuple[Any, ...] = ()) -> int:
        step = Step(op, args, data)
        found = self.seen.get(step)
        if found is None:
            found = self.seen[step] = len(self.panel)
            self.panel.append(step)
        return found

    def slot(self, value: _P) -> int:
        return self.emit("const", (), (value.const,)) if value.step < 0 else value.step

    def leaf(self, step: int, kind: str, warm: int) -> int:
        index = self.leaf_of.get(step)
        if index is None:
            index = self.leaf_of[step] = len(self.leaf_kinds)
            self.leaf_kinds.append(kind)
        self.leaf_warm = max(self.leaf_warm, warm)
        return self.emit("leaf", (), (index,))

    def expect(self, value: _P, kind: str, pos: int, what: str) -> _P:
        probe = Value(value.kind, value.step, value.const, 0, value.text, value.prec)
        self.c.expect(probe, kind, pos, what)
        return value

    def lift(self, node: Node) -> _P:
        if not has_cross_section(node, self.c.catalogue):
            v = self.c.compile(node)
            if v.is_const or v.kind == "str":
                return _P(v.kind, -1, v.const, 0, v.text, v.prec)
            return _P(v.kind, self.leaf(v.step, v.kind, v.warm), None, 0, v.text, v.prec)
        if isinstance(node, Call) and is_cross_call(node, self.c.catalogue):
            return self.cross(node)
        if isinstance(node, Call) and node.name in ("abs", "ref", "crossover", "crossunder"):
            return self.builtin(node)
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Unary | Not):
            return self.unary(node)
        if isinstance(node, Between):
            return self.between(node)
        if isinstance(node, Cross):
            return self.crossing(node.direction, node.left, node.right)
        if isinstance(node, Temporal | Index):
            return self.temporal(node)
        # An indicator call, tf() or .output around a cross-sectional operator: the
        # per-symbol compiler raises the misuse error at the operator.
        v = self.c.compile(node)
        raise AssertionError(f"unreachable: {v}")  # pragma: no cover

    def cross(self, node: Call) -> _P:
        usage = CROSS_SECTIONAL[node.name]
        positional = [a for a in node.args if not isinstance(a, Keyword)]
        keywords = [a for a in node.args if isinstance(a, Keyword)]
        counted = node.name in ("top", "bottom")
        if len(positional) != (2 if counted else 1) or any(k.name != "by" for k in keywords):
            self.c.fail(FormulaTypeError, f"wrong arguments to {node.name}()", node.pos, usage)
        by = None
        if keywords:
            field = keywords[0].value
            if not isinstance(field, Name):
                self.c.fail(
                    FormulaTypeError,
                    "by= takes the name of a symbol-metadata field",
                    position(field),
                    "e.g. rank(roc(close, 63), by=sector)",
                )
            by = field.name
            self.groups.add(by)
        x = self.expect(self.lift(positional[0]), "num", position(positional[0]), node.name + "()")
        data: tuple[Any, ...] = (by,)
        shown = x.text
        if counted:
            count = self.c.whole(positional[1], f"the count of {node.name}()", 1)
            data = (count, by)
            shown += f", {count}"
        text = f"{node.name}({shown}{'' if by is None else ', by=' + by})"
        step = self.emit(node.name, (self.slot(x),), data)
        if not counted:
            self.terms.setdefault(text, step)
        return _P("bool" if counted else "num", step, None, x.history, text, tx.ATOM)

    def combine(self, op: str, symbol: str, a: _P, b: _P, prec: int, kind: str) -> _P:
        left_min = prec + 1 if prec == tx.COMPARE else prec
        text = f"{tx.wrap(a.text, a.prec, left_min)} {symbol} {tx.wrap(b.text, b.prec, prec + 1)}"
        step = self.emit(op, (self.slot(a), self.slot(b)))
        return _P(kind, step, None, max(a.history, b.history), text, prec)

    def binary(self, node: Binary) -> _P:
        a, b = self.lift(node.left), self.lift(node.right)
        want = "bool" if node.op in ("and", "or") else "num"
        self.expect(a, want, position(node.left), f"the left side of {node.op!r}")
        self.expect(b, want, position(node.right), f"the right side of {node.op!r}")
        if node.op in ("and", "or"):
            return self.combine(node.op, node.op, a, b, _PREC[node.op], "bool")
        if node.op in _COMPARE:
            return self.combine(_COMPARE[node.op], node.op, a, b, tx.COMPARE, "bool")
        return self.combine(_ARITH[node.op], node.op, a, b, _PREC[node.op], "num")

    def unary(self, node: Unary | Not) -> _P:
        if isinstance(node, Not):
            v = self.expect(self.lift(node.operand), "bool", position(node.operand), "'not'")
            text = "not " + tx.wrap(v.text, v.prec, tx.NOT)
            return _P("bool", self.emit("not", (v.step,)), None, v.history, text, tx.NOT)
        v = self.expect(self.lift(node.operand), "num", node.pos, f"the operand of {node.op!r}")
        if node.op == "+":
            return v
        text = "-" + tx.wrap(v.text, v.prec, tx.UNARY)
        return _P("num", self.emit("neg", (v.step,)), None, v.history, text, tx.UNARY)

    def between(self, node: Between) -> _P:
        v = self.expect(self.lift(node.value), "num", position(node.value), "'between'")
        lo = self.expect(self.lift(node.low), "num", position(node.low), "the low bound")
        hi = self.expect(self.lift(node.high), "num", position(node.high), "the high bound")
        both = self.combine(
            "and",
            "and",
            self.combine("ge", ">=", v, lo, tx.COMPARE, "bool"),
            self.combine("le", "<=", v, hi, tx.COMPARE, "bool"),
            tx.AND,
            "bool",
        )
        text = f"{tx.wrap(v.text, v.prec, tx.SUM)} between {lo.text} and {hi.text}"
        return _P("bool", both.step, None, both.history, text, tx.COMPARE)

    def crossing(self, direction: str, left: Node, right: Node) -> _P:
        a = self.expect(self.lift(left), "num", position(left), "'crosses'")
        b = self.expect(self.lift(right), "num", position(right), "'crosses'")
        word = "crosses" if direction == "any" else f"crosses {direction}"
        text = f"{tx.wrap(a.text, a.prec, tx.SUM)} {word} {tx.wrap(b.text, b.prec, tx.SUM)}"
        step = self.emit("cross", (self.slot(a), self.slot(b)), (direction,))
        return _P("bool", step, None, max(a.history, b.history) + 1, text, tx.COMPARE)

    def temporal(self, node: Temporal | Index) -> _P:
        if isinstance(node, Index):
            v = self.lift(node.target)
            bars = self.c.whole(node.offset, "bars ago", 0)
            return self.shifted(v, bars)
        v = self.expect(self.lift(node.condition), "bool", position(node.condition), node.kind)
        bars = self.c.whole(node.count, f"the bar count of '{node.kind}'", 1)
        text = f"{tx.wrap(v.text, v.prec, tx.TEMPORAL)} {node.kind} {bars} bars"
        if bars == 1:
            return _P("bool", v.step, None, v.history, text, tx.TEMPORAL)
        step = self.emit(node.kind, (v.step,), (bars,))
        return _P("bool", step, None, v.history + bars - 1, text, tx.TEMPORAL)

    def shifted(self, v: _P, bars: int) -> _P:
        text = f"{tx.wrap(v.text, v.prec, tx.POSTFIX)}[{bars}]"
        if bars == 0:
            return _P(v.kind, v.step, None, v.history, text, tx.POSTFIX)
        step = self.emit("shift", (v.step,), (bars,))
        return _P(v.kind, step, None, v.history + bars, text, tx.POSTFIX)

    def builtin(self, node: Call) -> _P:
        args = [a for a in node.args if not isinstance(a, Keyword)]
        wanted = 1 if node.name == "abs" else 2
        if len(args) != wanted or len(args) != len(node.args):
            self.c.fail(FormulaTypeError, f"wrong arguments to {node.name}()", node.pos)
        if node.name == "abs":
            v = self.expect(self.lift(args[0]), "num", position(args[0]), "abs()")
            step = self.emit("abs", (v.step,))
            return _P("num", step, None, v.history, f"abs({v.text})", tx.ATOM)
        if node.name == "ref":
            return self.shifted(self.lift(args[0]), self.c.whole(args[1], "bars ago", 0))
        direction = "above" if node.name == "crossover" else "below"
        return self.crossing(direction, args[0], args[1])


def split_formula(
    tree: Node,
    text: str,
    catalogue: Catalogue,
    parameters: Mapping[str, ParameterValue],
    timeframe: Timeframe,
    columns: Sequence[tuple[str, Node]] = (),
) -> Split:
    """Split ``tree`` (a condition) and each of ``columns`` (text, tree; numbers or conditions)."""
    compiler = _Compiler(text, catalogue, parameters, timeframe, in_tf=False)
    splitter = _Splitter(compiler)
    result = splitter.lift(tree)
    if result.kind != "bool":
        compiler.fail(
            FormulaTypeError,
            "a formula must be a condition",
            position(tree),
            "compare it, e.g. rank(roc(close, 63)) <= 20",
        )
    outputs: list[tuple[str, int]] = []
    history = result.history
    for column_text, column_tree in columns:
        compiler.text = column_text  # errors point into the column's own text
        value = splitter.lift(column_tree)
        if value.kind == "str":
            compiler.fail(FormulaTypeError, "a column must be a number", position(column_tree))
        outputs.append((value.text, splitter.slot(value)))
        history = max(history, value.history)
    compiler.text = text
    for term, step in compiler.terms.items():  # indicator terms: reported like any formula's
        splitter.terms.setdefault(term, splitter.leaf(step, "num", 0))
    return Split(
        program=tuple(compiler.program),
        leaves=tuple(splitter.leaf_of),
        leaf_kinds=tuple(splitter.leaf_kinds),
        leaf_warmup=splitter.leaf_warm,
        panel=tuple(splitter.panel),
        result=splitter.slot(result),
        history=history,
        terms=tuple(splitter.terms.items()),
        columns=tuple(outputs),
        group_fields=tuple(sorted(splitter.groups)),
    )
