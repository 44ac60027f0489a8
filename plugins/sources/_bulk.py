"""What the SQL-backed sources (store, parquet, postgres) share: the chunk query and its end.

One query reads a whole chunk of symbols: the bars inside the range, plus the last
``warmup`` bars before it for each symbol (``row_number()`` over the symbol's earlier bars,
newest first). It selects only the seven columns a job needs and returns them sorted by
(symbol position, time), which :func:`~candlescan.data.columnar.split_long` cuts into
candles without a Python loop over rows. :func:`finish_chunk` then validates each symbol
on its own (one bad symbol fails alone) and builds the requested timeframe with the
shared helper :func:`~candlescan.data.window.select_window`. :class:`ChunkQueryRepository`
is the part of such a source that is the same for all three: single reads through the bulk
read, and the chunk's bookkeeping around the one query each source writes.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy.typing as npt

from candlescan import Candles, DateRange, ICandleRepository, SymbolNotFoundError, Timeframe
from candlescan.data.columnar import split_long
from candlescan.data.window import native_warmup_bars, select_window

__all__ = [
    "FULL_RANGE",
    "ChunkQuery",
    "ChunkQueryRepository",
    "chunk_query",
    "finish_chunk",
    "load_warmup",
    "pick_native",
]

#: Every date a ``datetime64[ns]`` can hold comfortably: "the whole history".
FULL_RANGE = DateRange(date(1900, 1, 1), date(2199, 12, 31))


@dataclass(frozen=True, slots=True)
class ChunkQuery:
    """SQL text and its parameters, in the placeholder style of the driver."""

    sql: str
    params: list[Any]


def chunk_query(
    relation: str,
    columns: Mapping[str, str],
    symbols: Sequence[str],
    date_range: DateRange,
    warmup: int,
    *,
    dialect: str,
    extra_filter: str = "",
    extra_params: Sequence[Any] = (),
) -> ChunkQuery:
    """The one query that reads a chunk: ``pos`` (0-based position in ``symbols``), ``ts``
    and the five prices.

    :param relation: a table name or a table function call (``read_parquet(...)``).
    :param columns: SQL expressions for ``symbol``, ``ts``, ``open`` ... ``volume``
        (quoted identifiers or casts; never user data).
    :param dialect: ``"duckdb"`` (rows unordered: sort them with :func:`split_long`; the
        warm-up cut-off comes from DuckDB's top-N aggregate ``max(ts, N)``, no sort) or
        ``"postgres"`` (``row_number()`` warm-up, rows ordered by the server).
    :param extra_filter: one more ``AND`` condition (e.g. on the timeframe column).
    """
    duck = dialect == "duckdb"
    p = "?" if duck else "%s"
    sym = columns["symbol"]
    if duck:
        # the range lets min/max statistics skip row groups cheaply; list_contains is
        # faster than a long IN list in DuckDB
        where = f"{sym} BETWEEN {p} AND {p} AND list_contains({p}::VARCHAR[], {sym})"
        keys: list[Any] = [min(symbols), max(symbols), list(symbols)]
    else:
        where = f"{sym} IN ({', '.join([p] * len(symbols))})"
        keys = list(symbols)
    where += f" AND {extra_filter}" if extra_filter else ""
    keys += list(extra_params)
    parts = _Parts(relation, columns, where, keys, list(symbols), date_range)
    return _duckdb_query(parts, warmup) if duck else _postgres_query(parts, warmup)


@dataclass(frozen=True, slots=True)
class _Parts:
    relation: str
    columns: Mapping[str, str]
    where: str
    keys: list[Any]
    symbols: list[str]
    date_range: DateRange

    @property
    def select(self) -> str:
        prices = ", ".join(f"{self.columns[name]} AS {name}" for name in _PRICES)
        return f"SELECT {self.columns['symbol']} AS symbol, {self.columns['ts']} AS ts, {prices}"


def _duckdb_query(q: _Parts, warmup: int) -> ChunkQuery:
    ts, names = q.columns["ts"], ", ".join(_PRICES)
    start, stop = q.date_range.start, _day_after(q.date_range)
    pos = "list_position(?::VARCHAR[], b.symbol) - 1"
    if warmup <= 0:
        body = f"SELECT {pos} AS pos, b.ts, {names} FROM ({q.select} FROM {q.relation} "
        body += f"WHERE {q.where} AND {ts} >= ? AND {ts} < ?) AS b"
        return ChunkQuery(body, [q.symbols, *q.keys, start, stop])
    # the warm-up cut-off per symbol: the oldest of its last N bars before the range,
    # by DuckDB's top-N aggregate max(ts, N) (no sort)
    cut = (
        f"cut AS (SELECT {q.columns['symbol']} AS symbol, list_min(max({ts}, ?)) AS since "
        f"FROM {q.relation} WHERE {q.where} AND {ts} < ? GROUP BY 1)"
    )
    lower = "(SELECT coalesce(min(since), ?::TIMESTAMP) FROM cut)"
    rows = f"b AS ({q.select} FROM {q.relation} WHERE {q.where} AND {ts} >= {lower} AND {ts} < ?)"
    body = (
        f"WITH {cut}, {rows} SELECT {pos} AS pos, b.ts, {names} FROM b "
        "LEFT JOIN cut ON b.symbol = cut.symbol WHERE b.ts >= coalesce(cut.since, ?::TIMESTAMP)"
    )
    params = [warmup, *q.keys, start, *q.keys, start, stop, q.symbols, start]
    return ChunkQuery(body, params)


def _postgres_query(q: _Parts, warmup: int) -> ChunkQuery:
    sym, ts, names = q.columns["symbol"], q.columns["ts"], ", ".join(_PRICES)
    start, stop = q.date_range.start, _day_after(q.date_range)
    body = f"{q.select} FROM {q.relation} WHERE {q.where} AND {ts} >= %s AND {ts} < %s"
    params = [*q.keys, start, stop]
    if warmup > 0:
        ranked = (
            f"{q.select}, row_number() OVER (PARTITION BY {sym} ORDER BY {ts} DESC) AS rn "
            f"FROM {q.relation} WHERE {q.where} AND {ts} < %s"
        )
        body += f" UNION ALL SELECT symbol, ts, {names} FROM ({ranked}) AS r WHERE rn <= %s"
        params += [*q.keys, start, warmup]
    pos = "array_position(%s::text[], symbol)::int4 - 1"
    sql = f"SELECT {pos} AS pos, ts, {names} FROM ({body}) AS b ORDER BY pos, ts"
    return ChunkQuery(sql, [q.symbols, *params])


_PRICES = ("open", "high", "low", "close", "volume")


def _day_after(date_range: DateRange) -> Any:
    return date_range.stop64.astype("datetime64[us]").item()


def pick_native(stored: Collection[Timeframe], wanted: Timeframe) -> Timeframe | None:
    """The stored timeframe to read for ``wanted``: itself, else the coarsest finer one."""
    if wanted in stored:
        return wanted
    finer = [tf for tf in stored if _rank(tf) < _rank(wanted)]
    return max(finer, key=_rank) if finer else None


def _rank(timeframe: Timeframe) -> int:
    return tuple(Timeframe).index(timeframe)


def load_warmup(native: Timeframe, wanted: Timeframe, warmup_bars: int) -> int:
    """Native bars to read before the range (see :func:`native_warmup_bars`)."""
    return native_warmup_bars(native, wanted, warmup_bars)


def finish_chunk(
    symbols: Sequence[str],
    arrays: tuple[npt.ArrayLike, npt.ArrayLike, Mapping[str, Any]],
    *,
    native: Timeframe,
    wanted: Timeframe,
    date_range: DateRange,
    warmup_bars: int,
    source: str,
    known: Callable[[Sequence[str]], Collection[str]],
) -> dict[str, Candles | Exception]:
    """Per-symbol candles (or that symbol's error) from the chunk query's arrays.

    :param arrays: ``(positions, stamps, {column: values})`` as the query returned them.
    :param known: which of the given symbols the source holds at all (asked only for
        symbols that came back without rows, to tell "unknown" from "no bars here").
    """
    positions, stamps, columns = arrays
    loaded = split_long(symbols, positions, stamps, columns)
    empty = [symbol for symbol in symbols if len(loaded[symbol]) == 0]
    exists = set(known(empty)) if empty else set()
    out: dict[str, Candles | Exception] = {}
    for symbol in symbols:
        candles = loaded[symbol]
        if len(candles) == 0 and symbol not in exists:
            out[symbol] = SymbolNotFoundError(symbol, source)
            continue
        try:
            candles.validate()  # only the bars loaded: the range and its warm-up
            # the query already cut the native window; only a coarser timeframe needs work
            out[symbol] = (
                candles
                if wanted is native
                else select_window(candles, native, wanted, date_range, warmup_bars, source=source)
            )
        except Exception as exc:  # one symbol's bad data fails that symbol alone
            out[symbol] = exc
    return out


class ChunkQueryRepository(ICandleRepository):
    """A source that answers a chunk of symbols with one columnar query.

    A subclass writes :meth:`_query` (the one query, for symbols that are all strings)
    and :meth:`_known`; single reads, odd symbol values and the per-symbol finish are
    done here once.
    """

    @abc.abstractmethod
    def _query(
        self, names: list[str], wanted: Timeframe, date_range: DateRange, warmup_bars: int
    ) -> tuple[Timeframe, Mapping[str, Any]]:
        """The native timeframe read and its columns: ``pos``, ``ts`` and the prices."""

    @abc.abstractmethod
    def _known(self, symbols: Sequence[str]) -> Collection[str]:
        """Which of ``symbols`` the source holds at all."""

    def get_candles(
        self,
        symbol: str,
        timeframe: Timeframe,
        date_range: DateRange,
        *,
        warmup_bars: int = 0,
    ) -> Candles:
        """One symbol's bars (one query; see :meth:`get_candles_many`)."""
        found = self.get_candles_many([symbol], timeframe, date_range, warmup_bars=warmup_bars)
        result = found[symbol]
        if isinstance(result, Exception):
            raise result
        return result

    def get_candles_many(
        self,
        symbols: Sequence[str],
        timeframe: Timeframe,
        date_range: DateRange,
        *,
        warmup_bars: int = 0,
    ) -> dict[str, Candles | Exception]:
        """A chunk of symbols in one query; unknown or bad symbols fail alone."""
        wanted = Timeframe.parse(timeframe)
        names = [s for s in dict.fromkeys(symbols) if isinstance(s, str)]
        out: dict[str, Candles | Exception] = {
            str(s): SymbolNotFoundError(str(s), self.describe())
            for s in symbols
            if not isinstance(s, str)
        }
        if not names:
            return out
        native, columns = self._query(names, wanted, date_range, warmup_bars)
        out.update(
            finish_chunk(
                names,
                (columns["pos"], columns["ts"], columns),
                native=native,
                wanted=wanted,
                date_range=date_range,
                warmup_bars=warmup_bars,
                source=self.describe(),
                known=self._known,
            )
        )
        return out
