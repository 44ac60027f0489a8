"""``postgres``: bars in a PostgreSQL (or TimescaleDB) table, read with psycopg 3.

``--source postgres:DSN`` where DSN is a libpq URI or keyword string; an empty DSN
(``postgres:`` or ``postgres:?table=bars``) uses the ``PG*`` environment variables.
Credentials come only from the DSN, a password file (``~/.pgpass``, ``PGPASSFILE``) or
the environment; they are never printed: :meth:`PostgresRepository.describe` and every
error message leave the password out.

candlescan's own options ride in the DSN's query string and are removed before it
reaches libpq: ``table`` (default ``candlescan_bars``), ``symbol_column``, ``time_column``,
``open_column`` ... ``volume_column`` (to map an existing table), ``timeframe_column``
(``none`` when the table holds one timeframe) and ``timeframe`` (that timeframe, default
``1d``). Example::

    postgres:postgresql://scanner@db/markets?table=daily&time_column=day&sslmode=require

Each chunk of symbols is one query (``symbol IN (...)``, the range plus a
``row_number()`` warm-up), returned through binary ``COPY`` into numpy arrays.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from candlescan import (
    DataSourceError,
    DateRange,
    Timeframe,
)
from candlescan.plugins.sources._bulk import ChunkQueryRepository, chunk_query, load_warmup
from candlescan.plugins.sources._pgcopy import decode_rows

__all__ = ["DEFAULT_COLUMNS", "PostgresRepository", "postgres_source", "quote_ident"]

#: The columns of the default layout (``candlescan_bars``; see docs/data.md).
DEFAULT_COLUMNS: Mapping[str, str] = {
    "symbol": "symbol",
    "time": "ts",
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "volume": "volume",
}
_PRICES = ("open", "high", "low", "close", "volume")
_OPTIONS = {f"{name}_column" for name in DEFAULT_COLUMNS} | {
    "table",
    "timeframe_column",
    "timeframe",
    "metadata_table",
}


def quote_ident(name: str) -> str:
    """A quoted SQL identifier; ``schema.table`` is quoted part by part."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


class PostgresRepository(ChunkQueryRepository):
    """Reads bars from a PostgreSQL table.

    :param dsn: a libpq connection string or URI ("" for the ``PG*`` variables).
    :param table: the table (``schema.table`` allowed).
    :param columns: overrides of :data:`DEFAULT_COLUMNS` (``{"time": "day"}``).
    :param timeframe_column: the column naming each row's timeframe, or ``None`` when
        the table holds a single timeframe (``timeframe``).
    :param timeframe: the timeframe stored (with ``timeframe_column``: the one read).
    :param metadata_table: ``(symbol, key, value)`` rows for :meth:`symbol_metadata`.
    """

    def __init__(
        self,
        dsn: str = "",
        *,
        table: str = "candlescan_bars",
        columns: Mapping[str, str] | None = None,
        timeframe_column: str | None = "timeframe",
        timeframe: Timeframe | str = Timeframe.D1,
        metadata_table: str | None = "candlescan_symbol_metadata",
    ) -> None:
        self._dsn = dsn
        self.table = table
        self.columns = {**DEFAULT_COLUMNS, **(columns or {})}
        unknown = set(self.columns) - set(DEFAULT_COLUMNS)
        if unknown:
            raise DataSourceError(f"postgres source: unknown column key(s) {sorted(unknown)}")
        self.timeframe_column = timeframe_column
        self.native_timeframe = Timeframe.parse(timeframe)
        self.metadata_table = metadata_table
        self._con: Any = None
        self._pid = 0

    # --- connection: lazy, one per process, read-only ----------------------------------

    def _connection(self) -> Any:
        if self._con is None or self._pid != os.getpid() or self._con.closed:
            import psycopg

            try:
                con = psycopg.connect(self._dsn, autocommit=True)
                con.execute("SET TIME ZONE 'UTC'")
                con.execute("SET default_transaction_read_only = on")
            except psycopg.Error as exc:
                message = f"cannot connect to {self.describe()}: {self._scrub(exc)}"
                raise DataSourceError(message) from None
            self._con, self._pid = con, os.getpid()
        return self._con

    def _scrub(self, exc: BaseException) -> str:
        """The error's text with the password (if any) masked."""
        text = " ".join(str(exc).split())
        secret = self._password()
        return text.replace(secret, "***") if secret else text

    def _password(self) -> str:
        from psycopg.conninfo import conninfo_to_dict

        try:
            value = conninfo_to_dict(self._dsn).get("password")
        except Exception:
            return ""
        return str(value) if value else ""

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        try:
            rows: list[tuple[Any, ...]] = self._connection().execute(sql, params).fetchall()
        except psycopg.Error as exc:
            raise DataSourceError(f"{self.describe()}: {self._scrub(exc)}") from None
        return rows

    # --- SQL pieces -------------------------------------------------------------------

    def _col(self, key: str) -> str:
        return quote_ident(self.columns[key])

    def _tf_filter(self) -> tuple[str, list[Any]]:
        if self.timeframe_column is None:
            return "", []
        return f"{quote_ident(self.timeframe_column)} = %s", [self.native_timeframe.value]

    # --- the interface -------------------------------------------------------------------

    def symbols(self) -> tuple[str, ...]:
        """Distinct symbols, by an index skip-scan (fast with an index on the symbol)."""
        sym, table = self._col("symbol"), quote_ident(self.table)
        sql = (
            f"WITH RECURSIVE s(v) AS (SELECT min({sym}) FROM {table} UNION ALL "
            f"SELECT (SELECT min({sym}) FROM {table} WHERE {sym} > s.v) FROM s "
            f"WHERE s.v IS NOT NULL) SELECT v FROM s WHERE v IS NOT NULL"
        )
        return tuple(sorted(str(row[0]) for row in self._run(sql)))

    def coverage(self) -> DateRange | None:
        """First and last bar in the table (``min``/``max`` of the time column)."""
        ts, table = self._col("time"), quote_ident(self.table)
        first, last = self._run(f"SELECT min({ts}), max({ts}) FROM {table}")[0]
        if first is None:
            return None
        return DateRange(_day(first), _day(last))

    def describe(self) -> str:
        """``postgres:host=... port=... dbname=... table=...`` (never the password)."""
        from psycopg.conninfo import conninfo_to_dict

        try:
            info = conninfo_to_dict(self._dsn)
        except Exception:
            info = {}
        shown = " ".join(
            f"{key}={info[key]}" for key in ("host", "port", "dbname", "user") if info.get(key)
        )
        return f"postgres:{shown + ' ' if shown else ''}table={self.table}"

    def _query(
        self, names: list[str], wanted: Timeframe, date_range: DateRange, warmup_bars: int
    ) -> tuple[Timeframe, Mapping[str, Any]]:
        return self.native_timeframe, self._read(names, date_range, wanted, warmup_bars)

    def _read(
        self, names: list[str], date_range: DateRange, wanted: Timeframe, warmup_bars: int
    ) -> dict[str, Any]:
        import psycopg

        columns = {"symbol": self._col("symbol"), "ts": self._col("time")}
        columns.update({name: self._col(name) for name in _PRICES})
        tf_filter, tf_params = self._tf_filter()
        query = chunk_query(
            quote_ident(self.table),
            columns,
            names,
            date_range,
            load_warmup(self.native_timeframe, wanted, warmup_bars),
            dialect="postgres",
            extra_filter=tf_filter,
            extra_params=tf_params,
        )
        prices = ", ".join(f"coalesce(c.{n}::float8, 'NaN'::float8)" for n in _PRICES)
        copy = (
            f"COPY (SELECT c.pos, (extract(epoch FROM c.ts) * 1000000)::int8, {prices} "
            f"FROM ({query.sql}) AS c ORDER BY c.pos, c.ts) TO STDOUT (FORMAT BINARY)"
        )
        parts: list[bytes] = []
        try:
            with self._connection().cursor() as cursor, cursor.copy(copy, query.params) as pipe:
                parts.extend(bytes(block) for block in pipe)
        except psycopg.Error as exc:
            raise DataSourceError(f"{self.describe()}: {self._scrub(exc)}") from None
        return decode_rows(b"".join(parts))

    def _known(self, symbols: Sequence[str]) -> Collection[str]:
        sym, table = self._col("symbol"), quote_ident(self.table)
        rows = self._run(f"SELECT DISTINCT {sym} FROM {table} WHERE {sym} = ANY(%s)", [symbols])
        return [str(row[0]) for row in rows]

    def symbol_metadata(self, symbols: Sequence[str] | None = None) -> dict[str, dict[str, str]]:
        """``{symbol: {key: value}}`` from :attr:`metadata_table` (``{}`` without one)."""
        if self.metadata_table is None:
            return {}
        table = quote_ident(self.metadata_table)
        exists = self._run("SELECT to_regclass(%s) IS NOT NULL", [table])[0][0]
        if not exists:
            return {}
        sql = f"SELECT symbol, key, value FROM {table}"
        params: list[Any] = []
        if symbols is not None:
            sql += " WHERE symbol = ANY(%s)"
            params.append(list(symbols))
        out: dict[str, dict[str, str]] = {}
        for symbol, key, value in self._run(sql, params):
            out.setdefault(str(symbol), {})[str(key)] = str(value)
        return out

    def close(self) -> None:
        """Close this process's connection (reopened on the next read)."""
        if self._con is not None and self._pid == os.getpid():
            self._con.close()
        self._con = None

    def __del__(self) -> None:
        # psycopg warns about a connection garbage-collected open; close it quietly
        with contextlib.suppress(Exception):
            self.close()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.update(_con=None, _pid=0)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def _day(value: Any) -> Any:
    return value.date() if hasattr(value, "date") else value


def split_dsn(argument: str) -> tuple[str, dict[str, str]]:
    """Separate candlescan's options from a DSN (URI query or ``?key=value`` suffix)."""
    if argument.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(argument)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        ours = {k: v for k, v in pairs if k in _OPTIONS}
        theirs = [(k, v) for k, v in pairs if k not in _OPTIONS]
        return urlunsplit(parts._replace(query=urlencode(theirs))), ours
    dsn, _, query = argument.partition("?")
    ours = {}
    for pair in filter(None, query.split("&")):
        key, _, value = pair.partition("=")
        if key not in _OPTIONS:
            raise DataSourceError(
                f"postgres source: unknown option {key!r} (known: {', '.join(sorted(_OPTIONS))})"
            )
        ours[key] = value
    return dsn.strip(), ours


def postgres_source(argument: str | None) -> PostgresRepository:
    """Factory for ``--source postgres:DSN`` (options: see the module docs)."""
    dsn, options = split_dsn(argument or "")
    columns = {
        key.removesuffix("_column"): value
        for key, value in options.items()
        if key.endswith("_column") and key != "timeframe_column"
    }
    tf_column = options.get("timeframe_column", "timeframe")
    return PostgresRepository(
        dsn,
        table=options.get("table", "candlescan_bars"),
        columns=columns,
        timeframe_column=None if tf_column.lower() in ("", "none") else tf_column,
        timeframe=options.get("timeframe", Timeframe.D1),
        metadata_table=options.get("metadata_table", "candlescan_symbol_metadata"),
    )
