"""What a host gets back: :class:`ProcessingResult`, and its parts, defined once.

A formula evaluated on one symbol gives an :class:`Evaluation`; the engine adds the
symbol, the time spent and the error to make a :class:`ProcessingResult`.
Both hold their matching bars as one :class:`Matches`: a read-only ``datetime64[ns]``
array behind a small sequence interface, so 27 M matches cost 27 M x 8 bytes, not
27 M Python objects, and code written for the old tuple of timestamps keeps working
(``len``, indexing, iteration, ``bool``, ``==`` with a tuple or list).

Like the other entities, this module imports neither pluggy nor the formula machinery:
worker processes use it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias, overload

import numpy as np
import numpy.typing as npt

__all__ = ["NO_MATCHES", "Evaluation", "Matches", "ProcessingResult", "same_indicators"]

TimeArray: TypeAlias = npt.NDArray[np.datetime64]


class Matches(Sequence[np.datetime64]):
    """Timestamps of the matching bars, oldest first: one ``datetime64[ns]`` array.

    ``Matches(values)`` accepts anything ``numpy.asarray(values, "datetime64[ns]")``
    accepts (a tuple of ``numpy.datetime64``, an array, another ``Matches``). Items are
    ``numpy.datetime64``; :attr:`array` is the read-only array itself (no copy), and
    ``numpy.asarray(matches)`` returns it too. ``==`` compares the timestamps with any
    sequence or array and returns one ``bool``.
    """

    __slots__ = ("_array",)

    def __init__(self, values: Any = ()) -> None:
        if isinstance(values, Matches):
            self._array: TimeArray = values._array
            return
        array = np.asarray(values, dtype="datetime64[ns]")
        if array.ndim != 1:
            raise ValueError(f"matches must be 1-D timestamps, got {array.ndim}-D")
        view = array.view()  # read-only view: the caller's array keeps its flags
        view.flags.writeable = False
        self._array = view

    @classmethod
    def from_ns(cls, ns: npt.NDArray[np.int64]) -> Matches:
        """Matches from nanoseconds since the epoch (``int64``), without a copy."""
        return cls(ns.view("datetime64[ns]"))

    @classmethod
    def _wrap(cls, array: TimeArray) -> Matches:
        """Wrap an array already known to be read-only 1-D ``datetime64[ns]`` (no checks)."""
        matches = cls.__new__(cls)
        matches._array = array
        return matches

    @property
    def array(self) -> TimeArray:
        """The timestamps as a read-only ``datetime64[ns]`` array (no copy)."""
        return self._array

    def __len__(self) -> int:
        return len(self._array)

    @overload
    def __getitem__(self, index: int) -> np.datetime64: ...

    @overload
    def __getitem__(self, index: slice) -> Matches: ...

    def __getitem__(self, index: int | slice) -> np.datetime64 | Matches:
        if isinstance(index, slice):
            return Matches(self._array[index])
        item: np.datetime64 = self._array[index]
        return item

    def __iter__(self) -> Iterator[np.datetime64]:
        return iter(self._array)

    def __bool__(self) -> bool:
        return len(self._array) > 0

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> TimeArray:
        if dtype is None and not copy:
            return self._array
        return np.array(self._array, dtype=dtype, copy=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Matches):
            theirs = other._array
        elif isinstance(other, np.ndarray | Sequence) and not isinstance(other, str | bytes):
            try:
                theirs = np.asarray(other, dtype="datetime64[ns]")
            except (TypeError, ValueError):
                return False
        else:
            return NotImplemented
        return theirs.shape == self._array.shape and bool(np.array_equal(self._array, theirs))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type[Matches], tuple[TimeArray]]:
        return (Matches, (self._array,))

    def __repr__(self) -> str:
        return f"Matches({np.array2string(self._array, threshold=6)})"


#: The matches of a symbol without any (shared; read-only).
NO_MATCHES = Matches()


@dataclass(frozen=True, slots=True, eq=False)
class Evaluation:
    """The outcome of one formula on one symbol's candles.

    :ivar matches: timestamps of the bars inside the date range where the formula held.
    :ivar computed_indicators: each indicator term by canonical text -> its value on the
        bar :attr:`indicators_at` (the last match, else the last bar in range).
    :ivar last_bar: timestamp of the last bar in range, ``None`` if there is none.
    :ivar bars: number of bars evaluated (from :attr:`evaluated_from` to the range end).
    :ivar evaluated_from: timestamp of the first bar evaluated.
    :ivar indicators_at: timestamp of the bar ``computed_indicators`` belong to.
    """

    matches: Matches = field(default_factory=Matches)
    computed_indicators: dict[str, float] = field(default_factory=dict)
    last_bar: np.datetime64 | None = None
    bars: int = 0
    evaluated_from: np.datetime64 | None = None
    indicators_at: np.datetime64 | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.matches, Matches):
            object.__setattr__(self, "matches", Matches(self.matches))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        return (
            self.matches == other.matches
            and same_indicators(self.computed_indicators, other.computed_indicators)
            and same_time(self.last_bar, other.last_bar)
            and self.bars == other.bars
            and same_time(self.evaluated_from, other.evaluated_from)
            and same_time(self.indicators_at, other.indicators_at)
        )

    __hash__ = None  # type: ignore[assignment]


def same_time(a: np.datetime64 | None, b: np.datetime64 | None) -> bool:
    """Two optional timestamps are the same instant (or both ``None``)."""
    if a is None or b is None:
        return a is b
    return bool(a == b)


def same_indicators(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Same keys and values, NaN equal to NaN."""
    if a.keys() != b.keys():
        return False
    return all(a[k] == b[k] or (_isnan(a[k]) and _isnan(b[k])) for k in a)


def _isnan(value: Any) -> bool:
    try:
        return math.isnan(value)
    except TypeError:
        return False


@dataclass(frozen=True, slots=True, eq=False)
class ProcessingResult:
    """The outcome for one symbol of a job.

    :ivar symbol: the symbol.
    :ivar matches: timestamps of every bar inside the job's date range where the formula
        held, oldest first, as :class:`~candlescan.entities.Matches` (one read-only
        ``datetime64[ns]`` array; ``len``, indexing, iteration and ``==`` with a tuple
        work as on a tuple; ``matches.array`` is the array). Any sequence of timestamps
        given to the constructor is converted.
    :ivar computed_indicators: each indicator term of the formula by its canonical text
        (``"sma(close, 200)"``) mapped to its value on the bar :attr:`indicators_at`: the
        last match inside the range, else the last bar of the range.
    :ivar processing_time_ms: wall time spent on this symbol in the worker.
    :ivar error: ``None`` on success, else a one-line message; exactly
        ``"Processing timeout"`` when the symbol ran past its deadline.
    :ivar last_bar: timestamp of the last bar inside the range (``None`` if none or failed).
    :ivar bars: number of bars inside the range that were evaluated.
    :ivar evaluated_from: timestamp of the first bar evaluated: the first bar of the range,
        or a later one when the symbol's history is too short for the earlier ones
        (``None`` if failed).
    :ivar indicators_at: timestamp of the bar ``computed_indicators`` belong to.
    :ivar warnings: one-line notes on a result that still stands, e.g. bars of the
        loaded history with a missing price (empty when there is nothing to say).
    """

    symbol: str
    matches: Matches
    computed_indicators: dict[str, float]
    processing_time_ms: float
    error: str | None = None
    last_bar: np.datetime64 | None = None
    bars: int = 0
    evaluated_from: np.datetime64 | None = None
    indicators_at: np.datetime64 | None = None
    warnings: tuple[str, ...] = ()

    __module__ = "candlescan"

    def __post_init__(self) -> None:
        if not isinstance(self.matches, Matches):
            object.__setattr__(self, "matches", Matches(self.matches))

    @classmethod
    def of(cls, symbol: str, outcome: Evaluation, processing_time_ms: float) -> ProcessingResult:
        """The result of a symbol whose formula evaluated to ``outcome``."""
        return cls(
            symbol,
            outcome.matches,
            outcome.computed_indicators,
            processing_time_ms,
            None,
            outcome.last_bar,
            outcome.bars,
            outcome.evaluated_from,
            outcome.indicators_at,
        )

    @classmethod
    def failed(cls, symbol: str, error: str, processing_time_ms: float = 0.0) -> ProcessingResult:
        """The result of a symbol that failed with ``error`` (a one-line message)."""
        return cls(symbol, NO_MATCHES, {}, processing_time_ms, error)

    @property
    def outcome(self) -> Evaluation:
        """The formula's part of this result (matches, indicators and the bars they describe)."""
        return Evaluation(
            self.matches,
            self.computed_indicators,
            self.last_bar,
            self.bars,
            self.evaluated_from,
            self.indicators_at,
        )

    @property
    def ok(self) -> bool:
        """True when the symbol was processed without error."""
        return self.error is None

    @property
    def signal(self) -> bool:
        """True when the formula held on the last bar of the range (the usual 'screen hit')."""
        if not self.matches or self.last_bar is None:
            return False
        return bool(self.matches[-1] == self.last_bar)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProcessingResult):
            return NotImplemented
        return (
            self.symbol == other.symbol
            and self.outcome == other.outcome
            and self.processing_time_ms == other.processing_time_ms
            and self.error == other.error
            and self.warnings == other.warnings
        )

    __hash__ = None  # type: ignore[assignment]
