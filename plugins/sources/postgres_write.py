"""Create candlescan's default PostgreSQL layout and load candles into it.

The layout (also in ``docs/data.md``)::

    CREATE TABLE candlescan_bars (
        symbol text NOT NULL, timeframe text NOT NULL, ts timestamp NOT NULL,
        open float8, high float8, low float8, close float8, volume float8,
        PRIMARY KEY (symbol, timeframe, ts));
    CREATE INDEX ON candlescan_bars (ts);
    CREATE TABLE candlescan_symbol_metadata (
        symbol text NOT NULL, key text NOT NULL, value text NOT NULL,
        PRIMARY KEY (symbol, key));

:func:`write_candles` upserts by ``(symbol, timeframe, ts)`` in one transaction: rows go
through binary ``COPY`` into a temporary table, then ``INSERT ... ON CONFLICT DO UPDATE``.
On TimescaleDB, ``SELECT create_hypertable('candlescan_bars', 'ts')`` after
:func:`create_layout` turns the table into a hypertable; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from candlescan import Candles, Timeframe
from candlescan.plugins.sources._pgcopy import encode_candles, header, trailer
from candlescan.plugins.sources.postgres import quote_ident

__all__ = ["create_layout", "write_candles", "write_metadata"]


def create_layout(con: object, table: str = "candlescan_bars") -> None:
    """Create the default tables (if missing) on an open psycopg connection."""
    bars = quote_ident(table)
    run = con.execute  # type: ignore[attr-defined]
    run(
        f"CREATE TABLE IF NOT EXISTS {bars} (symbol text NOT NULL, timeframe text NOT NULL, "
        "ts timestamp NOT NULL, open float8, high float8, low float8, close float8, "
        "volume float8, PRIMARY KEY (symbol, timeframe, ts))"
    )
    run(f"CREATE INDEX IF NOT EXISTS {quote_ident(table + '_ts')} ON {bars} (ts)")
    run(
        "CREATE TABLE IF NOT EXISTS candlescan_symbol_metadata (symbol text NOT NULL, "
        "key text NOT NULL, value text NOT NULL, PRIMARY KEY (symbol, key))"
    )


def write_candles(
    con: object,
    candles: Iterable[Candles],
    timeframe: Timeframe | str = Timeframe.D1,
    table: str = "candlescan_bars",
) -> int:
    """Upsert ``candles`` into ``table`` in one transaction; return the rows written."""
    tf = Timeframe.parse(timeframe).value
    bars = quote_ident(table)
    written = 0
    with con.transaction(), con.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(f"CREATE TEMP TABLE staging (LIKE {bars}) ON COMMIT DROP")
        with cursor.copy("COPY staging FROM STDIN (FORMAT BINARY)") as pipe:
            pipe.write(header())
            for series in candles:
                pipe.write(encode_candles(series, tf))
                written += len(series)
            pipe.write(trailer())
        cursor.execute(
            f"INSERT INTO {bars} SELECT * FROM staging ON CONFLICT (symbol, timeframe, ts) "
            "DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, "
            "close = EXCLUDED.close, volume = EXCLUDED.volume"
        )
    return written


def write_metadata(con: object, metadata: Mapping[str, Mapping[str, str]]) -> None:
    """Upsert ``{symbol: {key: value}}`` into ``candlescan_symbol_metadata``."""
    rows = [(s, k, v) for s, fields in metadata.items() for k, v in fields.items()]
    with con.transaction(), con.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.executemany(
            "INSERT INTO candlescan_symbol_metadata VALUES (%s, %s, %s) "
            "ON CONFLICT (symbol, key) DO UPDATE SET value = EXCLUDED.value",
            rows,
        )
