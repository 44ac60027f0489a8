"""Load any source into a store file: :func:`ingest` (``candlescan ingest SOURCE --into PATH``).

The whole ingest is **one transaction**: a crash or ``SIGKILL`` part-way leaves the store
as it was before the ingest started (DuckDB discards an uncommitted transaction when it
reopens the file). Running it again with newer data **upserts** by
``(symbol, timeframe, ts)``: bars already stored with the same key are replaced, others
are added, so repeating an ingest changes nothing.

Symbols are read from the source in batches (one ``get_candles_many`` call each) and
validated whole before any of their bars is written; a symbol whose bars are bad is
reported (with its row) and skipped, and every other symbol is still ingested.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from candlescan import Candles, DataSourceError, ICandleRepository, InvalidCandlesError, Timeframe
from candlescan.plugins.sources._bulk import FULL_RANGE
from candlescan.plugins.sources._store_schema import ensure_schema

__all__ = ["IngestProblem", "IngestReport", "ingest"]

_PRICES = ("open", "high", "low", "close", "volume")


@dataclass(frozen=True, slots=True)
class IngestProblem:
    """A symbol that was not ingested, and why (``row`` is -1 when no row is to blame)."""

    symbol: str
    row: int
    reason: str

    def __str__(self) -> str:
        where = f" at row {self.row}" if self.row >= 0 else ""
        return f"{self.symbol}{where}: {self.reason}"


@dataclass(slots=True)
class IngestReport:
    """What one ingest wrote."""

    path: Path
    timeframe: Timeframe
    symbols: int = 0
    bars: int = 0
    problems: list[IngestProblem] = field(default_factory=list)


def native_timeframe_of(source: ICandleRepository) -> Timeframe:
    """The timeframe a source stores its bars in (``native_timeframe``), else daily."""
    return Timeframe.parse(getattr(source, "native_timeframe", Timeframe.D1))


def ingest(
    source: ICandleRepository,
    path: str | Path,
    *,
    symbols: Sequence[str] | None = None,
    timeframe: Timeframe | str | None = None,
    batch_bars: int = 2_000_000,
    progress: Callable[[int, int], None] | None = None,
    memory_limit: str = "1GB",
) -> IngestReport:
    """Copy ``source``'s bars (all symbols, or ``symbols``) into the store at ``path``.

    :param timeframe: the timeframe to read and store (default: the source's own).
    :param batch_bars: about how many bars to hold in memory between writes.
    :param progress: called with ``(symbols done, symbols total)`` after each batch.
    :param memory_limit: DuckDB's buffer pool while writing (it spills beyond that).
    :raises DataSourceError: the store cannot be opened or written (nothing is written).
    """
    import duckdb

    target = Path(path).expanduser()
    tf = Timeframe.parse(timeframe) if timeframe is not None else native_timeframe_of(source)
    wanted = list(symbols) if symbols is not None else list(source.symbols())
    report = IngestReport(target, tf)
    try:
        # a bounded buffer pool: DuckDB writes large appends to the file as it goes, so a
        # 50 M-bar ingest does not hold the whole transaction in memory
        con = duckdb.connect(str(target), config={"memory_limit": memory_limit})
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error as exc:
        raise DataSourceError(f"cannot open store {target} for writing: {exc}") from None
    try:
        con.execute("BEGIN TRANSACTION")
        ensure_schema(con, f"store {target}")
        _copy_all(con, source, wanted, tf, batch_bars, report, progress)
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise
    finally:
        con.close()
    return report


def _rollback(con: Any) -> None:
    # if the connection is gone, DuckDB discards the open transaction on reopen anyway
    with contextlib.suppress(Exception):
        con.execute("ROLLBACK")


def _copy_all(
    con: Any,
    source: ICandleRepository,
    wanted: list[str],
    tf: Timeframe,
    batch_bars: int,
    report: IngestReport,
    progress: Callable[[int, int], None] | None,
) -> None:
    metadata = _metadata_of(source)
    pending: list[Candles] = []
    pending_bars = 0
    done = 0
    step = 50  # symbols per source read
    for start in range(0, len(wanted), step):
        batch = wanted[start : start + step]
        for symbol, found in source.get_candles_many(batch, tf, FULL_RANGE).items():
            candles = _checked(symbol, found, report)
            if candles is not None:
                pending.append(candles)
                pending_bars += len(candles)
        done += len(batch)
        if pending_bars >= batch_bars:
            _write(con, pending, tf, report)
            pending, pending_bars = [], 0
        if progress is not None:
            progress(done, len(wanted))
    if pending:
        _write(con, pending, tf, report)
    _write_metadata(con, metadata, report)


def _checked(symbol: str, found: Candles | Exception, report: IngestReport) -> Candles | None:
    """Candles that may be written, or ``None`` with the problem recorded."""
    if isinstance(found, Exception):
        row = found.row if isinstance(found, InvalidCandlesError) else -1
        reason = found.reason if isinstance(found, InvalidCandlesError) else str(found)
        report.problems.append(IngestProblem(symbol, row, reason or type(found).__name__))
        return None
    try:
        found.validate()
    except InvalidCandlesError as exc:
        report.problems.append(IngestProblem(symbol, exc.row, exc.reason))
        return None
    return found if len(found) else None


def _write(con: Any, batch: list[Candles], tf: Timeframe, report: IngestReport) -> None:
    """Upsert one batch of whole symbols: delete the keys it brings, insert its bars."""
    counts = np.array([len(c) for c in batch])
    names = [c.symbol for c in batch]
    # numeric columns only: DuckDB scans numpy arrays without a Python object per row;
    # the symbol is looked up from its position in SQL
    raw = {
        "sid": np.repeat(np.arange(1, len(batch) + 1, dtype=np.int32), counts),
        "ts": np.concatenate([c.timestamps for c in batch]).astype("datetime64[us]"),
    }
    for name in _PRICES:
        raw[name] = np.concatenate([c.column(name) for c in batch])
    con.register("staging_raw", raw)
    con.execute(
        "CREATE TEMP TABLE staging AS SELECT list_extract(?::VARCHAR[], sid) AS symbol, ts, "
        "open, high, low, close, volume FROM staging_raw",
        [names],
    )
    con.unregister("staging_raw")
    try:
        already = con.execute(
            "SELECT count(*) FROM series WHERE timeframe = ? AND symbol IN (SELECT unnest(?))",
            [tf.value, names],
        ).fetchall()[0][0]
        if already:
            con.execute(
                "DELETE FROM bars USING staging s WHERE bars.timeframe = ? "
                "AND bars.symbol = s.symbol AND bars.ts = s.ts",
                [tf.value],
            )
        con.execute(
            "INSERT INTO bars SELECT symbol, ?, ts, open, high, low, close, volume FROM staging",
            [tf.value],
        )
        # the series rows: from the batch alone when its symbols are new, else from the
        # merged bars (the symbol range lets DuckDB skip every other row group)
        summary = (
            "SELECT symbol, timeframe, min(ts), max(ts), count(*), now()::TIMESTAMP FROM bars "
            "WHERE timeframe = ? AND symbol BETWEEN ? AND ? AND list_contains(?, symbol) "
            "GROUP BY symbol, timeframe"
            if already
            else "SELECT symbol, ?, min(ts), max(ts), count(*), now()::TIMESTAMP FROM staging "
            "GROUP BY symbol"
        )
        params = [tf.value, min(names), max(names), names] if already else [tf.value]
        con.execute(f"INSERT OR REPLACE INTO series {summary}", params)
    finally:
        con.execute("DROP TABLE staging")
    report.symbols += len(batch)
    report.bars += int(counts.sum())


def _metadata_of(source: ICandleRepository) -> dict[str, dict[str, str]]:
    reader = getattr(source, "symbol_metadata", None)
    if reader is None:
        return {}
    found = reader()
    return found if isinstance(found, dict) else {}


def _write_metadata(con: Any, metadata: dict[str, dict[str, str]], report: IngestReport) -> None:
    rows = [
        (str(symbol), str(key), str(value))
        for symbol, fields in metadata.items()
        for key, value in fields.items()
    ]
    if rows:
        con.executemany("INSERT OR REPLACE INTO symbol_metadata VALUES (?, ?, ?)", rows)
