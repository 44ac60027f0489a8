"""``ScreenPlan``: a compiled formula whose last stage runs across symbols.

Workers run :meth:`ScreenPlan.evaluate` on each symbol: it computes only the leaf
series (see :mod:`._cross`) on the bars of the range plus ``history`` earlier bars and
returns them packed under :data:`PANEL_KEY`. The parent then calls
:meth:`ScreenPlan.finish_batch`, which assembles the panel (symbols x bars), runs the
panel program and replaces each symbol's packed series by its matches and indicator
values (:mod:`candlescan.screener.panel`).

The packed series travel in ``computed_indicators`` under a key no formula term can
have, so the worker, the wire format and :class:`~candlescan.ProcessingResult` stay
as they are; :meth:`finish_batch` removes the key before a host sees a result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from candlescan.entities import Candles, DateRange, ProcessingResult
from candlescan.errors import InsufficientHistoryError
from candlescan.formula._evaluator import _array, run
from candlescan.formula._program import Program

if TYPE_CHECKING:
    from candlescan.data.repository import ICandleRepository

__all__ = ["PANEL_KEY", "LeafOutcome", "ScreenPlan"]

#: Key of the packed leaf series in a worker's ``computed_indicators``.
PANEL_KEY = "\x00panel"


@dataclass(frozen=True, slots=True)
class LeafOutcome:
    """A worker's outcome for one symbol: the packed leaves instead of matches."""

    matches: tuple[np.datetime64, ...]
    computed_indicators: dict[str, Any]
    last_bar: np.datetime64 | None
    bars: int


@dataclass(frozen=True, slots=True)
class ScreenPlan:
    """A formula (and optional columns) with a cross-sectional stage; see the module doc.

    :ivar expression: the formula text.
    :ivar warmup_bars: bars each symbol needs before the range.
    :ivar indicator_terms: canonical texts reported in ``computed_indicators`` (indicator
        terms, then cross-sectional terms such as ``rank(roc(close, 63))``).
    :ivar columns: canonical texts of the extra columns asked for.
    :ivar partial_history: evaluate a symbol whose history is shorter than
        ``warmup_bars`` from its first warm bar on, instead of failing it.
    """

    expression: str
    warmup_bars: int
    indicator_terms: tuple[str, ...]
    columns: tuple[str, ...]
    program: Program = field(repr=False)
    leaves: tuple[int, ...] = field(repr=False)
    leaf_kinds: tuple[str, ...] = field(repr=False)
    panel: Program = field(repr=False)
    result: int = field(repr=False)
    term_steps: tuple[int, ...] = field(repr=False)
    column_steps: tuple[int, ...] = field(repr=False)
    history: int = 0
    group_fields: tuple[str, ...] = ()
    partial_history: bool = False

    __module__ = "candlescan.formula"

    def evaluate(self, candles: Candles, date_range: DateRange) -> LeafOutcome:
        """Compute this symbol's leaf series (runs in a worker)."""
        first, stop = candles.index_range(date_range)
        if first < self.warmup_bars:
            if not self.partial_history:
                raise InsufficientHistoryError(candles.symbol, self.warmup_bars, first)
            first = min(max(first, self.warmup_bars), stop)
        if stop <= first:
            empty = (np.empty(0, np.int64), np.empty((len(self.leaves), 0)))
            return LeafOutcome((), {PANEL_KEY: empty}, None, 0)
        start = first - self.history
        values = run(self.program, candles, stop)
        matrix = np.empty((len(self.leaves), stop - start))
        for row, step in enumerate(self.leaves):
            matrix[row] = _array(values[step], stop)[start:stop]
        stamps = candles.timestamps[start:stop].astype("datetime64[ns]").view(np.int64)
        packed = (np.ascontiguousarray(stamps), matrix)
        return LeafOutcome((), {PANEL_KEY: packed}, candles.timestamps[stop - 1], stop - first)

    def finish_batch(
        self, results: list[ProcessingResult], repo: ICandleRepository
    ) -> list[ProcessingResult]:
        """The cross-sectional stage (runs in the parent once every symbol is back)."""
        from candlescan.screener.panel import finish  # the screener sits above the formula

        return finish(self, results, repo)[0]
