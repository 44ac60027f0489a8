"""What the SQL-backed sources (store, parquet, postgres) share: the chunk query and its end.

One query reads a whole chunk of symbols: the bars inside the range, plus the last
``warmup`` bars before it for each symbol (``row_number()`` over the symbol's earlier bars,
newest first). It selects only the seven columns a job needs and returns them sorted by
(symbol position, time), which :func:`~candlescan.data.columnar.split_long` cuts into
candles without a Python loop over rows. :func:`finish_chunk` then validates each symbol
on its own (one bad symbol fails alone) and builds the requested timeframe with the
shared helper :func:`~candlescan.data.window.select_window`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy.typing as npt

from candlescan import Candles, DateRange, SymbolNotFoundError, Timeframe
from candlescan.data.columnar import split_long
from candlescan.data.window import native_warmup_bars, select_window

__all__ = [
    "FULL_RANGE",
    "ChunkQuery",
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
    placeholder: str,
    position: str,
    extra_filter: str = "",
    extra_params: Sequence[Any] = (),
) -> ChunkQuery:
    """The one query that reads a chunk.

    :param relation: a table name or a table function call (``read_parquet(...)``).
    :param columns: SQL expressions for ``symbol``, ``ts``, ``open`` ... ``volume``
        (already quoted identifiers or casts; never user data).
    :param placeholder: ``"?"`` (DuckDB) or ``"%s"`` (psycopg).
    :param position: SQL returning the 1-based position of ``symbol`` in the list passed
        as the first parameter, with ``{list}`` and ``{symbol}`` to fill in.
    :param extra_filter: one more ``AND`` condition (e.g. on the timeframe column).
    """
    p = placeholder
    sym = columns["symbol"]
    ts = columns["ts"]
    prices = ", ".join(f"{columns[name]} AS {name}" for name in _PRICES)
    in_list = ", ".join([p] * len(symbols))
    where = f"{sym} IN ({in_list})" + (f" AND {extra_filter}" if extra_filter else "")
    select = f"SELECT {sym} AS symbol, {ts} AS ts, {prices} FROM {relation}"
    inside = f"{select} WHERE {where} AND {ts} >= {p} AND {ts} < {p}"
    params: list[Any] = [*symbols, *extra_params, date_range.start, _day_after(date_range)]
    body = inside
    if warmup > 0:
        ranked = (
            f"SELECT {sym} AS symbol, {ts} AS ts, {prices}, "
            f"row_number() OVER (PARTITION BY {sym} ORDER BY {ts} DESC) AS rn "
            f"FROM {relation} WHERE {where} AND {ts} < {p}"
        )
        before = f"SELECT symbol, ts, {', '.join(_PRICES)} FROM ({ranked}) AS r WHERE rn <= {p}"
        body = f"{inside} UNION ALL {before}"
        params += [*symbols, *extra_params, date_range.start, warmup]
    pos = position.format(list=p, symbol="symbol")
    sql = f"SELECT {pos} - 1 AS pos, ts, {', '.join(_PRICES)} FROM ({body}) AS b ORDER BY pos, ts"
    return ChunkQuery(sql, [list(symbols), *params])


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
            out[symbol] = select_window(
                candles, native, wanted, date_range, warmup_bars, source=source
            )
        except Exception as exc:  # one symbol's bad data fails that symbol alone
            out[symbol] = exc
    return out
