"""Symbol metadata read from a ``symbols.csv`` file (``symbol,name,sector,...``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from candlescan.errors import DataSourceError

__all__ = ["parse_symbols_csv", "select"]


def parse_symbols_csv(text: str, where: str) -> dict[str, dict[str, str]]:
    """``{symbol: {field: value}}`` from CSV text whose header has a ``symbol`` column.

    Field names are lower-cased; empty values are left out.

    :raises DataSourceError: no ``symbol`` column, or a row with the wrong number of cells.
    """
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if "symbol" not in header:
        raise DataSourceError(f"{where}: the header has no 'symbol' column (got {header})")
    key = header.index("symbol")
    out: dict[str, dict[str, str]] = {}
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise DataSourceError(
                f"{where}, line {line}: {len(row)} cells, the header has {len(header)}"
            )
        symbol = row[key].strip()
        out[symbol] = {
            field: value.strip()
            for field, value in zip(header, row, strict=True)
            if field != "symbol" and value.strip()
        }
    return out


def select(
    metadata: Mapping[str, Mapping[str, str]], symbols: Iterable[str] | None
) -> dict[str, dict[str, str]]:
    """The entries of ``symbols`` (all when ``None``), each a fresh dict."""
    wanted = metadata.keys() if symbols is None else symbols
    return {s: dict(metadata[s]) for s in wanted if s in metadata}
