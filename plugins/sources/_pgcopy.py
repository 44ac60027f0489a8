"""PostgreSQL binary COPY, both ways, with numpy structured arrays (no Python loop per row).

Reading: the chunk query is wrapped in ``COPY (...) TO STDOUT (FORMAT BINARY)`` with every
column cast to a fixed width (``int4`` symbol position, ``int8`` microseconds since the
Unix epoch, five ``float8``), so each row is exactly 82 bytes and the whole answer is one
``numpy.frombuffer``. Writing: one symbol at a time (its name has one length, so its rows
are fixed-width too) into ``COPY ... FROM STDIN (FORMAT BINARY)``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from candlescan import Candles, DataSourceError

__all__ = ["SIGNATURE", "decode_rows", "encode_candles", "header", "trailer"]

#: The 11-byte signature of PostgreSQL's binary COPY format.
SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_PRICES = ("open", "high", "low", "close", "volume")
_POSTGRES_EPOCH_US = 946_684_800_000_000  # 2000-01-01 in microseconds after 1970-01-01

_READ_ROW = np.dtype(
    [("n", ">i2"), ("l_pos", ">i4"), ("pos", ">i4"), ("l_ts", ">i4"), ("ts", ">i8")]
    + [(f, t) for name in _PRICES for f, t in ((f"l_{name}", ">i4"), (name, ">f8"))]
)


def header() -> bytes:
    """Signature, flags (0) and an empty header extension."""
    return SIGNATURE + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")


def trailer() -> bytes:
    """The end-of-data marker (a field count of -1)."""
    return (-1).to_bytes(2, "big", signed=True)


def decode_rows(payload: bytes) -> dict[str, npt.NDArray[np.generic]]:
    """``pos``, ``ts`` (``datetime64[us]``) and the five prices from a binary COPY answer."""
    if not payload.startswith(SIGNATURE):
        raise DataSourceError("postgres: unexpected COPY answer (no binary signature)")
    extension = int.from_bytes(payload[15:19], "big")
    start = 19 + extension
    body = len(payload) - start - 2
    if body < 0 or body % _READ_ROW.itemsize:
        raise DataSourceError("postgres: COPY answer has a partial row")
    rows = np.frombuffer(payload, dtype=_READ_ROW, count=body // _READ_ROW.itemsize, offset=start)
    if len(rows) and ((rows["n"] != 7).any() or (rows["l_ts"] != 8).any()):
        raise DataSourceError("postgres: a NULL time or an unexpected column in the answer")
    out: dict[str, npt.NDArray[np.generic]] = {
        "pos": rows["pos"].astype(np.int64),
        "ts": rows["ts"].astype(np.int64).view("datetime64[us]"),
    }
    for name in _PRICES:
        out[name] = rows[name].astype(np.float64)
    return out


def encode_candles(candles: Candles, timeframe: str) -> bytes:
    """Rows ``(symbol, timeframe, ts, open, high, low, close, volume)`` of one symbol."""
    symbol = candles.symbol.encode()
    frame = timeframe.encode()
    row = np.dtype(
        [("n", ">i2"), ("l_sym", ">i4"), ("sym", f"S{len(symbol)}")]
        + [("l_tf", ">i4"), ("tf", f"S{len(frame)}"), ("l_ts", ">i4"), ("ts", ">i8")]
        + [(f, t) for name in _PRICES for f, t in ((f"l_{name}", ">i4"), (name, ">f8"))]
    )
    rows = np.zeros(len(candles), dtype=row)
    rows["n"], rows["l_sym"], rows["sym"] = 8, len(symbol), symbol
    rows["l_tf"], rows["tf"], rows["l_ts"] = len(frame), frame, 8
    micros = candles.timestamps.astype("datetime64[us]").view(np.int64)
    rows["ts"] = micros - _POSTGRES_EPOCH_US
    for name in _PRICES:
        rows[f"l_{name}"] = 8
        rows[name] = candles.column(name)
    return rows.tobytes()
