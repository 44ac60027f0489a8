"""Fault injection for the engine tests: a data source and a formula service that misbehave.

Everything here is module-level and picklable, because it travels to worker processes.

:class:`FaultRepository` wraps a real repository; for the symbols named in ``faults`` it

==============  ==========================================================================
fault           what ``get_candles`` does
==============  ==========================================================================
``hang_numba``  spins forever in a ``nogil`` Numba loop (no signal handler ever runs)
``hang_sleep``  blocks in ``time.sleep`` for an hour
``exit``        calls ``os._exit(3)``
``segfault``    reads address 0 (SIGSEGV)
``raise``       raises :class:`~candlescan.SymbolNotFoundError`
``garbage``     returns a lock (unpicklable) instead of candles
``sleep:S``     sleeps ``S`` seconds, then returns the real candles
==============  ==========================================================================

:class:`FaultService` wraps a formula service; its plans put an unpicklable value into
the result of the symbols named in ``unpicklable``.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numba
import numpy as np

from candlescan import Candles, DateRange, ICandleRepository, SymbolNotFoundError, Timeframe

SOURCE_NAME = "fault-source"


@numba.njit(nogil=True, cache=True)
def _spin(values: Any) -> float:  # pragma: no cover - never returns
    total = 0.0
    i = 0
    while total >= 0.0:  # values are positive: the sum only grows (then stays inf)
        total += values[i % values.shape[0]]
        i += 1
    return total


class FaultRepository(ICandleRepository):
    """A repository that misbehaves for chosen symbols and delegates the rest to ``base``."""

    def __init__(self, base: ICandleRepository, faults: Mapping[str, str]) -> None:
        self.base = base
        self.faults = dict(faults)

    def describe(self) -> str:
        return SOURCE_NAME

    def symbols(self) -> tuple[str, ...]:
        return self.base.symbols()

    def get_candles(
        self, symbol: str, timeframe: Timeframe, date_range: DateRange, *, warmup_bars: int = 0
    ) -> Candles:
        fault = self.faults.get(symbol, "")
        if fault == "hang_numba":
            _spin(np.ones(8))
        elif fault == "hang_sleep":
            time.sleep(3600)
        elif fault == "exit":
            os._exit(3)
        elif fault == "segfault":
            ctypes.string_at(0)
        elif fault == "raise":
            raise SymbolNotFoundError(symbol, SOURCE_NAME)
        elif fault == "garbage":
            return threading.Lock()  # type: ignore[return-value]
        elif fault.startswith("sleep:"):
            time.sleep(float(fault.partition(":")[2]))
        return self.base.get_candles(symbol, timeframe, date_range, warmup_bars=warmup_bars)


class BrokenInWorker(ICandleRepository):
    """A repository that cannot be rebuilt in a worker: unpickling raises, or kills it.

    :param how: ``"raise"`` (``__setstate__`` raises) or ``"die"`` (``os._exit(5)``).
    """

    def __init__(self, how: str) -> None:
        self.how = how

    def __getstate__(self) -> dict[str, str]:
        return {"how": self.how}

    def __setstate__(self, state: dict[str, str]) -> None:
        if state["how"] == "die":
            os._exit(5)
        raise RuntimeError("no connection to the database")

    def symbols(self) -> tuple[str, ...]:
        return ("A", "B", "C")

    def get_candles(
        self, symbol: str, timeframe: Timeframe, date_range: DateRange, *, warmup_bars: int = 0
    ) -> Candles:
        raise AssertionError("never called: the worker has no repository")


class _Unpicklable:
    def __reduce__(self) -> Any:
        raise TypeError("cannot pickle '_Unpicklable' object")


@dataclass(frozen=True, slots=True)
class _Outcome:
    matches: tuple[Any, ...]
    computed_indicators: dict[str, Any]
    last_bar: Any
    bars: int


@dataclass(frozen=True)
class FaultPlan:
    """A compiled formula whose result for the ``unpicklable`` symbols cannot be pickled."""

    inner: Any
    unpicklable: frozenset[str] = field(default_factory=frozenset)

    @property
    def warmup_bars(self) -> int:
        return int(self.inner.warmup_bars)

    def evaluate(self, candles: Candles, date_range: DateRange) -> Any:
        outcome = self.inner.evaluate(candles, date_range)
        if candles.symbol not in self.unpicklable:
            return outcome
        extra = dict(outcome.computed_indicators, payload=_Unpicklable())
        return _Outcome(outcome.matches, extra, outcome.last_bar, outcome.bars)


class FaultService:
    """Wraps a formula service so its plans are :class:`FaultPlan` s."""

    def __init__(self, inner: Any, unpicklable: frozenset[str] = frozenset()) -> None:
        self.inner = inner
        self.unpicklable = unpicklable

    def compile(
        self, formula: Any, parameters: Any = None, *, timeframe: Any = "1d", warmup: Any = None
    ) -> FaultPlan:
        return FaultPlan(
            self.inner.compile(formula, parameters, timeframe=timeframe), self.unpicklable
        )
