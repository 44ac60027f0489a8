"""Time on the bar axis: :class:`Timeframe`, :class:`DateRange` and how dates print."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from candlescan.errors import InvalidJobError

__all__ = ["DateRange", "Timeframe", "stamp_text"]

#: One nanosecond-resolution day, used to make ``DateRange.end`` inclusive.
_ONE_DAY = np.timedelta64(1, "D")


class Timeframe(enum.StrEnum):
    """Bar size of a series. Members compare equal to their text (``Timeframe.D1 == "1d"``)."""

    M1 = "1m"
    M5 = "5m"
    M15 = "15m"
    M30 = "30m"
    H1 = "1h"
    H4 = "4h"
    D1 = "1d"
    W1 = "1w"
    MO1 = "1mo"

    __module__ = "candlescan"

    @classmethod
    def parse(cls, value: Timeframe | str) -> Timeframe:
        """Return the member for ``value``; raise :class:`InvalidJobError` if unknown."""
        if isinstance(value, Timeframe):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            known = ", ".join(member.value for member in cls)
            raise InvalidJobError(f"unknown timeframe {value!r}; use one of: {known}") from None

    @property
    def numpy_unit(self) -> np.timedelta64:
        """The bar length as a ``numpy.timedelta64`` (a month counts as its own unit)."""
        number = int("".join(ch for ch in self.value if ch.isdigit()))
        unit = {"m": "m", "h": "h", "d": "D", "w": "W", "mo": "M"}[
            "".join(ch for ch in self.value if ch.isalpha())
        ]
        return np.timedelta64(number, unit)  # type: ignore[call-overload,no-any-return]


def _to_date(value: date | datetime | str, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidJobError(f"{what} must be a date or an ISO date string, got {value!r}")


@dataclass(frozen=True, slots=True)
class DateRange:
    """An inclusive range of calendar dates: ``start <= day <= end``.

    Accepts :class:`datetime.date`, :class:`datetime.datetime` (its date is used) or an
    ISO ``"YYYY-MM-DD"`` string for either end.
    """

    start: date
    end: date
    #: First instant inside the range, as ``datetime64[ns]`` (derived, cached).
    start64: np.datetime64 = field(init=False, repr=False, compare=False)
    #: First instant *after* the range (midnight after ``end``), as ``datetime64[ns]``.
    stop64: np.datetime64 = field(init=False, repr=False, compare=False)

    __module__ = "candlescan"

    def __post_init__(self) -> None:
        start = _to_date(self.start, "DateRange.start")
        end = _to_date(self.end, "DateRange.end")
        if end < start:
            raise InvalidJobError(f"DateRange end {end} precedes its start {start}")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        # Cached: every symbol of a batch searches its bars with these (~20 us to build).
        object.__setattr__(self, "start64", np.datetime64(start, "ns"))
        object.__setattr__(self, "stop64", np.datetime64(end, "ns") + _ONE_DAY)

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"


def stamp_text(stamp: np.datetime64) -> str:
    """A bar's timestamp for a message: ``2017-01-03``, or ``2017-01-03 09:30`` intraday."""
    text = str(np.datetime_as_string(stamp, unit="m"))
    return text[:10] if text.endswith("T00:00") else text.replace("T", " ")
