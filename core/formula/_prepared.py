"""A compiled formula bound to one date range: the engine's per-chunk evaluator.

:meth:`CompiledFormula.prepare <candlescan.formula.CompiledFormula.prepare>` does once
what is the same for every symbol of a chunk (binding each step's operation and kernel,
turning the date range into search bounds), so evaluating one more symbol costs little
more than its kernels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from candlescan.entities import Candles, DateRange, Evaluation, Matches, stamp_text
from candlescan.errors import InsufficientHistoryError, NoBarsInRangeError
from candlescan.formula._evaluator import prepare, run_prepared

if TYPE_CHECKING:
    from candlescan.formula._plan import CompiledFormula

__all__ = ["PreparedFormula"]


class PreparedFormula:
    """Evaluates one compiled formula over ``date_range`` on any number of symbols.

    Call it with each symbol's candles inside ``numpy.errstate(all="ignore")`` (the
    caller enters it once for many symbols; NaN comparisons are expected).
    """

    __slots__ = ("_bounds", "_lookback", "_range", "_result", "_steps", "_terms")

    def __init__(self, formula: CompiledFormula, date_range: DateRange) -> None:
        self._steps = prepare(formula.program)
        self._result = formula.result
        self._terms = tuple(zip(formula.indicator_terms, formula.term_steps, strict=True))
        self._lookback = formula.lookback_bars
        self._range = date_range
        self._bounds = np.array([date_range.start64, date_range.stop64])

    def __call__(self, candles: Candles) -> Evaluation:
        """The formula's outcome on ``candles`` (see ``CompiledFormula.evaluate``).

        A source returns fewer bars before the range than the plan's warm-up only when
        that is the symbol's whole history, so evaluation starts at the first bar with a
        value (bar ``lookback_bars``) or at the range start, whichever is later.
        """
        stamps = candles.timestamps
        first, stop = stamps.searchsorted(self._bounds).tolist()
        if stop <= first:
            last = stamp_text(stamps[stop - 1]) if stop > 0 else ""
            raise NoBarsInRangeError(candles.symbol, str(self._range), last)
        start = max(first, self._lookback)
        if start >= stop:
            until = stamp_text(stamps[stop - 1])
            raise InsufficientHistoryError(candles.symbol, self._lookback, stop, until)
        values = run_prepared(self._steps, candles, stop)
        result = values[self._result]
        if isinstance(result, np.ndarray):
            hits = stamps[start:stop][result[start:stop]]
        else:  # a constant condition
            hits = stamps[start:stop] if result else stamps[:0]
        # Indicator values belong to the last match (what a user checks on a chart),
        # else to the last bar of the range.
        at = stop - 1
        if len(hits) and hits[-1] != stamps[at]:
            at = int(stamps.searchsorted(hits[-1]))
        computed = {text: _at(values[step], at) for text, step in self._terms}
        return Evaluation(
            Matches(hits), computed, stamps[stop - 1], stop - start, stamps[start], stamps[at]
        )


def _at(value: object, index: int) -> float:
    if isinstance(value, np.ndarray):
        return float(value[index])
    return float(value)  # type: ignore[arg-type]
