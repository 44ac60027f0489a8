"""``BackendContract``: the promises every execution backend keeps, as a pytest suite.

A third-party backend (say, Ray) proves itself by subclassing it in its own tests::

    import pytest
    from candlescan.testing import BackendContract

    class TestRayBackend(BackendContract):
        isolates_crashes = True   # a worker that dies costs only its symbol
        stops_hangs = True        # a symbol stuck in machine code is stopped

        @pytest.fixture
        def make_backend(self):
            return lambda max_workers: RayBackend(max_workers)

Every check runs a real :class:`~candlescan.ProcessingEngine` on the synthetic source
with fault symbols (:class:`ContractFaults`): one result per symbol equal to a serial
evaluation, a raising symbol costs only itself, a slow symbol is reported as
``"Processing timeout"``, and (where the backend claims it) a crashing symbol is named
with ``WorkerCrashedError`` and a symbol hung in a ``nogil`` Numba loop is stopped.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import numba
import numpy as np
import pytest

from candlescan.data.repository import ICandleRepository
from candlescan.entities import (
    Candles,
    DateRange,
    Formula,
    ProcessingJob,
    ProcessingResult,
    Timeframe,
)
from candlescan.errors import SymbolNotFoundError

__all__ = ["BackendContract", "ContractFaults"]

_FORMULA = "rsi(close, 14) < 40 or close > sma(close, 50)"
_RANGE = DateRange(date(2013, 6, 1), date(2013, 12, 31))


@numba.njit(nogil=True, cache=True)
def _spin(values: Any) -> float:  # pragma: no cover - never returns
    total = 0.0
    i = 0
    while total >= 0.0:
        total += values[i % values.shape[0]]
        i += 1
    return total


class ContractFaults(ICandleRepository):
    """Wraps a repository; ``faults`` maps a symbol to ``raise``, ``exit``, ``segfault``,
    ``hang`` (nogil Numba loop) or ``sleep:S``. Picklable, so it reaches any worker."""

    def __init__(self, base: ICandleRepository, faults: dict[str, str]) -> None:
        self.base = base
        self.faults = dict(faults)

    def describe(self) -> str:
        return "contract-faults"

    def symbols(self) -> tuple[str, ...]:
        return self.base.symbols()

    def get_candles(
        self, symbol: str, timeframe: Timeframe, date_range: DateRange, *, warmup_bars: int = 0
    ) -> Candles:
        fault = self.faults.get(symbol, "")
        if fault == "raise":
            raise SymbolNotFoundError(symbol, self.describe())
        if fault == "exit":
            os._exit(3)
        if fault == "segfault":
            ctypes.string_at(0)
        if fault == "hang":
            _spin(np.ones(8))
        if fault.startswith("sleep:"):
            time.sleep(float(fault.partition(":")[2]))
        return self.base.get_candles(symbol, timeframe, date_range, warmup_bars=warmup_bars)


class BackendContract:
    """Checks an execution backend. Provide a ``make_backend`` fixture returning a
    callable ``max_workers -> Backend`` that builds a fresh, unstarted backend."""

    #: Workers asked of the backend.
    max_workers: int = 2
    #: Per-symbol deadline used by the timeout checks (seconds).
    timeout: float = 2.0
    #: A worker that dies (``os._exit``, segfault) costs only the symbol it was running.
    isolates_crashes: bool = True
    #: A symbol stuck in machine code is stopped (the batch returns; the next is clean).
    stops_hangs: bool = True
    #: A hang guard for each batch, far above any sane bound.
    guard_s: float = 300.0

    # --- fixtures ---------------------------------------------------------------------

    @pytest.fixture
    def make_backend(self) -> Callable[[int], Any]:
        raise NotImplementedError("provide a make_backend fixture")

    @pytest.fixture
    def base(self) -> ICandleRepository:
        from candlescan.registry.plugin_registry import PluginRegistry

        return PluginRegistry.default().open_source("synthetic:10x252")

    @pytest.fixture
    def service(self) -> Any:
        from candlescan.formula import FormulaService

        return FormulaService()

    # --- helpers ----------------------------------------------------------------------

    def run(
        self, make_backend: Callable[[int], Any], repo: ICandleRepository, service: Any
    ) -> list[ProcessingResult]:
        from candlescan.execution.engine import ProcessingEngine

        job = ProcessingJob("contract", repo.symbols(), Timeframe.D1, _RANGE, Formula(_FORMULA))
        backend = make_backend(self.max_workers)
        engine = ProcessingEngine(
            repo, service, self.max_workers, timeout=self.timeout, backend=backend
        )
        with engine:
            batch = engine.process_batch(job)
            results = asyncio.run(asyncio.wait_for(batch, self.guard_s))
        assert engine.backend.executor is None, "the engine's exit must stop the backend"
        return results

    @staticmethod
    def expected(repo: ICandleRepository, service: Any) -> dict[str, tuple[Any, ...]]:
        """Each symbol's matches and indicator values, evaluated here, one by one."""
        plan = service.compile(_FORMULA, timeframe="1d")
        out = {}
        for symbol in repo.symbols():
            candles = repo.get_candles(symbol, Timeframe.D1, _RANGE, warmup_bars=plan.warmup_bars)
            outcome = plan.evaluate(candles, _RANGE)
            out[symbol] = (tuple(outcome.matches), dict(outcome.computed_indicators))
        return out

    def check(
        self,
        results: list[ProcessingResult],
        base: ICandleRepository,
        service: Any,
        errors: dict[str, str],
    ) -> None:
        symbols = base.symbols()
        assert sorted(r.symbol for r in results) == sorted(symbols), "one result per symbol"
        got = {r.symbol: r.error for r in results if r.error is not None}
        assert set(got) == set(errors), got
        for symbol, prefix in errors.items():
            assert got[symbol].startswith(prefix), got[symbol]
        expected = self.expected(base, service)
        for r in results:
            if r.error is None:
                assert (tuple(r.matches), r.computed_indicators) == expected[r.symbol], r.symbol

    # --- the contract -----------------------------------------------------------------

    def test_one_result_per_symbol_equal_to_a_serial_run(
        self, make_backend: Callable[[int], Any], base: ICandleRepository, service: Any
    ) -> None:
        self.check(self.run(make_backend, base, service), base, service, {})

    def test_an_error_costs_only_its_symbol(
        self, make_backend: Callable[[int], Any], base: ICandleRepository, service: Any
    ) -> None:
        bad = base.symbols()[3]
        repo = ContractFaults(base, {bad: "raise"})
        self.check(
            self.run(make_backend, repo, service), base, service, {bad: "SymbolNotFoundError:"}
        )

    def test_a_slow_symbol_is_a_timeout(
        self, make_backend: Callable[[int], Any], base: ICandleRepository, service: Any
    ) -> None:
        if not make_backend(1).can_timeout:
            pytest.skip("this backend declares can_timeout = False")
        slow = base.symbols()[4]
        repo = ContractFaults(base, {slow: f"sleep:{3 * self.timeout}"})  # finite
        self.check(
            self.run(make_backend, repo, service), base, service, {slow: "Processing timeout"}
        )

    def test_a_crash_costs_only_its_symbol(
        self, make_backend: Callable[[int], Any], base: ICandleRepository, service: Any
    ) -> None:
        if not self.isolates_crashes:
            pytest.skip("this backend does not claim crash isolation")
        bad = base.symbols()[5]
        repo = ContractFaults(base, {bad: "exit"})
        self.check(
            self.run(make_backend, repo, service), base, service, {bad: "WorkerCrashedError:"}
        )

    def test_a_hang_in_machine_code_is_stopped(
        self, make_backend: Callable[[int], Any], base: ICandleRepository, service: Any
    ) -> None:
        if not self.stops_hangs:
            pytest.skip("this backend does not claim to stop hung symbols")
        bad = base.symbols()[6]
        repo = ContractFaults(base, {bad: "hang"})
        self.check(
            self.run(make_backend, repo, service), base, service, {bad: "Processing timeout"}
        )
