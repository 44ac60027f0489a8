"""What a host asks for: :class:`ProcessingJob`, its :class:`Formula` and policies."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np

from candlescan.entities.timeframes import DateRange, Timeframe
from candlescan.errors import InvalidJobError

__all__ = ["FULL_HISTORY_BARS", "Formula", "JobType", "ParameterValue", "ProcessingJob", "Warmup"]

ParameterValue: TypeAlias = int | float | bool | str


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
