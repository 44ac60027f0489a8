"""The two values the engine handles: :class:`CompiledFormula` and :class:`Evaluation`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from candlescan.entities import Candles, DateRange, Warmup, stamp_text
from candlescan.errors import InsufficientHistoryError, NoBarsInRangeError
from candlescan.formula._evaluator import run
from candlescan.formula._program import Program

__all__ = ["CompiledFormula", "Evaluation"]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The outcome of one formula on one symbol's candles.

    :ivar matches: timestamps of the bars inside the date range where the formula held.
    :ivar computed_indicators: each indicator term by canonical text -> its value on the
        bar :attr:`indicators_at` (the last match, else the last bar in range).
    :ivar last_bar: timestamp of the last bar in range.
    :ivar bars: number of bars evaluated (from :attr:`evaluated_from` to the range end).
    :ivar evaluated_from: timestamp of the first bar evaluated.
    :ivar indicators_at: timestamp of the bar ``computed_indicators`` belong to.
    """

    matches: tuple[np.datetime64, ...]
    computed_indicators: dict[str, float]
    last_bar: np.datetime64 | None
    bars: int
    evaluated_from: np.datetime64 | None = None
    indicators_at: np.datetime64 | None = None

    __module__ = "candlescan.formula"


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
        first, stop = candles.index_range(date_range)
        stamps = candles.timestamps
        if stop <= first:
            last = stamp_text(stamps[stop - 1]) if stop > 0 else ""
            raise NoBarsInRangeError(candles.symbol, str(date_range), last)
        start = max(first, self.lookback_bars)
        if start >= stop:
            until = stamp_text(stamps[stop - 1])
            raise InsufficientHistoryError(candles.symbol, self.lookback_bars, stop, until)
        values = run(self.program, candles, stop)
        result = values[self.result]
        if isinstance(result, np.ndarray):
            matched = stamps[start:stop][result[start:stop]]
        else:  # a constant condition
            matched = stamps[start:stop] if result else stamps[:0]
        at = stop - 1
        if len(matched) and matched[-1] != stamps[at]:
            at = int(np.searchsorted(stamps, matched[-1]))
        computed = {
            text: _at(values[step], at)
            for text, step in zip(self.indicator_terms, self.term_steps, strict=True)
        }
        return Evaluation(
            matches=tuple(matched),
            computed_indicators=computed,
            last_bar=stamps[stop - 1],
            bars=stop - start,
            evaluated_from=stamps[start],
            indicators_at=stamps[at],
        )


def _at(value: object, index: int) -> float:
    if isinstance(value, np.ndarray):
        return float(value[index])
    return float(value)  # type: ignore[arg-type]
