"""Indicator calls: argument binding, output selection, canonical terms."""

from __future__ import annotations

from candlescan.entities import PRICE_COLUMNS
from candlescan.errors import (
    FormulaSyntaxError,
    FormulaTypeError,
    UnknownNameError,
)
from candlescan.formula import _text as tx
from candlescan.formula._base import CONVERGED_TOLERANCE, Builder, Value, plural, position
from candlescan.formula._nodes import Call, Keyword
from candlescan.formula._sugar import BAND_OUTPUTS, expand_keyword, has_width, match_output
from candlescan.formula._suggest import did_you_mean
from candlescan.registry.specs import PRICE_INPUTS, IndicatorSpec

__all__ = ["BUILTINS", "SERIES", "Calls", "usage"]

#: Price series a formula can name, and the columns they are built from.
SERIES = (*PRICE_COLUMNS, "hl2", "hlc3", "ohlc4")

#: Built-in functions, handled by the compiler rather than by a plugin.
BUILTINS = ("abs", "crossover", "crossunder", "ref", "tf")


class Calls(Builder):
    """Compiles calls of plugin indicators."""

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

    def indicator(self, node: Call, selector: str | None, selector_pos: int) -> Value:
        spec = self.spec(node)
        inputs, params = self.bind(spec, node)
        try:
            lookback = int(spec.lookback(**params))
            converge = int(spec.warmup(CONVERGED_TOLERANCE, **params))
        except Exception as exc:  # a third-party lookback/warmup that rejects the values
            self.fail(FormulaTypeError, f"{spec.name}(): {exc}", node.pos)
        shown = [
            v.text
            for name, v in zip(spec.inputs, inputs, strict=True)
            if not (v.step >= 0 and v.text == name and name in PRICE_INPUTS)
        ]
        shown += [tx.format_number(float(v)) for v in params.values()]
        base = f"{spec.name}({', '.join(shown)})"
        # An indicator's inputs must be warm (converged) over its whole own warm-up.
        warm = max((v.warm for v in inputs), default=0) + max(lookback, 0)
        settle = max((v.settle for v in inputs), default=0) + max(converge, lookback, 0)
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
            return self.term(base, kernel, warm, settle)
        if selector == "width" and has_width(spec):
            return self.derived(spec, base, kernel, (warm, settle), selector)
        found = match_output(spec, selector)
        if len(found) != 1:
            extra = ["width"] if has_width(spec) else []
            hint = did_you_mean(selector, [*outputs, *extra]) or f"outputs: {listing}"
            problem = "has no output" if not found else "has several outputs matching"
            self.fail(
                UnknownNameError, f"{spec.name}() {problem} '.{selector}'", selector_pos, hint
            )
        index = found[0]
        if len(outputs) == 1:
            return self.term(base, kernel, warm, settle)
        output = self.emit("output", (kernel,), (index,))
        return self.term(f"{base}.{outputs[index]}", output, warm, settle)

    def derived(
        self,
        spec: IndicatorSpec,
        base: str,
        kernel: int,
        warm: tuple[int, int],
        selector: str,
    ) -> Value:
        upper, lower, middle = (
            self.emit("output", (kernel,), (spec.outputs.index(p),)) for p in BAND_OUTPUTS
        )
        spread = self.emit("sub", (upper, lower))
        return self.term(f"{base}.{selector}", self.emit("div", (spread, middle)), *warm)

    def term(self, text: str, step: int, warm: int, settle: int) -> Value:
        self.terms.setdefault(text, step)
        return Value("num", step, None, warm, text, tx.ATOM, settle)

    def bind(self, spec: IndicatorSpec, node: Call) -> tuple[list[Value], dict[str, int | float]]:
        """Match a call's arguments to the indicator's inputs and parameters."""
        given, positional = self.arguments(spec, node)
        self.place(spec, positional, given)
        return self.bound_inputs(spec, node, given), self.bound_params(spec, given)

    def arguments(self, spec: IndicatorSpec, node: Call) -> tuple[_Given, list[_Arg]]:
        """Compile the arguments: keyword ones by target name, positional ones in order."""
        given: _Given = {}
        positional: list[_Arg] = []
        seen_keyword = False
        for arg in node.args:
            if not isinstance(arg, Keyword):
                if seen_keyword:
                    self.fail(
                        FormulaSyntaxError,
                        "a positional argument cannot follow a keyword argument",
                        position(arg),
                    )
                positional.append((self.compile(arg), position(arg)))
                continue
            seen_keyword = True
            targets = expand_keyword(spec, arg.name)
            if not targets:
                known = [*spec.inputs, *(p.name for p in spec.params)]
                hint = did_you_mean(arg.name, known) or "arguments: " + ", ".join(known)
                self.fail(
                    FormulaTypeError, f"{spec.name}() has no argument {arg.name!r}", arg.pos, hint
                )
            value = self.compile(arg.value)
            for target in targets:
                if target in given:
                    self.fail(
                        FormulaTypeError, f"{spec.name}() got argument {target!r} twice", arg.pos
                    )
                given[target] = (value, position(arg.value))
        return given, positional

    def place(self, spec: IndicatorSpec, positional: list[_Arg], given: _Given) -> None:
        """Leading series fill the inputs; constants after them fill the parameters."""
        name, n_inputs = spec.name, len(spec.inputs)
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
                    f"usage: {usage(spec)}",
                )
        if series_count > n_inputs:
            message = (
                f"{name}() parameter {spec.params[0].name!r} must be a constant number, "
                "got a series"
                if spec.params
                else f"{name}() takes {plural(n_inputs, 'input series')}, got {series_count}"
            )
            self.fail(FormulaTypeError, message, positional[n_inputs][1], f"usage: {usage(spec)}")
        constants = positional[series_count:]
        if len(constants) > len(spec.params):
            self.fail(
                FormulaTypeError,
                f"{name}() takes {plural(len(spec.params), 'parameter')}, got {len(constants)}",
                constants[len(spec.params)][1],
                f"usage: {usage(spec)}",
            )
        names = [*spec.inputs[:series_count], *(p.name for p in spec.params)]
        for target, item in zip(names, [*positional[:series_count], *constants], strict=False):
            if target in given:
                self.fail(FormulaTypeError, f"{name}() got {target!r} twice", item[1])
            given[target] = item

    def bound_inputs(self, spec: IndicatorSpec, node: Call, given: _Given) -> list[Value]:
        """Each input series: given, or the candle column it is named after."""
        inputs: list[Value] = []
        for input_name in spec.inputs:
            if input_name in given:
                value, pos = given[input_name]
                what = f"{spec.name}() input {input_name!r}"
                inputs.append(self.expect(value, "num", pos, what))
            elif input_name in PRICE_INPUTS:
                step = self.emit("column", (), (input_name,))
                inputs.append(Value("num", step, None, 0, input_name, tx.ATOM))
            else:
                self.fail(
                    FormulaTypeError,
                    f"{spec.name}() needs its input series {input_name!r}",
                    node.pos,
                    f"usage: {usage(spec)}",
                )
        return inputs

    def bound_params(self, spec: IndicatorSpec, given: _Given) -> dict[str, int | float]:
        """Each parameter: its default, or the given constant within its bounds."""
        params: dict[str, int | float] = {}
        for param in spec.params:
            if param.name not in given:
                params[param.name] = param.default
                continue
            value, pos = given[param.name]
            what = f"{spec.name}() parameter {param.name!r}"
            number = self.constant(value, pos, what)
            params[param.name] = self.bounded(number, value.text, param, pos, what)
        return params


_Arg = tuple[Value, int]
_Given = dict[str, _Arg]


def usage(spec: IndicatorSpec) -> str:
    parts = [*spec.inputs, *(f"{p.name}={tx.format_number(float(p.default))}" for p in spec.params)]
    return f"{spec.name}({', '.join(parts)})"
