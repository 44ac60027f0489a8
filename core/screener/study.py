"""The signal study: what happened after a screen matched, against all bars as the baseline.

For a match of symbol ``s`` on bar ``t`` and a horizon ``h``, the forward return is
``close[t+h] / open[t+1] - 1``: the signal is known at the close of ``t``, so the trade
enters at the next bar's open (no look-ahead) and exits at the close ``h`` bars after
the signal. Bars are the symbol's own bars. A match whose ``t+h`` is past the end of
the data has no forward return and is not counted. The baseline is the same return
from every bar in the range (matching or not).

Overlapping signals: with ``overlap="all"`` (default) every matching bar counts, so a
signal that holds for 10 days in a row contributes 10 overlapping returns (the counts
overstate independent evidence). With ``overlap="skip"`` a match is counted only once
the previous counted match of that symbol has exited (``t >= t_prev + h``), per horizon.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from candlescan.data.repository import ICandleRepository
from candlescan.entities import DateRange, ParameterValue
from candlescan.errors import InvalidJobError
from candlescan.screener.api import run_plan
from candlescan.screener.panel import Panel
from candlescan.screener.universe import resolve_symbols

__all__ = ["STUDY_COLUMNS", "forward_returns", "study", "summarise"]

STUDY_COLUMNS = (
    "by",
    "group",
    "horizon",
    "count",
    "mean",
    "median",
    "hit_rate",
    "base_count",
    "base_mean",
    "base_median",
    "base_hit_rate",
)


@dataclass(frozen=True, slots=True)
class _Returns:
    """Forward returns of one horizon: one entry per (symbol, bar) that has one."""

    horizon: int
    returns: npt.NDArray[np.float64]
    signal: npt.NDArray[np.bool_]
    year: npt.NDArray[np.int64]
    symbol_row: npt.NDArray[np.intp]


def _skip_overlaps(bars: npt.NDArray[np.intp], horizon: int) -> npt.NDArray[np.bool_]:
    keep = np.zeros(len(bars), dtype=np.bool_)
    free_from = -1
    for i, bar in enumerate(bars):
        if bar >= free_from:
            keep[i] = True
            free_from = bar + horizon
    return keep


def forward_returns(panel: Panel, horizon: int, overlap: str = "all") -> _Returns:
    """Every in-range bar's forward return at ``horizon`` and whether it was a signal."""
    opens, closes = panel.columns["open"], panel.columns["close"]
    years = panel.stamps.astype("datetime64[Y]").astype(np.int64) + 1970
    parts: list[tuple[Any, ...]] = []
    for row in range(len(panel.symbols)):
        cols = np.flatnonzero(panel.present[row])
        n = len(cols) - horizon  # bars k with a bar k + horizon
        if n <= 0:
            continue
        entry = opens[row, cols[1 : n + 1]]
        exit_ = closes[row, cols[horizon : horizon + n]]
        k = cols[:n]
        inside = panel.in_range[row, k]
        with np.errstate(all="ignore"):
            ret = exit_ / entry - 1.0
        good = inside & np.isfinite(ret)
        signal = panel.matched[row, k] & good
        if overlap == "skip":
            positions = np.flatnonzero(signal)
            signal[positions[~_skip_overlaps(positions, horizon)]] = False
        parts.append((ret[good], signal[good], years[k[good]], np.full(int(good.sum()), row)))
    if not parts:
        empty = np.empty(0)
        return _Returns(
            horizon, empty, empty.astype(bool), empty.astype(np.int64), empty.astype(np.intp)
        )
    returns, signal, year, rows = (np.concatenate(p) for p in zip(*parts, strict=True))
    return _Returns(horizon, returns, signal, year, rows)


def _stats(values: npt.NDArray[np.float64]) -> tuple[int, float, float, float]:
    if len(values) == 0:
        return 0, np.nan, np.nan, np.nan
    return len(values), float(values.mean()), float(np.median(values)), float((values > 0).mean())


def summarise(
    panel: Panel, horizons: Sequence[int], sectors: Mapping[str, str], overlap: str = "all"
) -> list[dict[str, Any]]:
    """Rows of the study table: ``by`` all / year / sector, per horizon (see STUDY_COLUMNS)."""
    labels = np.array([sectors.get(s, "") for s in panel.symbols], dtype=object)
    rows: list[dict[str, Any]] = []
    for horizon in horizons:
        data = forward_returns(panel, horizon, overlap)
        groups: list[tuple[str, str, npt.NDArray[np.bool_]]] = [
            ("all", "all", np.ones(len(data.returns), dtype=np.bool_))
        ]
        groups += [("year", str(y), data.year == y) for y in np.unique(data.year)]
        sector_of = labels[data.symbol_row] if len(labels) else np.empty(0, dtype=object)
        groups += [("sector", str(s), sector_of == s) for s in sorted(set(sector_of.tolist())) if s]
        for by, group, mask in groups:
            count, mean, median, hit = _stats(data.returns[mask & data.signal])
            base = _stats(data.returns[mask])
            rows.append(
                dict(
                    zip(
                        STUDY_COLUMNS,
                        (by, group, horizon, count, mean, median, hit, *base),
                        strict=True,
                    )
                )
            )
    return rows


def study(
    formula: str,
    *,
    horizons: Sequence[int] = (1, 5, 20),
    source: str | ICandleRepository = "sample",
    symbols: Sequence[str] | str | None = None,
    start: Any = None,
    end: Any = None,
    parameters: Mapping[str, ParameterValue] | None = None,
    where: Mapping[str, Sequence[str] | str] | None = None,
    overlap: str = "all",
    workers: int | None = None,
    backend: str = "process",
    registry: Any = None,
) -> Any:
    """Forward returns after every match of ``formula``; a pandas DataFrame (needs pandas).

    The range defaults to the source's whole history; a symbol is evaluated from its
    first bar where every value of the formula is warm. One row per (``by``, ``group``,
    ``horizon``) with the columns of :data:`STUDY_COLUMNS`; see the module doc for the
    return's definition and ``overlap``.
    """
    import pandas as pd

    from candlescan.registry import PluginRegistry

    if overlap not in ("all", "skip"):
        raise InvalidJobError(f"overlap must be 'all' or 'skip', got {overlap!r}")
    if not horizons or any(not isinstance(h, int) or h < 1 for h in horizons):
        raise InvalidJobError(f"horizons must be positive whole numbers, got {list(horizons)}")
    registry = registry if registry is not None else PluginRegistry.default()
    repo = registry.open_source(source) if isinstance(source, str) else source
    panel = study_panel(
        formula, repo, symbols, start, end, parameters, where, workers, backend, registry
    )
    metadata = repo.symbol_metadata(list(panel.symbols))
    sectors = {s: f.get("sector", "") for s, f in metadata.items()}
    return pd.DataFrame(summarise(panel, horizons, sectors, overlap), columns=list(STUDY_COLUMNS))


def study_panel(
    formula: str,
    repo: ICandleRepository,
    symbols: Sequence[str] | str | None,
    start: Any,
    end: Any,
    parameters: Mapping[str, ParameterValue] | None,
    where: Mapping[str, Sequence[str] | str] | None,
    workers: int | None,
    backend: str,
    registry: Any,
) -> Panel:
    """Run ``formula`` over the history with the open and close columns the study needs."""
    from candlescan.formula import FormulaService

    plan = FormulaService(registry).compile_screen(
        formula, parameters, columns=("open", "close"), partial_history=True
    )
    coverage = repo.coverage()
    if (start is None or end is None) and coverage is None:
        raise InvalidJobError(f"{repo.describe()} does not know its dates; give start and end")
    wanted = DateRange(
        start if start is not None else coverage.start,  # type: ignore[union-attr]
        end if end is not None else coverage.end,  # type: ignore[union-attr]
    )
    # Signals come from the wanted range; their forward returns may use later bars.
    last = max(wanted.end, coverage.end) if coverage is not None else wanted.end
    universe = resolve_symbols(repo, symbols, where)
    _, panel = run_plan(
        plan, repo, universe, DateRange(wanted.start, last), workers=workers, backend=backend
    )
    later = panel.stamps >= wanted.stop64
    if later.any():
        panel = replace(
            panel,
            in_range=panel.in_range & ~later,
            matched=panel.matched & ~later,
        )
    return panel
