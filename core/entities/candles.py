"""One symbol's bars: :class:`Candles` and the price columns every source uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from candlescan.entities.timeframes import DateRange, stamp_text
from candlescan.errors import InvalidCandlesError

__all__ = ["PRICE_COLUMNS", "Candles"]

F64Array: TypeAlias = npt.NDArray[np.float64]
TimeArray: TypeAlias = npt.NDArray[np.datetime64]

#: The price columns of :class:`Candles`, in the order every source and kernel uses.
PRICE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "volume")


def _as_float_column(values: object, name: str, symbol: str) -> F64Array:
    try:
        array = np.array(values, dtype=np.float64, order="C", copy=True)
    except (TypeError, ValueError) as exc:
        raise InvalidCandlesError(symbol, -1, f"column {name!r} is not numeric: {exc}") from None
    if array.ndim != 1:
        raise InvalidCandlesError(symbol, -1, f"column {name!r} must be 1-D, got {array.ndim}-D")
    return array


@dataclass(frozen=True, slots=True, eq=False)
class Candles:
    """OHLCV bars of one symbol, oldest first.

    Price and volume columns are C-contiguous, writable ``float64`` arrays (the only
    layout the kernels are compiled for); ``timestamps`` is ``datetime64[ns]``. The
    constructor copies and coerces its inputs and checks that all columns have the same
    length; :meth:`validate` checks the values themselves.
    """

    symbol: str
    timestamps: TimeArray
    open: F64Array
    high: F64Array
    low: F64Array
    close: F64Array
    volume: F64Array

    __module__ = "candlescan"

    def __post_init__(self) -> None:
        try:
            stamps = np.array(self.timestamps, dtype="datetime64[ns]", order="C", copy=True)
        except (TypeError, ValueError) as exc:
            raise InvalidCandlesError(self.symbol, -1, f"bad timestamps: {exc}") from None
        if stamps.ndim != 1:
            raise InvalidCandlesError(self.symbol, -1, "timestamps must be 1-D")
        object.__setattr__(self, "timestamps", stamps)
        for name in PRICE_COLUMNS:
            column = _as_float_column(getattr(self, name), name, self.symbol)
            if len(column) != len(stamps):
                raise InvalidCandlesError(
                    self.symbol,
                    -1,
                    f"column {name!r} has {len(column)} values for {len(stamps)} timestamps",
                )
            object.__setattr__(self, name, column)

    def __len__(self) -> int:
        return len(self.timestamps)

    def column(self, name: str) -> F64Array:
        """Return the price or volume column called ``name``."""
        if name not in PRICE_COLUMNS:
            raise KeyError(name)
        array: F64Array = getattr(self, name)
        return array

    def validate(self) -> Candles:
        """Check the bars; raise :class:`InvalidCandlesError` naming the first bad row.

        Checked: timestamps are not NaT, strictly increasing (no duplicates); ``high >= low``
        wherever both are known; volume is not negative. NaN prices are allowed (a missing
        bar); the kernels handle them.
        """
        stamps = self.timestamps
        if len(stamps):
            nat = np.isnat(stamps)
            if nat.any():
                row = int(np.argmax(nat))
                raise InvalidCandlesError(self.symbol, row, "missing timestamp")
            steps = np.diff(stamps.view(np.int64))
            bad = steps <= 0
            if bad.any():
                row = int(np.argmax(bad)) + 1
                kind = "duplicate" if steps[row - 1] == 0 else "out-of-order"
                raise InvalidCandlesError(
                    self.symbol,
                    row,
                    f"{kind} timestamp {stamp_text(stamps[row])} after "
                    f"{stamp_text(stamps[row - 1])}",
                )
        with np.errstate(invalid="ignore"):
            inverted = self.high < self.low
            negative = self.volume < 0
        if inverted.any():
            row = int(np.argmax(inverted))
            raise InvalidCandlesError(
                self.symbol,
                row,
                f"high {self.high[row]:g} < low {self.low[row]:g} on {stamp_text(stamps[row])}",
            )
        if negative.any():
            row = int(np.argmax(negative))
            raise InvalidCandlesError(
                self.symbol,
                row,
                f"negative volume {self.volume[row]:g} on {stamp_text(stamps[row])}",
            )
        return self

    def slice(self, start: int, stop: int) -> Candles:
        """Bars ``start:stop`` as new, independent candles."""
        # These columns already have the kernels' layout: copy them, skip the
        # constructor's coercion and checks (the hot path of every source's get_candles).
        out = object.__new__(Candles)
        setattr_ = object.__setattr__
        setattr_(out, "symbol", self.symbol)
        setattr_(out, "timestamps", self.timestamps[start:stop].copy())
        for name in PRICE_COLUMNS:
            setattr_(out, name, getattr(self, name)[start:stop].copy())
        return out

    def index_range(self, date_range: DateRange) -> tuple[int, int]:
        """``(first, stop)`` bar indices of the bars inside ``date_range``."""
        first = int(np.searchsorted(self.timestamps, date_range.start64, side="left"))
        stop = int(np.searchsorted(self.timestamps, date_range.stop64, side="left"))
        return first, stop

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Candles):
            return NotImplemented
        return (
            self.symbol == other.symbol
            and np.array_equal(self.timestamps, other.timestamps)
            and all(
                np.array_equal(getattr(self, n), getattr(other, n), equal_nan=True)
                for n in PRICE_COLUMNS
            )
        )

    __hash__ = None  # type: ignore[assignment]
