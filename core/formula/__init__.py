"""The formula language: grammar, parser, compiler and evaluator.

``FormulaService.compile(text, parameters)`` turns a formula such as
``rsi(close, 14) < 30 and close > sma(close, 200)`` into a :class:`CompiledFormula`,
a picklable plan whose :meth:`~CompiledFormula.evaluate` runs it on one symbol's
candles. Nothing here ever calls ``eval``/``exec``/``compile`` on user text. The
language is described in ``docs/formula-language.md``.
"""

from candlescan.formula._limits import MAX_DEPTH, MAX_LENGTH, MAX_NODES, MAX_TOKENS, MAX_WINDOW
from candlescan.formula._plan import CompiledFormula, Evaluation
from candlescan.formula._screen_plan import ScreenPlan
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
