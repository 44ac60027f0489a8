"""``duckdb`` / ``store``: the embedded store, a DuckDB file written by ``candlescan ingest``.

``--source duckdb:PATH`` (or ``store:PATH``) serves scans from a store file. What travels
to a worker is the path; each worker process opens one read-only connection lazily, the
first time it reads, and reads every chunk of symbols with one query that selects only
the seven needed columns and only the range plus its warm-up. ``symbols()`` and
``coverage()`` read the small ``series`` table, never the bars. See
:mod:`candlescan.plugins.sources._store_schema` for the file format.

Options after ``?``: ``memory_limit`` (DuckDB's buffer pool per process, default
``256MB``: the bound on what a worker caches) and ``threads`` (per process, default 1:
the engine already runs one worker per core).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from candlescan import (
    DataSourceError,
    DateRange,
    Timeframe,
)
from candlescan.plugins.sources._bulk import (
    ChunkQueryRepository,
    chunk_query,
    load_warmup,
    pick_native,
)
from candlescan.plugins.sources._options import split_options
from candlescan.plugins.sources._store_schema import integrity_problems, read_version

__all__ = ["StoreRepository", "store_source"]

#: Per-process DuckDB buffer pool of a reading worker (bounded cache, see docs/data.md).
DEFAULT_MEMORY_LIMIT = "256MB"


class StoreRepository(ChunkQueryRepository):
    """Reads a store file (``candlescan ingest`` writes it).

    :param path: the DuckDB file.
    :param memory_limit: DuckDB's buffer pool per process (e.g. ``"256MB"``).
    :param threads: DuckDB threads per process.
    :raises DataSourceError: the file is missing, is not a store, or has a newer format.
    """

    def __init__(
        self, path: str | Path, *, memory_limit: str = DEFAULT_MEMORY_LIMIT, threads: int = 1
    ) -> None:
        self.path = Path(path).expanduser()
        if not self.path.is_file():
            raise DataSourceError(
                f"store {str(path)!r} does not exist; create it with "
                f"`candlescan ingest SOURCE --into {path}`"
            )
        self.memory_limit = memory_limit
        self.threads = int(threads)
        self._con: Any = None
        self._pid = 0
        self._series: dict[str, dict[Timeframe, tuple[datetime, datetime]]] | None = None
        self._connection()  # fail here, in the host, if the file is not a readable store

    # --- the connection: lazy, read-only, one per process --------------------------------

    def _connection(self) -> Any:
        if self._con is None or self._pid != os.getpid():
            import duckdb

            config: dict[str, Any] = {
                "threads": str(self.threads),
                "memory_limit": self.memory_limit,
            }
            try:
                con = duckdb.connect(str(self.path), read_only=True, config=config)
            except duckdb.Error as exc:
                raise DataSourceError(f"cannot open store {self.path}: {exc}") from None
            try:
                con.execute("SET enable_progress_bar = false")
                read_version(con, f"store {self.path}")
            except Exception:
                con.close()
                raise
            self._con, self._pid = con, os.getpid()
        return self._con

    def _catalog(self) -> dict[str, dict[Timeframe, tuple[datetime, datetime]]]:
        if self._series is None:
            rows = (
                self._connection()
                .execute("SELECT symbol, timeframe, first_ts, last_ts FROM series ORDER BY symbol")
                .fetchall()
            )
            series: dict[str, dict[Timeframe, tuple[datetime, datetime]]] = {}
            for symbol, timeframe, first, last in rows:
                series.setdefault(symbol, {})[Timeframe.parse(timeframe)] = (first, last)
            self._series = series
        return self._series

    # --- the interface -------------------------------------------------------------------

    def symbols(self) -> tuple[str, ...]:
        """Every symbol the store holds, sorted (from the ``series`` table)."""
        return tuple(sorted(self._catalog()))

    def coverage(self) -> DateRange | None:
        """From the first to the last stored bar (from the ``series`` table)."""
        spans = [span for by_tf in self._catalog().values() for span in by_tf.values()]
        if not spans:
            return None
        return DateRange(min(s[0] for s in spans).date(), max(s[1] for s in spans).date())

    def timeframes(self) -> tuple[Timeframe, ...]:
        """The timeframes stored (any coarser one is resampled on request)."""
        found = {tf for by_tf in self._catalog().values() for tf in by_tf}
        return tuple(tf for tf in Timeframe if tf in found)

    def describe(self) -> str:
        """``"duckdb:PATH"``."""
        return f"duckdb:{self.path}"

    def _query(
        self, names: list[str], wanted: Timeframe, date_range: DateRange, warmup_bars: int
    ) -> tuple[Timeframe, Mapping[str, Any]]:
        stored = self.timeframes()
        native = pick_native(stored, wanted) or (stored[0] if stored else wanted)
        query = chunk_query(
            "bars",
            {name: name for name in ("symbol", "ts", "open", "high", "low", "close", "volume")},
            names,
            date_range,
            load_warmup(native, wanted, warmup_bars),
            dialect="duckdb",
            extra_filter="timeframe = ?",
            extra_params=[native.value],
        )
        return native, self._connection().execute(query.sql, query.params).fetchnumpy()

    def _known(self, symbols: Sequence[str]) -> Collection[str]:
        catalog = self._catalog()
        return [s for s in symbols if s in catalog]

    def symbol_metadata(self, symbols: Sequence[str] | None = None) -> dict[str, dict[str, str]]:
        """``{symbol: {key: value}}`` from the ``symbol_metadata`` table."""
        sql = "SELECT symbol, key, value FROM symbol_metadata"
        params: list[Any] = []
        if symbols is not None:
            sql += " WHERE symbol IN (SELECT unnest(?::VARCHAR[]))"
            params.append(list(symbols))
        out: dict[str, dict[str, str]] = {}
        for symbol, key, value in self._connection().execute(sql, params).fetchall():
            out.setdefault(symbol, {})[key] = value
        return out

    def check_integrity(self) -> list[str]:
        """Problems found in the file (empty when sound): see ``_store_schema``."""
        return integrity_problems(self._connection())

    def close(self) -> None:
        """Close this process's connection (reopened on the next read)."""
        if self._con is not None and self._pid == os.getpid():
            self._con.close()
        self._con = None
        self._series = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.update(_con=None, _pid=0, _series=None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def store_source(argument: str | None) -> StoreRepository:
    """Factory for ``--source duckdb:PATH[?memory_limit=256MB&threads=1]``."""
    if not argument:
        raise DataSourceError("the store needs a file: duckdb:/path/to/bars.duckdb")
    path, options = split_options(argument, {"memory_limit", "threads"}, "duckdb")
    return StoreRepository(
        path,
        memory_limit=options.get("memory_limit", DEFAULT_MEMORY_LIMIT),
        threads=int(options.get("threads", "1")),
    )
