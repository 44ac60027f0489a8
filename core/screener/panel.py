"""The cross-sectional stage: assemble the panel from the workers' leaves and finish.

The panel's rows are the job's symbols that came back without an error, in
alphabetical order (so the result never depends on the order of the job's symbols);
its columns are the union of their bar timestamps. A symbol that has no bar at a
timestamp is not in that bar's universe. Matches are reported only on a symbol's own
bars inside the range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from candlescan.data.repository import ICandleRepository
from candlescan.entities import Matches, ProcessingResult
from candlescan.errors import InvalidJobError
from candlescan.formula._panel import run_panel
from candlescan.formula._screen_plan import PANEL_KEY, ScreenPlan

__all__ = ["Panel", "finish", "group_codes"]


@dataclass(frozen=True, slots=True)
class Panel:
    """The assembled panel of one job: what :class:`~candlescan.screener.ScanResults` reads.

    :ivar symbols: rows, alphabetical.
    :ivar stamps: columns, ``datetime64[ns]``, ascending.
    :ivar present: (rows x columns) the symbol has that bar (warm-up bars included).
    :ivar in_range: (rows x columns) the symbol has that bar inside the job's range.
    :ivar matched: (rows x columns) the formula held there (only inside the range).
    :ivar columns: canonical text -> (rows x columns) float values of each column.
    :ivar terms: canonical text -> (rows x columns) float values of each reported term.
    """

    symbols: tuple[str, ...]
    stamps: npt.NDArray[np.datetime64]
    present: npt.NDArray[np.bool_]
    in_range: npt.NDArray[np.bool_]
    matched: npt.NDArray[np.bool_]
    columns: dict[str, npt.NDArray[np.float64]]
    terms: dict[str, npt.NDArray[np.float64]]


def group_codes(
    symbols: Sequence[str], metadata: dict[str, dict[str, str]], field: str
) -> npt.NDArray[np.intp]:
    """Integer group of each symbol by metadata ``field`` (-1: the symbol has no such value)."""
    labels = [metadata.get(s, {}).get(field) for s in symbols]
    known = sorted({label for label in labels if label})
    index = {label: i for i, label in enumerate(known)}
    return np.array([index.get(label, -1) if label else -1 for label in labels], dtype=np.intp)


def _groups(
    plan: ScreenPlan, symbols: Sequence[str], repo: ICandleRepository
) -> dict[str, npt.NDArray[np.intp]]:
    if not plan.group_fields:
        return {}
    metadata = repo.symbol_metadata(list(symbols))
    fields = {f for fields in metadata.values() for f in fields}
    missing = [f for f in plan.group_fields if f not in fields]
    if missing and symbols:
        known = ", ".join(sorted(fields)) or "none"
        raise InvalidJobError(
            f"by={missing[0]}: {repo.describe()} has no symbol metadata field {missing[0]!r} "
            f"(fields: {known})"
        )
    return {f: group_codes(symbols, metadata, f) for f in plan.group_fields}


def _packed(result: ProcessingResult) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    # The packed leaves travel in computed_indicators (see ScreenPlan); not a float.
    packed: Any = result.computed_indicators[PANEL_KEY]
    stamps, matrix = packed
    return stamps, matrix


def _as_panel(value: Any, shape: tuple[int, int]) -> npt.NDArray[Any]:
    if isinstance(value, np.ndarray):
        return value
    return np.full(shape, value, dtype=np.bool_ if isinstance(value, bool) else np.float64)


def finish(
    plan: ScreenPlan, results: list[ProcessingResult], repo: ICandleRepository
) -> tuple[list[ProcessingResult], Panel]:
    """Run ``plan``'s panel stage on the raw per-symbol ``results``; see the module doc."""
    raw = {r.symbol: r for r in results if r.error is None and PANEL_KEY in r.computed_indicators}
    symbols = tuple(sorted(raw))
    packs = [_packed(raw[s]) for s in symbols]
    union = np.unique(np.concatenate([p[0] for p in packs])) if packs else np.empty(0, np.int64)
    shape = (len(symbols), len(union))
    present = np.zeros(shape, dtype=np.bool_)
    in_range = np.zeros(shape, dtype=np.bool_)
    leaves = [np.full(shape, np.nan) for _ in plan.leaves]
    for row, (symbol, (stamps, matrix)) in enumerate(zip(symbols, packs, strict=True)):
        cols = np.searchsorted(union, stamps)
        present[row, cols] = True
        bars = raw[symbol].bars
        if bars:
            in_range[row, cols[-bars:]] = True
        for leaf, series in zip(leaves, matrix, strict=True):
            leaf[row, cols] = series
    leaves = [
        (leaf == 1.0) if kind == "bool" else leaf
        for leaf, kind in zip(leaves, plan.leaf_kinds, strict=True)
    ]
    values = run_panel(plan.panel, leaves, present, _groups(plan, symbols, repo))
    matched = _as_panel(values[plan.result], shape).astype(np.bool_) & in_range
    terms = {
        t: _as_panel(values[s], shape)
        for t, s in zip(plan.indicator_terms, plan.term_steps, strict=True)
    }
    columns = {
        c: _as_panel(values[s], shape) for c, s in zip(plan.columns, plan.column_steps, strict=True)
    }
    panel = Panel(
        symbols,
        union.astype("datetime64[ns]"),
        present,
        in_range,
        matched,
        {k: v.astype(np.float64) for k, v in columns.items()},
        {k: v.astype(np.float64) for k, v in terms.items()},
    )
    rows = {symbol: row for row, symbol in enumerate(symbols)}
    return [_finished(r, panel, rows) if raw.get(r.symbol) is r else r for r in results], panel


def _finished(result: ProcessingResult, panel: Panel, rows: dict[str, int]) -> ProcessingResult:
    row = rows[result.symbol]
    inside = np.flatnonzero(panel.in_range[row])
    last = inside[-1] if len(inside) else -1
    reported = {**panel.terms, **panel.columns}
    computed = {
        text: float(values[row, last]) if last >= 0 else float("nan")
        for text, values in reported.items()
    }
    matches = Matches(panel.stamps[panel.matched[row]])  # one array, no object per match
    return ProcessingResult(
        result.symbol,
        matches,
        computed,
        result.processing_time_ms,
        None,
        result.last_bar,
        result.bars,
    )
