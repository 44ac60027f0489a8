"""The built-in functions: ``abs``, ``ref``, ``crossover``, ``crossunder`` and ``tf``."""

from __future__ import annotations

import math

from candlescan.entities import Timeframe
from candlescan.errors import FormulaTypeError, InvalidJobError
from candlescan.formula import _text as tx
from candlescan.formula._base import Builder, Value, plural, position
from candlescan.formula._nodes import Call, Keyword, Node

__all__ = ["MINUTES", "Builtins"]

#: Minutes per bar, to compare timeframes and size a higher timeframe's warm-up
#: (a month counts as 31 days so the warm-up errs on the side of more bars).
MINUTES = {
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


class Builtins(Builder):
    """Compiles the functions that are part of the language rather than of a plugin."""

    def child(self, timeframe: Timeframe) -> Builder:
        """A compiler for the expression inside ``tf()`` (the compiler proper builds it)."""
        raise NotImplementedError

    def args(self, node: Call, count: int, usage: str) -> list[Node]:
        if any(isinstance(a, Keyword) for a in node.args) or len(node.args) != count:
            self.fail(
                FormulaTypeError,
                f"{node.name}() takes {plural(count, 'argument')}",
                node.pos,
                f"usage: {usage}",
            )
        return list(node.args)

    def builtin_abs(self, node: Call) -> Value:
        (arg,) = self.args(node, 1, "abs(x)")
        value = self.expect(self.compile(arg), "num", position(arg), "abs()")
        text = f"abs({value.text})"
        if value.is_const:
            assert isinstance(value.const, float)
            return Value("num", -1, abs(value.const), 0, text, tx.ATOM)
        step = self.emit("abs", (value.step,))
        return Value("num", step, None, value.warm, text, tx.ATOM, value.settle)

    def builtin_ref(self, node: Call) -> Value:
        target, offset = self.args(node, 2, "ref(x, bars_ago)")
        value = self.compile(target)
        return self.shifted(value, self.whole(offset, "bars ago", 0))

    def builtin_crossover(self, node: Call) -> Value:
        return self.builtin_cross(node, "above")

    def builtin_crossunder(self, node: Call) -> Value:
        return self.builtin_cross(node, "below")

    def builtin_cross(self, node: Call, direction: str) -> Value:
        a, b = self.args(node, 2, f"{node.name}(a, b)")
        left = self.expect(self.compile(a), "num", position(a), f"{node.name}()")
        right = self.expect(self.compile(b), "num", position(b), f"{node.name}()")
        return self.crossing(direction, left, right)

    def builtin_tf(self, node: Call) -> Value:
        frame, expr = self.args(node, 2, 'tf("1w", expression)')
        if self.in_tf:
            self.fail(FormulaTypeError, "tf() cannot be nested inside tf()", node.pos)
        label = self.compile(frame)
        if label.kind != "str":
            self.fail(
                FormulaTypeError,
                "the first argument of tf() must be a timeframe in quotes",
                position(frame),
                'e.g. tf("1w", close > sma(close, 10))',
            )
        try:
            timeframe = Timeframe.parse(str(label.const))
        except InvalidJobError:
            known = ", ".join(f'"{t.value}"' for t in Timeframe)
            self.fail(
                FormulaTypeError, f"unknown timeframe {label.text}", position(frame), f"use {known}"
            )
        if MINUTES[timeframe.value] < MINUTES[self.timeframe.value]:
            self.fail(
                FormulaTypeError,
                f'tf("{timeframe.value}", ...) is shorter than the job\'s timeframe '
                f'"{self.timeframe.value}"',
                position(frame),
                "tf() looks at a higher timeframe",
            )
        inner = self.child(timeframe)
        value = inner.compile(expr)
        if value.kind == "str":
            self.fail(FormulaTypeError, "tf() needs a number or a condition", position(expr))
        tf_text = f'tf("{timeframe.value}", '
        text = tf_text + value.text + ")"
        if value.is_const:
            return Value(value.kind, -1, value.const, 0, text, tx.ATOM)
        terms = list(inner.terms.items())
        results = (inner.slot(value), *(step for _, step in terms))
        ratio = math.ceil(MINUTES[timeframe.value] / MINUTES[self.timeframe.value])
        # One partial higher-timeframe bar at the start, one still forming at the range
        # start, and the expression's own warm-up, each worth `ratio` base bars.
        warm = (value.warm + 2) * ratio
        settle = (value.settle + 2) * ratio
        step = self.emit(
            "tf", (), (timeframe.value, tuple(inner.program), results, value.kind == "bool")
        )
        for offset, (term_text, _) in enumerate(terms, start=1):
            self.terms.setdefault(
                tf_text + term_text + ")", self.emit("output", (step,), (offset,))
            )
        result = self.emit("output", (step,), (0,))
        return Value(value.kind, result, None, warm, text, tx.ATOM, settle)
