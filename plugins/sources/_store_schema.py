"""The store's file format: schema, version, and the integrity check.

A store is one DuckDB database file with four tables (documented in ``docs/data.md``):

* ``candlescan_meta(key, value)``: ``schema_version`` (an integer) and ``created_by``.
* ``bars(symbol, timeframe, ts, open, high, low, close, volume)``: one row per bar,
  unique on ``(symbol, timeframe, ts)``. Ingest enforces the key (delete-then-insert in
  one transaction) and writes each batch sorted by symbol and time, so DuckDB's per-row
  group min/max statistics prune reads by symbol and date; no ART index, because one
  over 50 M rows would cost gigabytes of memory on every write.
* ``series(symbol, timeframe, first_ts, last_ts, bars, updated_at)``: one row per stored
  series, rewritten by every ingest that touches it; ``symbols()`` and ``coverage()`` read
  only this table.
* ``symbol_metadata(symbol, key, value)``: free-form text per symbol (sector, name, ...).

Upgrades: a store states its ``schema_version``. A reader refuses a newer version than
it knows (:data:`SCHEMA_VERSION`) with a message saying so; an older one is upgraded by
:func:`ensure_schema` when it is opened for writing (version 1 is the first, so there is
nothing to upgrade yet).
"""

from __future__ import annotations

from typing import Any

from candlescan import DataSourceError

__all__ = ["SCHEMA_VERSION", "ensure_schema", "integrity_problems", "read_version"]

#: The version of the file format this code writes and reads.
SCHEMA_VERSION = 1

_DDL = (
    "CREATE TABLE IF NOT EXISTS candlescan_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    "CREATE TABLE IF NOT EXISTS bars ("
    "symbol VARCHAR NOT NULL, timeframe VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, "
    "open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE)",
    "CREATE TABLE IF NOT EXISTS series ("
    "symbol VARCHAR NOT NULL, timeframe VARCHAR NOT NULL, first_ts TIMESTAMP NOT NULL, "
    "last_ts TIMESTAMP NOT NULL, bars BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL, "
    "PRIMARY KEY (symbol, timeframe))",
    "CREATE TABLE IF NOT EXISTS symbol_metadata ("
    "symbol VARCHAR NOT NULL, key VARCHAR NOT NULL, value VARCHAR NOT NULL, "
    "PRIMARY KEY (symbol, key))",
)


def read_version(con: Any, where: str) -> int:
    """The store's schema version; ``DataSourceError`` if it is not a candlescan store
    or was written by a newer candlescan."""
    try:
        rows = con.execute(
            "SELECT value FROM candlescan_meta WHERE key = 'schema_version'"
        ).fetchall()
    except Exception:
        rows = []
    row = rows[0] if rows else None
    if row is None:
        raise DataSourceError(f"{where} is not a candlescan store (no schema version)")
    version = int(row[0])
    if version > SCHEMA_VERSION:
        raise DataSourceError(
            f"{where} has store format version {version}, newer than this candlescan "
            f"understands (version {SCHEMA_VERSION}); upgrade candlescan to read it"
        )
    return version


def ensure_schema(con: Any, where: str) -> int:
    """Create the tables of a new store, or check (and upgrade) an existing one."""
    tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    if "candlescan_meta" not in tables:
        if tables:
            raise DataSourceError(
                f"{where} is a DuckDB file with other tables, not a candlescan store"
            )
        for statement in _DDL:
            con.execute(statement)
        con.execute(
            "INSERT INTO candlescan_meta VALUES ('schema_version', ?), ('created_by', ?)",
            [str(SCHEMA_VERSION), "candlescan"],
        )
        return SCHEMA_VERSION
    return read_version(con, where)


def integrity_problems(con: Any) -> list[str]:
    """Everything wrong with an open store (an empty list when it is sound)."""
    problems: list[str] = []
    duplicates = con.execute(
        "SELECT count(*) FROM (SELECT 1 FROM bars GROUP BY symbol, timeframe, ts "
        "HAVING count(*) > 1)"
    ).fetchall()[0][0]
    if duplicates:
        problems.append(f"{duplicates} (symbol, timeframe, ts) keys stored more than once")
    mismatched = con.execute(
        "SELECT coalesce(s.symbol, b.symbol), coalesce(s.timeframe, b.timeframe) "
        "FROM series s FULL OUTER JOIN ("
        "  SELECT symbol, timeframe, min(ts) AS f, max(ts) AS l, count(*) AS n "
        "  FROM bars GROUP BY symbol, timeframe) b "
        "ON s.symbol = b.symbol AND s.timeframe = b.timeframe "
        "WHERE s.symbol IS NULL OR b.symbol IS NULL "
        "OR s.first_ts <> b.f OR s.last_ts <> b.l OR s.bars <> b.n "
        "ORDER BY 1, 2 LIMIT 5"
    ).fetchall()
    for symbol, timeframe in mismatched:
        problems.append(f"series table disagrees with bars for {symbol} {timeframe}")
    return problems
