"""The two values the engine handles: :class:`CompiledFormula` and its
:class:`~candlescan.results.Evaluation` (the result shape, defined in :mod:`candlescan.results`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from candlescan.entities import Candles, DateRange
from candlescan.formula._prepared import PreparedFormula
from candlescan.formula._program import Program
from candlescan.results import Evaluation

__all__ = ["CompiledFormula", "Evaluation"]


@dataclass(frozen=True, slots=True)
class CompiledFormula:
    """A formula compiled against a plugin catalogue: a picklable, reusable plan.

    Build it with :meth:`candlescan.FormulaService.compile`; evaluate it on any number of
    symbols, in any process, with :meth:`evaluate`.

    :ivar expression: the formula text as given.
    :ivar warmup_bars: bars needed before ``date_range.start`` for every value inside the
        range to be warm.
    :ivar indicator_terms: canonical text of each indicator term, in order of appearance.
    :ivar program: the compiled steps (see :mod:`candlescan.formula._program`).
    :ivar result: the step whose value is the condition.
    :ivar term_steps: the step of each indicator term, parallel to ``indicator_terms``.
    """

    expression: str
    warmup_bars: int
    indicator_terms: tuple[str, ...]
    program: Program = field(repr=False)
    result: int = field(repr=False)
    term_steps: tuple[int, ...] = field(repr=False)

    __module__ = "candlescan.formula"

    def evaluate(self, candles: Candles, date_range: DateRange) -> Evaluation:
        """Evaluate the formula on ``candles`` and report the bars inside ``date_range``.

        Bars after the range are ignored; bars before it are the warm-up.

        :raises InsufficientHistoryError: fewer than :attr:`warmup_bars` bars precede the
            first bar of the range.
        """
        with np.errstate(all="ignore"):
            return self.prepare(date_range)(candles)

    def prepare(self, date_range: DateRange) -> PreparedFormula:
        """This formula bound to ``date_range``: a callable ``candles -> Evaluation`` that
        evaluates many symbols without redoing the per-formula work (the engine's path)."""
        return PreparedFormula(self, date_range)
