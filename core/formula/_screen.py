"""Builds a :class:`~._screen_plan.ScreenPlan` from text (the formula and its columns)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from candlescan.entities import ParameterValue, Timeframe
from candlescan.formula._cross import split_formula
from candlescan.formula._parser import parse
from candlescan.formula._screen_plan import ScreenPlan
from candlescan.registry import Catalogue

__all__ = ["build_screen_plan"]


def build_screen_plan(
    text: str,
    catalogue: Catalogue,
    parameters: Mapping[str, ParameterValue],
    timeframe: Timeframe,
    columns: Sequence[str] = (),
    *,
    partial_history: bool = False,
) -> ScreenPlan:
    """Parse and split ``text`` and ``columns``; raise a FormulaError with a caret if bad."""
    tree = parse(text)
    parsed = [(column, parse(column)) for column in columns]
    split = split_formula(tree, text, catalogue, parameters, timeframe, parsed)
    return ScreenPlan(
        expression=text,
        warmup_bars=split.leaf_warmup + split.history,
        indicator_terms=tuple(t for t, _ in split.terms),
        columns=tuple(c for c, _ in split.columns),
        program=split.program,
        leaves=split.leaves,
        leaf_kinds=split.leaf_kinds,
        panel=split.panel,
        result=split.result,
        term_steps=tuple(s for _, s in split.terms),
        column_steps=tuple(s for _, s in split.columns),
        history=split.history,
        group_fields=split.group_fields,
        partial_history=partial_history,
    )
