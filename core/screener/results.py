"""``ScanResults``: a scan's rows for programs (pandas, Arrow, JSON).

One :class:`ScanRow` per symbol of the job. Rows are in a deterministic order: by the
sort key when one is given (NaN last, ties by symbol), else by symbol; symbols that
failed come last. Nothing depends on the order in which workers finished.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from candlescan.entities import DateRange, ProcessingResult
from candlescan.screener.panel import Panel

__all__ = ["ScanResults", "ScanRow", "SortKey", "parse_sort"]


def _day(stamp: np.datetime64 | None) -> str | None:
    return None if stamp is None else str(stamp.astype("datetime64[D]"))


def _clean(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else value


@dataclass(frozen=True, slots=True)
class ScanRow:
    """One symbol's outcome.

    :ivar values: each column (and each indicator term) at the symbol's last bar in range.
    :ivar fields: the symbol's metadata (``name``, ``sector`` ...), empty if the source has none.
    """

    symbol: str
    matches: tuple[np.datetime64, ...]
    last_bar: np.datetime64 | None
    bars: int
    values: dict[str, float]
    fields: dict[str, str]
    error: str | None
    processing_time_ms: float

    @property
    def signal(self) -> bool:
        """The formula held on the last bar of the range."""
        if not self.matches or self.last_bar is None:
            return False
        return bool(self.matches[-1] == self.last_bar)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ``YYYY-MM-DD``, NaN as ``None`` (schema in docs/screener.md)."""
        return {
            "symbol": self.symbol,
            "matches": [_day(m) for m in self.matches],
            "on_last_bar": self.signal,
            "last_bar": _day(self.last_bar),
            "bars": self.bars,
            "values": {k: _clean(v) for k, v in self.values.items()},
            "fields": dict(self.fields),
            "processing_time_ms": round(self.processing_time_ms, 3),
            "error": self.error,
        }


@dataclass(frozen=True, slots=True)
class SortKey:
    """Sort by ``column``'s value at the last bar; ``descending`` for ``-column``."""

    column: str
    descending: bool


def parse_sort(text: str) -> SortKey:
    """``"-roc(close, 63)"`` -> descending by that column; ``"+x"`` or ``"x"`` ascending."""
    text = text.strip()
    if text.startswith(("-", "+")):
        return SortKey(text[1:].strip(), text[0] == "-")
    return SortKey(text, False)


@dataclass(frozen=True, slots=True)
class ScanResults:
    """A scan's rows, in order, and the panel behind them (see the module doc)."""

    formula: str
    date_range: DateRange
    columns: tuple[str, ...]
    rows: tuple[ScanRow, ...]
    panel: Panel | None = field(default=None, repr=False)
    sort: SortKey | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[ScanRow]:
        return iter(self.rows)

    def __getitem__(self, index: int) -> ScanRow:
        return self.rows[index]

    @property
    def symbols(self) -> tuple[str, ...]:
        """The rows' symbols, in order."""
        return tuple(r.symbol for r in self.rows)

    def matched(self) -> ScanResults:
        """Only the rows with at least one match in the range."""
        return replace(self, rows=tuple(r for r in self.rows if r.matches))

    def head(self, n: int) -> ScanResults:
        """The first ``n`` rows."""
        return replace(self, rows=self.rows[:n])

    def to_dicts(self) -> list[dict[str, Any]]:
        """``[row.to_dict() for row in self]``."""
        return [r.to_dict() for r in self.rows]

    def table(self, per: str = "symbol") -> dict[str, list[Any]]:
        """Columns of plain lists: one row per symbol (``per="symbol"``) or per match."""
        if per == "symbol":
            return _per_symbol(self)
        if per == "match":
            return _per_match(self)
        raise ValueError(f"per must be 'symbol' or 'match', got {per!r}")

    def to_pandas(self, per: str = "symbol") -> Any:
        """A pandas DataFrame (needs pandas); see :meth:`table`."""
        import pandas as pd

        return pd.DataFrame(self.table(per))

    def to_arrow(self, per: str = "symbol") -> Any:
        """A pyarrow Table (needs the ``arrow`` extra); see :meth:`table`."""
        pyarrow = importlib.import_module("pyarrow")  # optional: the arrow extra
        return pyarrow.table(self.table(per))


def _value_names(results: ScanResults) -> list[str]:
    names = list(results.columns)
    for row in results.rows:
        names.extend(k for k in row.values if k not in names)
    return names


def _per_symbol(results: ScanResults) -> dict[str, list[Any]]:
    names = _value_names(results)
    fields = sorted({f for row in results.rows for f in row.fields})
    table: dict[str, list[Any]] = {
        "symbol": [r.symbol for r in results.rows],
        "matches": [len(r.matches) for r in results.rows],
        "signal": [r.signal for r in results.rows],
        "last_bar": [
            None if r.last_bar is None else r.last_bar.astype("datetime64[ns]")
            for r in results.rows
        ],
        "bars": [r.bars for r in results.rows],
    }
    for name in names:
        table[name] = [r.values.get(name, math.nan) for r in results.rows]
    for name in fields:
        table[name] = [r.fields.get(name) for r in results.rows]
    table["error"] = [r.error for r in results.rows]
    return table


def _per_match(results: ScanResults) -> dict[str, list[Any]]:
    panel = results.panel
    names = list(results.columns) + [
        t for t in (panel.terms if panel is not None else {}) if t not in results.columns
    ]
    table: dict[str, list[Any]] = {"symbol": [], "date": [], **{n: [] for n in names}}
    if panel is None:
        return table
    rows = {s: i for i, s in enumerate(panel.symbols)}
    source = {**panel.terms, **panel.columns}
    for row in results.rows:
        if row.symbol not in rows or not row.matches:
            continue
        cols = np.flatnonzero(panel.matched[rows[row.symbol]])
        table["symbol"].extend([row.symbol] * len(cols))
        table["date"].extend(panel.stamps[cols])
        for name in names:
            table[name].extend(source[name][rows[row.symbol], cols].tolist())
    return table


def build_rows(
    results: Sequence[ProcessingResult],
    columns: Sequence[str],
    metadata: dict[str, dict[str, str]],
    sort: SortKey | None,
) -> tuple[ScanRow, ...]:
    """Rows from finished results, ordered as the module doc says."""
    rows = [
        ScanRow(
            r.symbol,
            tuple(r.matches),
            r.last_bar,
            r.bars,
            dict(r.computed_indicators),
            dict(metadata.get(r.symbol, {})),
            r.error,
            r.processing_time_ms,
        )
        for r in results
    ]

    def key(row: ScanRow) -> tuple[Any, ...]:
        if row.error is not None:
            return (2, 0.0, row.symbol)
        if sort is None:
            return (0, 0.0, row.symbol)
        value = row.values.get(sort.column, math.nan)
        if math.isnan(value):
            return (1, 0.0, row.symbol)
        return (0, -value if sort.descending else value, row.symbol)

    return tuple(sorted(rows, key=key))
