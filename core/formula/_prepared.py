"""A compiled formula bound to one date range: the engine's per-chunk evaluator.

:meth:`CompiledFormula.prepare <candlescan.formula.CompiledFormula.prepare>` does once
what is the same for every symbol of a chunk (binding each step's operation and kernel,
turning the date range into search bounds), so evaluating one more symbol costs little
more than its kernels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from candlescan.entities import Candles, DateRange
from candlescan.errors import InsufficientHistoryError
from candlescan.formula._evaluator import prepare, run_prepared
from candlescan.results import Evaluation, Matches

if TYPE_CHECKING:
    from candlescan.formula._plan import CompiledFormula

__all__ = ["PreparedFormula"]


class PreparedFormula:
    """Evaluates one compiled formula over ``date_range`` on any number of symbols.

    Call it with each symbol's candles inside ``numpy.errstate(all="ignore")`` (the
    caller enters it once for many symbols; NaN comparisons are expected).
    """

    __slots__ = ("_bounds", "_nan", "_result", "_steps", "_terms", "_warmup")

    def __init__(self, formula: CompiledFormula, date_range: DateRange) -> None:
        self._steps = prepare(formula.program)
        self._result = formula.result
        self._terms = tuple(zip(formula.indicator_terms, formula.term_steps, strict=True))
        self._warmup = formula.warmup_bars
        self._bounds = np.array([date_range.start64, date_range.stop64])
        self._nan = dict.fromkeys(formula.indicator_terms, float("nan"))

    def __call__(self, candles: Candles) -> Evaluation:
        """The formula's outcome on ``candles`` (see ``CompiledFormula.evaluate``)."""
        stamps = candles.timestamps
        first, stop = stamps.searchsorted(self._bounds).tolist()
        if stop <= first:
            return Evaluation(Matches(), dict(self._nan), None, 0)
        if first < self._warmup:
            raise InsufficientHistoryError(candles.symbol, self._warmup, first)
        values = run_prepared(self._steps, candles, stop)
        result = values[self._result]
        if isinstance(result, np.ndarray):
            hits = stamps[first:stop][result[first:stop]]
        else:  # a constant condition
            hits = stamps[first:stop] if result else stamps[:0]
        computed = {text: _last(values[step], stop) for text, step in self._terms}
        return Evaluation(Matches(hits), computed, stamps[stop - 1], stop - first)


def _last(value: object, stop: int) -> float:
    if isinstance(value, np.ndarray):
        return float(value[stop - 1])
    return float(value)  # type: ignore[arg-type]
