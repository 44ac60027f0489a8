"""Write the same bars as Parquet (with pyarrow, not the engine under test) and CSV."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from candlescan import Candles

PRICES = ("open", "high", "low", "close", "volume")


def table_of(candles: Iterable[Candles], *, with_symbol: bool = True) -> pa.Table:
    """A long-format Arrow table: symbol, date, open ... volume."""
    series = list(candles)
    columns: dict[str, object] = {}
    if with_symbol:
        columns["symbol"] = np.repeat([c.symbol for c in series], [len(c) for c in series])
    columns["date"] = np.concatenate([c.timestamps for c in series]).astype("datetime64[us]")
    for name in PRICES:
        columns[name] = np.concatenate([c.column(name) for c in series])
    return pa.table(columns)


def write_long(path: Path, candles: Iterable[Candles], row_group_size: int = 20_000) -> Path:
    """One Parquet file, sorted by symbol and date, in small row groups."""
    pq.write_table(table_of(candles), path, row_group_size=row_group_size)
    return path


def write_hive(directory: Path, candles: Iterable[Candles]) -> Path:
    """``directory/symbol=X/part.parquet``."""
    pq.write_to_dataset(table_of(candles), directory, partition_cols=["symbol"])
    return directory


def write_per_symbol(directory: Path, candles: Iterable[Candles]) -> Path:
    """``directory/SYMBOL.parquet`` without a symbol column."""
    directory.mkdir(parents=True, exist_ok=True)
    for series in candles:
        pq.write_table(
            table_of([series], with_symbol=False), directory / f"{series.symbol}.parquet"
        )
    return directory


def write_csv(directory: Path, candles: Iterable[Candles]) -> Path:
    """``directory/SYMBOL.csv`` with ``repr`` floats (exact round trip)."""
    directory.mkdir(parents=True, exist_ok=True)
    for c in candles:
        days = c.timestamps.astype("datetime64[D]").astype(str)
        rows = [
            ",".join([d, *(repr(float(x)) for x in values)])
            for d, *values in zip(days, c.open, c.high, c.low, c.close, c.volume, strict=True)
        ]
        text = "date,open,high,low,close,volume\n" + "\n".join(rows) + "\n"
        (directory / f"{c.symbol}.csv").write_text(text)
    return directory
