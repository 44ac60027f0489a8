"""The formula language: grammar, parser, compiler and evaluator.

``FormulaService.compile(text, parameters)`` turns a formula such as
``rsi(close, 14) < 30 and close > sma(close, 200)`` into a :class:`CompiledFormula`,
a picklable plan whose :meth:`~CompiledFormula.evaluate` runs it on one symbol's
candles. Nothing here ever calls ``eval``/``exec``/``compile`` on user text. The
language is described in ``docs/formula-language.md``.

``FormulaService`` is imported on first use: a worker imports this package when it
unpickles a plan, and must not load the compiler, the registry or pluggy with it.
"""

from typing import TYPE_CHECKING, Any

from candlescan.formula._limits import MAX_DEPTH, MAX_LENGTH, MAX_NODES, MAX_TOKENS, MAX_WINDOW
from candlescan.formula._plan import CompiledFormula, Evaluation
from candlescan.formula._screen_plan import ScreenPlan

if TYPE_CHECKING:
    from candlescan.formula.service import FormulaService

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NODES",
    "MAX_TOKENS",
    "MAX_WINDOW",
    "CompiledFormula",
    "Evaluation",
    "FormulaService",
    "ScreenPlan",
]


def __getattr__(name: str) -> Any:
    if name == "FormulaService":
        from candlescan.formula.service import FormulaService

        return FormulaService
    raise AttributeError(f"module 'candlescan.formula' has no attribute {name!r}")
