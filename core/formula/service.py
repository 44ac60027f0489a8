"""The formula language's front door: :class:`FormulaService`."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

from candlescan.entities import FULL_HISTORY_BARS, Formula, ParameterValue, Timeframe, Warmup
from candlescan.errors import FormulaLimitError, FormulaTypeError, UnknownNameError
from candlescan.formula._compiler import compile_tree
from candlescan.formula._cross import has_cross_section
from candlescan.formula._limits import MAX_LENGTH
from candlescan.formula._parser import parse
from candlescan.formula._plan import CompiledFormula
from candlescan.formula._screen import build_screen_plan
from candlescan.formula._screen_plan import ScreenPlan
from candlescan.formula._suggest import did_you_mean
from candlescan.registry import Catalogue, PluginRegistry
from candlescan.registry.specs import PresetSpec

__all__ = ["FormulaService"]

_CACHE_SIZE = 256


class FormulaService:
    """Parses and compiles formulas against a plugin registry's catalogue.

    :param registry: where indicator and preset names come from;
        ``None`` means :meth:`PluginRegistry.default`.
    :param cache_size: how many compiled formulas to keep (0 disables the cache).

    A third-party indicator is usable in formulas as soon as its plugin is registered:
    the catalogue is read afresh on each :meth:`compile`. Compiled formulas are cached
    per (text, parameters, timeframe, catalogue), so compiling the same scan again is a
    dictionary look-up.
    """

    __module__ = "candlescan"

    def __init__(
        self, registry: PluginRegistry | None = None, *, cache_size: int = _CACHE_SIZE
    ) -> None:
        self._registry = registry if registry is not None else PluginRegistry.default()
        self._cache: OrderedDict[tuple[object, ...], CompiledFormula | ScreenPlan] = OrderedDict()
        self._cache_size = cache_size
        self._cache_catalogue: Catalogue | None = None

    @property
    def registry(self) -> PluginRegistry:
        """The plugin registry names are resolved against."""
        return self._registry

    @property
    def catalogue(self) -> Catalogue:
        """The registry's current catalogue."""
        return self._registry.catalogue

    def compile(
        self,
        formula: Formula | str,
        parameters: Mapping[str, ParameterValue] | None = None,
        *,
        timeframe: Timeframe | str = Timeframe.D1,
        warmup: Warmup | str = Warmup.CONVERGED,
    ) -> CompiledFormula | ScreenPlan:
        """Compile ``formula`` with its ``$parameters`` bound from ``parameters``.

        A formula with a cross-sectional operator (``rank(x)``, ``top(x, n)`` ...)
        compiles to a :class:`ScreenPlan`, whose last stage runs across the job's symbols.

        :param timeframe: the bar size the formula will run on; ``tf()`` checks that its
            timeframe is not shorter and sizes its warm-up from the ratio.
        :param warmup: how many bars the plan asks for before the range
            (:attr:`CompiledFormula.warmup_bars`); see :class:`~candlescan.Warmup`.
        :raises FormulaError: a :class:`FormulaSyntaxError`, :class:`UnknownNameError`,
            :class:`FormulaTypeError`, :class:`FormulaLimitError` or
            :class:`MissingParameterError` with the position and a hint.
        """
        text = formula.expression if isinstance(formula, Formula) else formula
        if not isinstance(text, str):
            raise FormulaTypeError(f"a formula must be text, got {type(text).__name__}")
        params = dict(parameters or {})
        frame = Timeframe.parse(timeframe)
        policy = Warmup.parse(warmup)
        catalogue = self.catalogue
        key = (text, _freeze(params), frame, policy)
        cached = self._cache.get(key) if self._cache_catalogue is catalogue else None
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        plan: CompiledFormula | ScreenPlan
        try:
            tree = parse(text)
            if has_cross_section(tree, catalogue):
                plan = build_screen_plan(text, catalogue, params, frame)
                self._remember(key, catalogue, plan)
                return plan
            compiled = compile_tree(tree, text, catalogue, params, frame)
        except RecursionError:
            # Unreachable within the limits from a normal stack; a safety net for hosts
            # that call compile() from very deep inside their own code.
            raise FormulaLimitError("formula nests too deeply", text[:MAX_LENGTH], -1) from None
        plan = CompiledFormula(
            expression=text,
            warmup_bars=_warmup_bars(policy, compiled.warmup, compiled.converge),
            indicator_terms=tuple(t for t, _ in compiled.terms),
            program=compiled.program,
            result=compiled.result,
            term_steps=tuple(s for _, s in compiled.terms),
            lookback_bars=compiled.warmup,
            converged_bars=compiled.converge,
            warmup=policy,
        )
        self._remember(key, catalogue, plan)
        return plan

    def compile_screen(
        self,
        formula: Formula | str,
        parameters: Mapping[str, ParameterValue] | None = None,
        *,
        timeframe: Timeframe | str = Timeframe.D1,
        columns: tuple[str, ...] = (),
        partial_history: bool = False,
    ) -> ScreenPlan:
        """Compile ``formula`` plus extra ``columns`` (numbers reported per symbol and bar).

        The result always takes the cross-sectional path, so every column's value is
        known on every bar (what :func:`candlescan.scan` and the study need).
        """
        text = formula.expression if isinstance(formula, Formula) else formula
        frame = Timeframe.parse(timeframe)
        return build_screen_plan(
            text,
            self.catalogue,
            dict(parameters or {}),
            frame,
            columns,
            partial_history=partial_history,
        )

    def _remember(
        self, key: tuple[object, ...], catalogue: Catalogue, plan: CompiledFormula | ScreenPlan
    ) -> None:
        if self._cache_size > 0:
            if self._cache_catalogue is not catalogue:
                # A plugin was (un)registered: every cached plan is stale.
                self._cache.clear()
                self._cache_catalogue = catalogue
            self._cache[key] = plan
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def validate(self, formula: Formula | str) -> None:
        """Check the syntax only (no names, no parameters); raise a FormulaError if bad."""
        parse(formula.expression if isinstance(formula, Formula) else formula)

    # --- presets ----------------------------------------------------------------------

    def presets(self) -> tuple[PresetSpec, ...]:
        """Every registered preset, in registration order."""
        return self.catalogue.presets

    def preset(self, name: str) -> PresetSpec:
        """The preset called ``name``.

        :raises UnknownNameError: no plugin registered it (the hint names close ones).
        """
        try:
            return self.catalogue.preset(name)
        except KeyError:
            known = [p.name for p in self.catalogue.presets]
            hint = did_you_mean(name, known) or "'candlescan presets' lists them"
            raise UnknownNameError(f"unknown preset {name!r}", "", -1, hint) from None

    def compile_preset(
        self,
        name: str,
        parameters: Mapping[str, ParameterValue] | None = None,
        *,
        timeframe: Timeframe | str = Timeframe.D1,
        warmup: Warmup | str = Warmup.CONVERGED,
    ) -> CompiledFormula | ScreenPlan:
        """Compile preset ``name``; ``parameters`` override the preset's defaults."""
        preset = self.preset(name)
        merged: dict[str, ParameterValue] = dict(preset.parameters)
        merged.update(parameters or {})
        return self.compile(preset.formula, merged, timeframe=timeframe, warmup=warmup)


def _warmup_bars(policy: Warmup, lookback: int, converged: int) -> int:
    if policy is Warmup.FULL:
        return FULL_HISTORY_BARS
    return lookback if policy is Warmup.LOOKBACK else converged


def _freeze(params: Mapping[str, ParameterValue]) -> tuple[tuple[str, str, object], ...]:
    # The type is part of the key: True, 1 and 1.0 compare equal but compile differently.
    return tuple(sorted((k, type(v).__name__, v) for k, v in params.items()))
