"""``candlescan.scan()``: one call from a formula to ordered :class:`ScanResults`."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from candlescan.data.repository import ICandleRepository
from candlescan.entities import (
    DateRange,
    Formula,
    ParameterValue,
    ProcessingJob,
    ProcessingResult,
    Timeframe,
)
from candlescan.formula._screen_plan import ScreenPlan
from candlescan.screener.panel import Panel, finish
from candlescan.screener.results import ScanResults, SortKey, build_rows, parse_sort
from candlescan.screener.universe import resolve_symbols

__all__ = ["default_range", "run_plan", "scan"]


def default_range(repo: ICandleRepository, start: Any = None, end: Any = None) -> DateRange:
    """``start``..``end``; by default the last year of the source's data (as the CLI does)."""
    if end is None:
        coverage = repo.coverage()
        end = coverage.end if coverage is not None else date.today()
    if start is None:
        end_day = end if isinstance(end, date) else date.fromisoformat(str(end))
        start = end_day - timedelta(days=365)
    return DateRange(start, end)


@dataclass(frozen=True, slots=True)
class RawPlan:
    """A :class:`ScreenPlan` whose panel stage the caller runs (it needs the panel too)."""

    plan: ScreenPlan

    @property
    def warmup_bars(self) -> int:
        return self.plan.warmup_bars

    def evaluate(self, candles: Any, date_range: DateRange) -> Any:
        return self.plan.evaluate(candles, date_range)


class _Prepared:
    """A formula service that hands the engine an already compiled plan."""

    def __init__(self, plan: RawPlan) -> None:
        self._plan = plan

    def compile(
        self, formula: Any, parameters: Any = None, *, timeframe: Any = None, warmup: Any = None
    ) -> RawPlan:
        return self._plan


def run_plan(
    plan: ScreenPlan,
    repo: ICandleRepository,
    symbols: Sequence[str],
    date_range: DateRange,
    *,
    timeframe: Timeframe | str = Timeframe.D1,
    workers: int | None = None,
    backend: str = "process",
    timeout: float = 60.0,
    progress: Any = None,
) -> tuple[list[ProcessingResult], Panel]:
    """Run ``plan`` over ``symbols`` on an engine; return the finished results and the panel."""
    from candlescan.execution.engine import ProcessingEngine

    job = ProcessingJob(
        id="scan",
        symbols=tuple(symbols),
        timeframe=Timeframe.parse(timeframe),
        date_range=date_range,
        formula=Formula(plan.expression),
    )
    engine = ProcessingEngine(
        repo, _Prepared(RawPlan(plan)), workers, timeout=timeout, backend=backend
    )
    with engine:
        raw = asyncio.run(engine.process_batch(job, progress))
    return finish(plan, raw, repo)


def compile_columns(
    service: Any,
    formula: str,
    parameters: Mapping[str, ParameterValue] | None,
    timeframe: str,
    columns: Sequence[str],
    sort: str | None,
    warmup: str,
) -> tuple[ScreenPlan, SortKey | None]:
    """The screen plan of ``formula`` with ``columns`` and the ``sort`` column, and the
    sort key named by the compiled column's canonical text."""
    key = parse_sort(sort) if sort else None
    wanted = list(dict.fromkeys([*columns, *([key.column] if key else [])]))
    plan: ScreenPlan = service.compile_screen(
        formula, parameters, timeframe=timeframe, columns=tuple(wanted), warmup=warmup
    )
    if key is not None:
        key = SortKey(plan.columns[wanted.index(key.column)], key.descending)
    return plan, key


def scan(
    formula: str,
    *,
    source: str | ICandleRepository = "sample",
    symbols: Sequence[str] | str | None = None,
    start: Any = None,
    end: Any = None,
    timeframe: str = "1d",
    parameters: Mapping[str, ParameterValue] | None = None,
    columns: Sequence[str] = (),
    sort: str | None = None,
    top: int | None = None,
    where: Mapping[str, Sequence[str] | str] | None = None,
    workers: int | None = None,
    backend: str = "process",
    timeout: float = 60.0,
    registry: Any = None,
    warmup: str = "converged",
) -> ScanResults:
    """Screen ``symbols`` of ``source`` with ``formula`` and return ordered results.

    :param symbols: ``None``/``"all"``, ``"A,B"``, a list, or ``"@watchlist.txt"``.
    :param columns: expressions reported per symbol (at the last bar) and per match.
    :param sort: a column to order by, ``"-x"`` for descending (added to the columns).
    :param top: keep the first ``top`` rows that matched (in sort order).
    :param where: universe filter on symbol metadata, e.g. ``{"sector": "Energy"}``;
        applied before the formula, so ``rank()`` ranks within it.
    :param warmup: history loaded before the range: ``"converged"`` (values equal the
        full-history ones within 1e-9), ``"full"`` or ``"lookback"`` (see ``Warmup``).
    :raises FormulaError: a bad formula or column, before anything runs.

    Call it under ``if __name__ == "__main__":`` in a script: the worker processes
    re-import the main module.
    """
    from candlescan.formula import FormulaService
    from candlescan.registry import PluginRegistry

    registry = registry if registry is not None else PluginRegistry.default()
    repo = registry.open_source(source) if isinstance(source, str) else source
    plan, key = compile_columns(
        FormulaService(registry), formula, parameters, timeframe, columns, sort, warmup
    )
    universe = resolve_symbols(repo, symbols, where)
    date_range = default_range(repo, start, end)
    results, panel = run_plan(
        plan,
        repo,
        universe,
        date_range,
        timeframe=timeframe,
        workers=workers,
        backend=backend,
        timeout=timeout,
    )
    metadata = repo.symbol_metadata(list(universe))
    shown = tuple(dict.fromkeys(plan.columns))  # "x" and "x " may name one column
    rows = build_rows(results, shown, metadata, key)
    outcome = ScanResults(formula, date_range, shown, rows, panel, key)
    return outcome.matched().head(top) if top is not None else outcome
