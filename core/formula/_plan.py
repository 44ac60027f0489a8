""":class:`CompiledFormula`: what the engine evaluates; its outcome is an
:class:`~candlescan.entities.Evaluation` (the result shape, defined with the entities)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from candlescan.entities import Candles, DateRange, Evaluation, Warmup
from candlescan.formula._prepared import PreparedFormula
from candlescan.formula._program import Program

__all__ = ["CompiledFormula", "Evaluation"]


@dataclass(frozen=True, slots=True)
class CompiledFormula:
    """A formula compiled against a plugin catalogue: a picklable, reusable plan.

    Build it with :meth:`candlescan.FormulaService.compile`; evaluate it on any number of
    symbols, in any process, with :meth:`evaluate`.

    :ivar expression: the formula text as given.
    :ivar warmup_bars: bars to load before ``date_range.start``, by the :attr:`warmup`
        policy: :attr:`converged_bars`, :attr:`lookback_bars`, or all history.
    :ivar indicator_terms: canonical text of each indicator term, in order of appearance.
    :ivar program: the compiled steps (see :mod:`candlescan.formula._program`).
    :ivar result: the step whose value is the condition.
    :ivar term_steps: the step of each indicator term, parallel to ``indicator_terms``.
    :ivar lookback_bars: bars before a bar that give it a value at all (composed TA-Lib
        lookbacks): the first evaluable bar of a series is bar ``lookback_bars``.
    :ivar converged_bars: bars before a bar that make every value equal its value over
        the whole history within 1e-9 relative (composed ``IndicatorSpec.warmup``).
    :ivar warmup: the policy ``warmup_bars`` was chosen by.
    """

    expression: str
    warmup_bars: int
    indicator_terms: tuple[str, ...]
    program: Program = field(repr=False)
    result: int = field(repr=False)
    term_steps: tuple[int, ...] = field(repr=False)
    lookback_bars: int = 0
    converged_bars: int = 0
    warmup: Warmup = Warmup.CONVERGED

    __module__ = "candlescan.formula"

    def evaluate(self, candles: Candles, date_range: DateRange) -> Evaluation:
        """Evaluate the formula on ``candles`` and report the bars inside ``date_range``.

        Bars after the range are ignored; bars before it are the warm-up. Candles that
        start later than :attr:`warmup_bars` before the range are the symbol's whole
        history (a source returns fewer bars only then), so they are evaluated from
        their first bar with a value: bar :attr:`lookback_bars`.

        :raises NoBarsInRangeError: no bar inside ``date_range``.
        :raises InsufficientHistoryError: no bar inside the range has a value.
        """
        with np.errstate(all="ignore"):
            return self.prepare(date_range)(candles)

    def prepare(self, date_range: DateRange) -> PreparedFormula:
        """This formula bound to ``date_range``: a callable ``candles -> Evaluation`` that
        evaluates many symbols without redoing the per-formula work (the engine's path)."""
        return PreparedFormula(self, date_range)
