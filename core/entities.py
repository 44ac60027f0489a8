"""The values a host hands to candlescan and gets back.

All entities are frozen, slotted dataclasses holding only picklable data (str, int,
float, tuple, dict, numpy arrays), so they cross process boundaries unchanged. They
validate their arguments at construction and raise :class:`~candlescan.InvalidJobError`
(a ``ValueError``) with a message naming the bad argument.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from candlescan.errors import InvalidCandlesError, InvalidJobError
from candlescan.results import NO_MATCHES, Evaluation, Matches

__all__ = [
    "PRICE_COLUMNS",
    "Candles",
    "DateRange",
    "Formula",
    "JobType",
    "ParameterValue",
    "ProcessingJob",
    "ProcessingResult",
    "Timeframe",
    "Warmup",
]

F64Array: TypeAlias = npt.NDArray[np.float64]
TimeArray: TypeAlias = npt.NDArray[np.datetime64]
ParameterValue: TypeAlias = int | float | bool | str

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


class JobType(enum.StrEnum):
    """What a job computes. Only scans exist today; the enum leaves room for more."""

    SCAN = "scan"

    __module__ = "candlescan"


class Warmup(enum.StrEnum):
    """How much history before the date range a job loads and evaluates.

    * ``CONVERGED`` (default): enough for every indicator value inside the range to equal
      its value over the whole history within 1e-9 relative (recursive indicators such as
      EMA, RSI, ATR need far more than their lookback).
    * ``FULL``: all the history the source has (the chart's own computation).
    * ``LOOKBACK``: TA-Lib's lookback only, the fewest bars that give a value; fastest,
      and approximate for recursive indicators.
    """

    CONVERGED = "converged"
    FULL = "full"
    LOOKBACK = "lookback"

    __module__ = "candlescan"

    @classmethod
    def parse(cls, value: Warmup | str) -> Warmup:
        """Return the member for ``value``; raise :class:`InvalidJobError` if unknown."""
        if isinstance(value, Warmup):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            known = ", ".join(member.value for member in cls)
            raise InvalidJobError(
                f"unknown warm-up policy {value!r}; use one of: {known}"
            ) from None


#: ``warmup_bars`` that asks a source for all the history it has (:attr:`Warmup.FULL`).
FULL_HISTORY_BARS = 1_000_000_000


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


@dataclass(frozen=True, slots=True)
class Formula:
    """A screening formula in candlescan's formula language, e.g. ``"rsi(close, 14) < 30"``.

    The text is only stored here; :class:`~candlescan.FormulaService` parses and compiles
    it. Formulas are never passed to ``eval``.
    """

    expression: str
    name: str = ""

    __module__ = "candlescan"

    def __post_init__(self) -> None:
        if not isinstance(self.expression, str):
            raise InvalidJobError(
                f"Formula.expression must be a string, got {type(self.expression).__name__}"
            )
        if not self.expression.strip():
            raise InvalidJobError("Formula.expression is empty")

    def __str__(self) -> str:
        return self.expression


def _freeze_parameters(parameters: Mapping[str, Any] | None) -> dict[str, ParameterValue]:
    if parameters is None:
        return {}
    if not isinstance(parameters, Mapping):
        raise InvalidJobError(
            f"parameters must be a mapping of name to value, got {type(parameters).__name__}"
        )
    frozen: dict[str, ParameterValue] = {}
    for key, value in parameters.items():
        if not isinstance(key, str) or not key.isidentifier():
            raise InvalidJobError(f"parameter name {key!r} is not an identifier")
        if isinstance(value, np.generic):
            value = value.item()
        if not isinstance(value, int | float | bool | str):
            raise InvalidJobError(
                f"parameter {key!r} must be a number, bool or string, got {type(value).__name__}"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidJobError(f"parameter {key!r} must be finite, got {value!r}")
        frozen[key] = value
    return frozen


def _freeze_symbols(symbols: Iterable[str]) -> tuple[str, ...]:
    if isinstance(symbols, str):
        raise InvalidJobError("symbols must be a list of symbols, not one string")
    try:
        frozen = tuple(symbols)
    except TypeError:
        raise InvalidJobError(f"symbols must be iterable, got {type(symbols).__name__}") from None
    if not frozen:
        raise InvalidJobError("a job needs at least one symbol")
    seen: set[str] = set()
    for symbol in frozen:
        if not isinstance(symbol, str) or not symbol.strip():
            raise InvalidJobError(f"every symbol must be a non-empty string, got {symbol!r}")
        if symbol in seen:
            raise InvalidJobError(f"symbol {symbol!r} appears twice in the job")
        seen.add(symbol)
    return frozen


@dataclass(frozen=True, slots=True)
class ProcessingJob:
    """One screening job: which symbols, which bars, which formula.

    ``symbols`` may be any iterable of strings (stored as a tuple); ``timeframe`` a
    :class:`Timeframe` or its text; ``formula`` a :class:`Formula`, a string, or ``None``
    (load and validate each symbol's candles without screening). ``parameters`` binds the
    formula's ``$name`` placeholders. ``warmup`` is a :class:`Warmup` policy or its text
    (default ``"converged"``). A one-day ``date_range`` screens "as of" that bar.
    """

    id: str
    symbols: tuple[str, ...]
    timeframe: Timeframe
    date_range: DateRange
    formula: Formula | None = None
    parameters: dict[str, ParameterValue] = field(default_factory=dict)
    job_type: JobType = JobType.SCAN
    warmup: Warmup = Warmup.CONVERGED

    __module__ = "candlescan"

    def __post_init__(self) -> None:
        object.__setattr__(self, "warmup", Warmup.parse(self.warmup))
        if not isinstance(self.id, str) or not self.id:
            raise InvalidJobError(f"job id must be a non-empty string, got {self.id!r}")
        object.__setattr__(self, "symbols", _freeze_symbols(self.symbols))
        object.__setattr__(self, "timeframe", Timeframe.parse(self.timeframe))
        if not isinstance(self.date_range, DateRange):
            raise InvalidJobError(
                f"date_range must be a DateRange, got {type(self.date_range).__name__}"
            )
        if isinstance(self.formula, str):
            object.__setattr__(self, "formula", Formula(self.formula))
        elif self.formula is not None and not isinstance(self.formula, Formula):
            raise InvalidJobError(
                f"formula must be a Formula, a string or None, got {type(self.formula).__name__}"
            )
        object.__setattr__(self, "parameters", _freeze_parameters(self.parameters))
        try:
            object.__setattr__(self, "job_type", JobType(self.job_type))
        except ValueError:
            raise InvalidJobError(f"unknown job type {self.job_type!r}") from None


@dataclass(frozen=True, slots=True, eq=False)
class ProcessingResult:
    """The outcome for one symbol of a job.

    :ivar symbol: the symbol.
    :ivar matches: timestamps of every bar inside the job's date range where the formula
        held, oldest first, as :class:`~candlescan.results.Matches` (one read-only
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
        )

    __hash__ = None  # type: ignore[assignment]


PRICE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "volume")


def stamp_text(stamp: np.datetime64) -> str:
    """A bar's timestamp for a message: ``2017-01-03``, or ``2017-01-03 09:30`` intraday."""
    text = str(np.datetime_as_string(stamp, unit="m"))
    return text[:10] if text.endswith("T00:00") else text.replace("T", " ")


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
