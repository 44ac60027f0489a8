"""``parquet``: bars in Parquet files, read with DuckDB (the store's engine).

``--source parquet:PATH`` where PATH is

* one **long-format file**: columns ``symbol``, ``date`` (or ``ts``/``timestamp``/``time``),
  ``open``, ``high``, ``low``, ``close``, ``volume``;
* a **hive-partitioned directory**: ``PATH/symbol=AAPL/*.parquet`` (no ``symbol`` column
  needed in the files);
* a **directory of one file per symbol**: ``PATH/AAPL.parquet``.

Each chunk of symbols is one DuckDB query over ``read_parquet``: the symbol filter prunes
files (hive partitions, per-symbol files) and row groups (min/max statistics of a long
file), the date filter prunes row groups, and only the seven needed columns are decoded.
Options after ``?``: ``timeframe`` (of the stored bars, default ``1d``),
``memory_limit`` (DuckDB buffer per process, default ``256MB``).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from candlescan import (
    DataSourceError,
    DateRange,
    Timeframe,
)
from candlescan.plugins.sources._bulk import ChunkQueryRepository, chunk_query, load_warmup
from candlescan.plugins.sources._options import split_options

__all__ = ["ParquetRepository", "parquet_source"]

_TIME_NAMES = ("date", "ts", "timestamp", "time", "datetime")


class ParquetRepository(ChunkQueryRepository):
    """Serves a Parquet file or dataset (see the module docs for the layouts).

    :param path: a ``.parquet`` file or a directory.
    :param timeframe: the timeframe of the stored bars; coarser ones are resampled.
    :param memory_limit: DuckDB's buffer pool per process.
    :raises DataSourceError: the path does not exist or holds no Parquet file.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        timeframe: Timeframe | str = Timeframe.D1,
        memory_limit: str = "256MB",
    ) -> None:
        self.path = Path(path).expanduser()
        self.native_timeframe = Timeframe.parse(timeframe)
        self.memory_limit = memory_limit
        self.layout, self._files = _layout(self.path)
        self._con: Any = None
        self._pid = 0
        self._symbols: tuple[str, ...] | None = None
        self._time = _time_column(self._connection(), self._relation(None))

    def _connection(self) -> Any:
        if self._con is None or self._pid != os.getpid():
            import duckdb

            config: dict[str, Any] = {
                "threads": "1",
                "memory_limit": self.memory_limit,
            }
            self._con, self._pid = duckdb.connect(":memory:", config=config), os.getpid()
            self._con.execute("SET enable_progress_bar = false")
        return self._con

    def _relation(self, symbols: Sequence[str] | None) -> str:
        """``read_parquet(...)`` over the files that can hold ``symbols`` (all if None)."""
        if self.layout == "per-symbol":
            names = self._files if symbols is None else [s for s in symbols if s in self._files]
            files = [str(self.path / f"{name}.parquet") for name in names] or [
                str(self.path / f"{self._files[0]}.parquet")
            ]
            listed = ", ".join(_quote(f) for f in files)
            return f"read_parquet([{listed}], filename = true)"
        if self.layout == "hive":
            pattern = _quote(str(self.path / "**" / "*.parquet"))
            return f"read_parquet({pattern}, hive_partitioning = true)"
        return f"read_parquet({_quote(str(self.path))})"

    def _symbol_sql(self) -> str:
        if self.layout == "per-symbol":  # the file name is the symbol
            return "regexp_extract(filename, '([^/\\\\]+)\\.parquet$', 1)"
        return "CAST(symbol AS VARCHAR)"

    # --- the interface -------------------------------------------------------------------

    def symbols(self) -> tuple[str, ...]:
        """Every symbol of the dataset, sorted (file or partition names when they say it)."""
        if self._symbols is None:
            if self.layout == "per-symbol":
                self._symbols = tuple(sorted(self._files))
            else:
                rows = (
                    self._connection()
                    .execute(f"SELECT DISTINCT {self._symbol_sql()} FROM {self._relation(None)}")
                    .fetchall()
                )
                self._symbols = tuple(sorted(str(r[0]) for r in rows))
        return self._symbols

    def coverage(self) -> DateRange | None:
        """First and last bar of the dataset (only the time column is read)."""
        sql = f"SELECT min({self._time}), max({self._time}) FROM {self._relation(None)}"
        first, last = self._connection().execute(sql).fetchall()[0]
        if first is None:
            return None
        return DateRange(_day(first), _day(last))

    def describe(self) -> str:
        """``"parquet:PATH"``."""
        return f"parquet:{self.path}"

    def _query(
        self, names: list[str], wanted: Timeframe, date_range: DateRange, warmup_bars: int
    ) -> tuple[Timeframe, Mapping[str, Any]]:
        columns = {"symbol": self._symbol_sql(), "ts": f"CAST({self._time} AS TIMESTAMP)"}
        columns.update({name: f"CAST({name} AS DOUBLE)" for name in _PRICES})
        query = chunk_query(
            self._relation(names),
            columns,
            names,
            date_range,
            load_warmup(self.native_timeframe, wanted, warmup_bars),
            dialect="duckdb",
        )
        arrays = self._connection().execute(query.sql, query.params).fetchnumpy()
        return self.native_timeframe, arrays

    def _known(self, symbols: Sequence[str]) -> Collection[str]:
        held = set(self.symbols())
        return [s for s in symbols if s in held]

    def close(self) -> None:
        """Close this process's DuckDB connection (reopened on the next read)."""
        if self._con is not None and self._pid == os.getpid():
            self._con.close()
        self._con = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.update(_con=None, _pid=0)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


_PRICES = ("open", "high", "low", "close", "volume")


def _quote(text: str) -> str:
    """A SQL string literal (paths come from the user, so quote them properly)."""
    return "'" + text.replace("'", "''") + "'"


def _day(value: Any) -> Any:
    return value.date() if hasattr(value, "date") else value


def _layout(path: Path) -> tuple[str, list[str]]:
    if path.is_file():
        return "file", []
    if not path.is_dir():
        raise DataSourceError(f"parquet source: {str(path)!r} does not exist")
    if any(p.is_dir() and p.name.startswith("symbol=") for p in path.iterdir()):
        return "hive", []
    files = sorted(p.stem for p in path.glob("*.parquet") if p.is_file())
    if not files:
        raise DataSourceError(f"parquet source: no .parquet file in {path}")
    return "per-symbol", files


def _time_column(con: Any, relation: str) -> str:
    rows = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    names = {str(row[0]).lower(): str(row[0]) for row in rows}
    for name in _TIME_NAMES:
        if name in names:
            return '"' + names[name].replace('"', '""') + '"'
    raise DataSourceError(f"parquet source: no time column (one of {', '.join(_TIME_NAMES)})")


def parquet_source(argument: str | None) -> ParquetRepository:
    """Factory for ``--source parquet:PATH[?timeframe=1d&memory_limit=256MB]``."""
    if not argument:
        raise DataSourceError("the parquet source needs a path: parquet:/data/bars")
    path, options = split_options(argument, {"timeframe", "memory_limit"}, "parquet")
    return ParquetRepository(
        path,
        timeframe=options.get("timeframe", Timeframe.D1),
        memory_limit=options.get("memory_limit", "256MB"),
    )
