"""Contract test suites for third-party plugin authors.

Subclass a contract in your own test module (its name must start with ``Test`` so pytest
collects it) and provide the fixture it asks for; every check below then runs against
your plugin. This is how candlescan tests its own built-in sources and indicators.

Data source::

    import pytest
    from candlescan.testing import DataSourceContract

    class TestMySource(DataSourceContract):
        known_symbol = "AAPL"          # optional; default: the first symbol

        @pytest.fixture
        def repository(self):
            return MyRepository("/data/daily")

Indicator plugin::

    from candlescan.testing import IndicatorPluginContract
    import my_package.plugin

    class TestMyIndicators(IndicatorPluginContract):
        @pytest.fixture
        def plugin(self):
            return my_package.plugin   # a module or object with hook implementations

This module imports :mod:`pytest`, a test-time dependency that candlescan itself does
not need; import it only from tests.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from candlescan.data.repository import ICandleRepository
from candlescan.data.resample import resample
from candlescan.entities import PRICE_COLUMNS, Candles, DateRange, Timeframe
from candlescan.errors import SymbolNotFoundError
from candlescan.registry import PluginRegistry
from candlescan.registry.refs import reference_of, resolve
from candlescan.registry.specs import PRICE_INPUTS, IndicatorSpec

__all__ = ["DataSourceContract", "IndicatorPluginContract", "indicator_specs_of", "random_ohlcv"]
from candlescan._backend_contract import BackendContract as BackendContract

#: Coarser timeframes the contract asks for, beside the one under test. Each nests in the
#: one under test (its buckets are unions of whole buckets), so resampling the bars under
#: test gives the same result as resampling the source's native bars (weeks do not nest
#: in months, hence no 1w -> 1mo check).
_SERVED_FROM: dict[Timeframe, tuple[Timeframe, ...]] = {
    Timeframe.M1: (Timeframe.M5, Timeframe.H1),
    Timeframe.M5: (Timeframe.M15, Timeframe.H1),
    Timeframe.H1: (Timeframe.H4, Timeframe.D1),
    Timeframe.D1: (Timeframe.W1, Timeframe.MO1),
}

# --- data sources ------------------------------------------------------------------------


class DataSourceContract:
    """Checks every promise of :class:`~candlescan.ICandleRepository`.

    Provide a ``repository`` fixture. Optionally set :attr:`known_symbol` (a symbol with
    at least a handful of bars inside :attr:`full_range`), :attr:`unknown_symbol`,
    :attr:`timeframe` (a timeframe the source serves natively) and :attr:`full_range`.
    """

    #: A symbol the source serves; ``None`` means the first of ``repository.symbols()``.
    known_symbol: str | None = None
    #: A symbol the source must not know.
    unknown_symbol: str = "NO-SUCH-SYMBOL-ZZ9"
    #: A timeframe the source serves.
    timeframe: Timeframe = Timeframe.D1
    #: A range holding all (or most) of the known symbol's bars.
    full_range: DateRange = DateRange(date(1900, 1, 1), date(2199, 12, 31))
    #: Fields the source must report for the known symbol (e.g. ``{"sector": "Energy"}``);
    #: ``None`` checks only the shape of :meth:`~candlescan.ICandleRepository.symbol_metadata`.
    expected_metadata: dict[str, str] | None = None

    # --- fixtures -------------------------------------------------------------------------

    @pytest.fixture
    def repository(self) -> ICandleRepository:
        """The repository under test: override this fixture in your subclass."""
        pytest.fail(f"{type(self).__name__} must define a 'repository' fixture")

    @pytest.fixture
    def symbol(self, repository: ICandleRepository) -> str:
        """The symbol the checks load."""
        if self.known_symbol is not None:
            return self.known_symbol
        symbols = repository.symbols()
        assert symbols, "the repository lists no symbols; set known_symbol"
        return symbols[0]

    @pytest.fixture
    def full(self, repository: ICandleRepository, symbol: str) -> Candles:
        """All bars of ``symbol`` inside :attr:`full_range`."""
        candles = repository.get_candles(symbol, self.timeframe, self.full_range)
        assert len(candles) >= 2, f"{symbol!r} needs at least 2 bars in {self.full_range}"
        return candles

    def _later_range(self, full: Candles) -> tuple[DateRange, npt.NDArray[np.bool_]]:
        """A sub-range starting mid-history, and the mask of ``full`` bars inside it."""
        days = full.timestamps.astype("datetime64[D]")
        start = days[len(days) // 2].item()
        end = days[max(len(days) // 2, (3 * len(days)) // 4)].item()
        date_range = DateRange(start, end)
        inside = (full.timestamps >= date_range.start64) & (full.timestamps < date_range.stop64)
        return date_range, inside

    # --- the interface --------------------------------------------------------------------

    def test_is_a_repository(self, repository: ICandleRepository) -> None:
        assert isinstance(repository, ICandleRepository)
        description = repository.describe()
        assert isinstance(description, str) and description.strip()

    def test_symbol_metadata(self, repository: ICandleRepository, symbol: str) -> None:
        everything = repository.symbol_metadata()
        assert isinstance(everything, dict)
        assert set(everything) <= set(repository.symbols()), "metadata for unknown symbols"
        for fields in everything.values():
            assert isinstance(fields, dict)
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items())
        some = repository.symbol_metadata([symbol, self.unknown_symbol])
        assert set(some) <= {symbol}, "symbol_metadata(symbols) must keep to those symbols"
        assert some.get(symbol) == everything.get(symbol)
        if self.expected_metadata is not None:
            fields = some.get(symbol, {})
            for key, value in self.expected_metadata.items():
                assert fields.get(key) == value, f"{symbol}: {key}={fields.get(key)!r}"

    def test_symbols_are_sorted_unique_strings(
        self, repository: ICandleRepository, symbol: str
    ) -> None:
        symbols = repository.symbols()
        assert isinstance(symbols, tuple)
        assert all(isinstance(s, str) and s for s in symbols)
        assert list(symbols) == sorted(set(symbols)), "symbols() must be sorted and unique"
        assert symbol in symbols

    def test_unknown_symbol_raises_symbol_not_found(self, repository: ICandleRepository) -> None:
        with pytest.raises(SymbolNotFoundError) as info:
            repository.get_candles(self.unknown_symbol, self.timeframe, self.full_range)
        assert isinstance(info.value, KeyError)  # SymbolNotFoundError is one
        assert self.unknown_symbol in str(info.value)

    # --- what get_candles returns ---------------------------------------------------------

    def test_candles_are_kernel_ready(self, full: Candles, symbol: str) -> None:
        assert isinstance(full, Candles)
        assert full.symbol == symbol
        assert full.timestamps.dtype == np.dtype("datetime64[ns]")
        for name in PRICE_COLUMNS:
            column = full.column(name)
            assert column.dtype == np.float64, name
            assert column.ndim == 1 and len(column) == len(full), name
            assert column.flags.c_contiguous, f"{name} is not C-contiguous"
            assert column.flags.writeable, f"{name} is read-only"

    def test_candles_are_valid(self, full: Candles) -> None:
        full.validate()  # raises InvalidCandlesError: sorted, unique, high >= low, volume >= 0

    def test_bars_lie_inside_the_range(self, repository: ICandleRepository, full: Candles) -> None:
        date_range, inside = self._later_range(full)
        got = repository.get_candles(full.symbol, self.timeframe, date_range)
        assert len(got) == int(inside.sum())
        assert (got.timestamps >= date_range.start64).all()
        assert (got.timestamps < date_range.stop64).all()
        np.testing.assert_array_equal(got.timestamps, full.timestamps[inside])
        for name in PRICE_COLUMNS:
            np.testing.assert_array_equal(got.column(name), full.column(name)[inside])

    def test_warmup_bars_precede_the_range(
        self, repository: ICandleRepository, full: Candles
    ) -> None:
        date_range, inside = self._later_range(full)
        first = int(np.argmax(inside))
        stop = first + int(inside.sum())
        warmup = min(5, first)
        got = repository.get_candles(full.symbol, self.timeframe, date_range, warmup_bars=warmup)
        assert len(got) == stop - first + warmup
        np.testing.assert_array_equal(got.timestamps, full.timestamps[first - warmup : stop])
        for name in PRICE_COLUMNS:
            np.testing.assert_array_equal(
                got.column(name), full.column(name)[first - warmup : stop]
            )

    def test_warmup_is_capped_by_history(
        self, repository: ICandleRepository, full: Candles
    ) -> None:
        date_range, inside = self._later_range(full)
        stop = int(np.argmax(inside)) + int(inside.sum())
        got = repository.get_candles(
            full.symbol, self.timeframe, date_range, warmup_bars=len(full) + 1000
        )
        np.testing.assert_array_equal(got.timestamps, full.timestamps[:stop])

    def test_range_after_the_data(self, repository: ICandleRepository, full: Candles) -> None:
        last = full.timestamps[-1].astype("datetime64[D]").item()
        later = DateRange(last + timedelta(days=800), last + timedelta(days=1200))
        assert len(repository.get_candles(full.symbol, self.timeframe, later)) == 0
        got = repository.get_candles(full.symbol, self.timeframe, later, warmup_bars=2)
        np.testing.assert_array_equal(got.timestamps, full.timestamps[-2:])

    def test_returned_arrays_are_private_copies(
        self, repository: ICandleRepository, full: Candles
    ) -> None:
        expected = full.close.copy()
        mine = repository.get_candles(full.symbol, self.timeframe, self.full_range)
        mine.close[:] = -1.0
        again = repository.get_candles(full.symbol, self.timeframe, self.full_range)
        np.testing.assert_array_equal(again.close, expected)

    # --- processes ------------------------------------------------------------------------

    def test_repository_pickles(self, repository: ICandleRepository, symbol: str) -> None:
        fresh = pickle.loads(pickle.dumps(repository))
        assert type(fresh) is type(repository)
        assert fresh.symbols() == repository.symbols()
        assert fresh.describe() == repository.describe()
        a = repository.get_candles(symbol, self.timeframe, self.full_range)
        assert fresh.get_candles(symbol, self.timeframe, self.full_range) == a
        # after use (files opened, caches filled) it must still pickle, and work again
        used = pickle.loads(pickle.dumps(repository))
        assert used.get_candles(symbol, self.timeframe, self.full_range) == a

    def test_candles_pickle(self, full: Candles) -> None:
        assert pickle.loads(pickle.dumps(full)) == full

    def test_close_is_idempotent(self, repository: ICandleRepository) -> None:
        repository.close()
        repository.close()

    # --- bulk reads ----------------------------------------------------------------------

    def test_bulk_read_equals_single_reads(
        self, repository: ICandleRepository, full: Candles
    ) -> None:
        date_range, inside = self._later_range(full)
        others = [s for s in repository.symbols() if s != full.symbol][:2]
        asked = [full.symbol, self.unknown_symbol, *others]
        got = repository.get_candles_many(asked, self.timeframe, date_range, warmup_bars=3)
        assert set(got) == set(asked), "every symbol asked gets an entry"
        assert isinstance(got[self.unknown_symbol], SymbolNotFoundError), (
            "an unknown symbol fails alone, with SymbolNotFoundError"
        )
        for name in (full.symbol, *others):
            single = repository.get_candles(name, self.timeframe, date_range, warmup_bars=3)
            assert isinstance(got[name], Candles), f"{name}: {got[name]!r}"
            assert got[name] == single, f"bulk and single reads of {name} differ"
        first = int(np.argmax(inside))
        mine = got[full.symbol]
        assert isinstance(mine, Candles)
        start = max(0, first - 3)
        np.testing.assert_array_equal(
            mine.timestamps, full.timestamps[start : first + int(inside.sum())]
        )

    def test_bulk_read_of_nothing(self, repository: ICandleRepository) -> None:
        assert repository.get_candles_many([], self.timeframe, self.full_range) == {}

    # --- timeframes at the source --------------------------------------------------------

    def _coarser(self) -> list[Timeframe]:
        order = list(Timeframe)
        here = order.index(self.timeframe)
        return [tf for tf in order[here + 1 :] if tf in _SERVED_FROM.get(self.timeframe, ())]

    def test_coarser_timeframes_follow_the_resample_rules(
        self, repository: ICandleRepository, full: Candles
    ) -> None:
        """A coarser timeframe equals resampling the native bars (the documented rules)."""
        for timeframe in self._coarser():
            got = repository.get_candles(full.symbol, timeframe, self.full_range)
            assert got == resample(full, timeframe), f"{timeframe.value} bars differ"

    def test_coarser_timeframes_with_warmup(
        self, repository: ICandleRepository, full: Candles
    ) -> None:
        date_range, _ = self._later_range(full)
        for timeframe in self._coarser():
            upto = full.slice(0, int(np.searchsorted(full.timestamps, date_range.stop64)))
            whole = resample(upto, timeframe)
            first = int(np.searchsorted(whole.timestamps, date_range.start64))
            warm = min(2, first)
            got = repository.get_candles(full.symbol, timeframe, date_range, warmup_bars=warm)
            assert got == whole.slice(first - warm, len(whole)), f"{timeframe.value} window"
            many = repository.get_candles_many(
                [full.symbol], timeframe, date_range, warmup_bars=warm
            )
            assert many[full.symbol] == got


# --- indicator plugins -------------------------------------------------------------------


def random_ohlcv(bars: int, seed: int = 0) -> dict[str, npt.NDArray[np.float64]]:
    """A geometric random walk as ``{"open", "high", "low", "close", "volume"}`` arrays,
    with consistent bars (``low <= open, close <= high``)."""
    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.02, bars)))
    open_ = np.r_[100.0, close[:-1]] * np.exp(rng.normal(0.0, 0.005, bars))
    wick = np.exp(np.abs(rng.normal(0.0, 0.01, (2, bars))))
    return {
        "open": open_,
        "high": np.maximum(open_, close) * wick[0],
        "low": np.minimum(open_, close) / wick[1],
        "close": close,
        "volume": np.floor(rng.lognormal(13.0, 0.5, bars)),
    }


def indicator_specs_of(plugin: Any) -> tuple[IndicatorSpec, ...]:
    """Call ``plugin.candlescan_register_indicators()`` and check it returned a non-empty
    list of :class:`~candlescan.IndicatorSpec` (``AssertionError`` otherwise)."""
    hook = getattr(plugin, "candlescan_register_indicators", None)
    assert callable(hook), "the plugin has no candlescan_register_indicators hook"
    returned = hook()
    assert isinstance(returned, list | tuple), "the hook must return a list of specs"
    assert returned, "the hook returned no indicators"
    for spec in returned:
        assert isinstance(spec, IndicatorSpec), f"{spec!r} is not an IndicatorSpec"
    return tuple(returned)


class IndicatorPluginContract:
    """Checks an indicator plugin: registration, references, kernel outputs, warm-up.

    Provide a ``plugin`` fixture returning the module or object that implements
    ``candlescan_register_indicators``. Override :meth:`make_inputs` if an indicator
    needs special input arrays, and list in :attr:`nan_after_lookback` the indicators
    whose output may legitimately be NaN after the lookback on ordinary data (for example
    "bars since a condition", NaN until it first holds).
    """

    #: Bars of random-walk data each kernel is called with.
    bars: int = 400
    #: Seed of that data.
    seed: int = 0
    #: Indicator names exempt from "the first value after the lookback is a number".
    nan_after_lookback: frozenset[str] = frozenset()
    #: Bars compared after each cut history in the warm-up check.
    warmup_compared: int = 32
    #: Warm-ups longer than this are not checked (the data would be too long).
    warmup_checked_up_to: int = 20_000

    @pytest.fixture
    def plugin(self) -> Any:
        """The plugin under test: override this fixture in your subclass."""
        pytest.fail(f"{type(self).__name__} must define a 'plugin' fixture")

    @pytest.fixture
    def specs(self, plugin: Any) -> tuple[IndicatorSpec, ...]:
        """What the plugin's hook returns (checked by :func:`indicator_specs_of`)."""
        return indicator_specs_of(plugin)

    def make_inputs(self, spec: IndicatorSpec, bars: int) -> dict[str, npt.NDArray[np.float64]]:
        """Input arrays by input name: candle columns for price names, the close for any
        other first input and the open for any other second one (``real0``, ``real1``)."""
        data = random_ohlcv(bars, self.seed)
        inputs: dict[str, npt.NDArray[np.float64]] = {}
        others = iter(("close", "open", "high", "low", "volume"))
        for name in spec.inputs:
            inputs[name] = data[name] if name in PRICE_INPUTS else data[next(others, "close")]
        return inputs

    def _call(self, spec: IndicatorSpec, bars: int, start: int = 0) -> tuple[Any, ...]:
        """The outputs over the last ``bars - start`` of ``bars`` bars of data."""
        inputs = self.make_inputs(spec, bars)
        arrays = (inputs[name][start:].copy() for name in spec.inputs)
        result = spec.kernel()(*arrays, **spec.bind_params({}))
        outputs = result if isinstance(result, tuple) else (result,)
        assert len(outputs) == len(spec.outputs), (
            f"{spec.name}: returned {len(outputs)} arrays for outputs {spec.outputs}"
        )
        return outputs

    # --- registration ---------------------------------------------------------------------

    def test_registers_beside_the_builtins(
        self, plugin: Any, specs: tuple[IndicatorSpec, ...]
    ) -> None:
        registry = PluginRegistry(builtins=True, entrypoints=False)
        if getattr(plugin, "__name__", None) not in registry.plugin_names():
            registry.register(plugin, name="plugin-under-test")
        catalogue = registry.catalogue  # raises PluginError on clashes or bad references
        for spec in specs:
            found = catalogue.indicator(spec.name)
            assert found.kernel_ref == spec.kernel_ref
            assert found.lookback_ref == spec.lookback_ref
            assert found.warmup_ref == spec.warmup_ref

    def test_specs_pickle(self, specs: tuple[IndicatorSpec, ...]) -> None:
        assert pickle.loads(pickle.dumps(specs)) == specs

    def test_references_name_module_level_objects(self, specs: tuple[IndicatorSpec, ...]) -> None:
        for spec in specs:
            for ref in _references(spec):
                target = resolve(ref)
                assert callable(target), f"{ref} is not callable"
                assert reference_of(target) == ref, f"{ref} does not name its own target"

    def test_references_import_in_a_fresh_process(self, specs: tuple[IndicatorSpec, ...]) -> None:
        refs = sorted({ref for spec in specs for ref in _references(spec)})
        script = (
            "import sys\nfrom candlescan.registry.refs import resolve\n"
            "for ref in sys.argv[1:]:\n    assert callable(resolve(ref)), ref\n"
        )
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        done = subprocess.run(
            [sys.executable, "-c", script, *refs],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"a worker process could not import: {done.stderr[-2000:]}"

    # --- kernels --------------------------------------------------------------------------

    def test_kernels_return_float64_arrays_of_input_length(
        self, specs: tuple[IndicatorSpec, ...]
    ) -> None:
        for spec in specs:
            for name, output in zip(spec.outputs, self._call(spec, self.bars), strict=True):
                assert isinstance(output, np.ndarray), f"{spec.name}.{name} is not an array"
                assert output.dtype == np.float64, f"{spec.name}.{name} is {output.dtype}"
                assert output.shape == (self.bars,), f"{spec.name}.{name} has {output.shape}"

    def test_lookback_leading_nans(self, specs: tuple[IndicatorSpec, ...]) -> None:
        for spec in specs:
            lookback = spec.lookback()
            assert isinstance(lookback, int) and lookback >= 0, f"{spec.name}: {lookback!r}"
            if lookback >= self.bars:
                continue
            for name, output in zip(spec.outputs, self._call(spec, self.bars), strict=True):
                assert np.isnan(output[:lookback]).all(), (
                    f"{spec.name}.{name}: a value before bar {lookback} (its lookback)"
                )
                if spec.name not in self.nan_after_lookback:
                    assert not np.isnan(output[lookback]), (
                        f"{spec.name}.{name}: NaN at bar {lookback}, right after its lookback"
                    )

    def test_input_shorter_than_lookback_is_all_nan(self, specs: tuple[IndicatorSpec, ...]) -> None:
        for spec in specs:
            lookback = spec.lookback()
            if lookback == 0:
                continue
            short = min(lookback, self.bars)
            for name, output in zip(spec.outputs, self._call(spec, short), strict=True):
                assert output.shape == (short,), f"{spec.name}.{name}: {output.shape}"
                assert np.isnan(output).all(), f"{spec.name}.{name}: a value inside the lookback"

    def test_warmup_converges(self, specs: tuple[IndicatorSpec, ...]) -> None:
        """A history cut ``warmup()`` bars before a bar gives its full-history value.

        Within 1e-9 relative (or 1e-11 of the output's scale near zero) on the last
        :attr:`warmup_compared` bars. A window indicator (no ``warmup_ref``) must be exact
        at its lookback, so a recursive one that does not declare its warm-up fails here.
        """
        for spec in specs:
            warmup = spec.warmup(1e-9)
            if warmup > self.warmup_checked_up_to:
                continue  # the whole history (FULL_HISTORY) or too long to check here
            bars = warmup + self.warmup_compared
            full = self._call(spec, bars + self.warmup_compared)
            cut = self._call(spec, bars + self.warmup_compared, start=self.warmup_compared)
            for name, got, want in zip(spec.outputs, cut, full, strict=True):
                problem = _not_close(got[-self.warmup_compared :], want[-self.warmup_compared :])
                assert problem is None, (
                    f"{spec.name}.{name}: over only {warmup} bars of history (its declared "
                    f"warm-up{'' if spec.warmup_ref else ', its lookback: no warmup_ref'}) "
                    f"it differs from the full history: {problem}"
                )


def _references(spec: IndicatorSpec) -> tuple[str, ...]:
    """Every ``module:qualname`` a spec names."""
    refs = (spec.kernel_ref, spec.lookback_ref, spec.warmup_ref)
    return tuple(ref for ref in refs if ref)


def _not_close(got: npt.NDArray[np.float64], want: npt.NDArray[np.float64]) -> str | None:
    """Why ``got`` is not ``want`` within 1e-9 relative (1e-11 of the scale near zero)."""
    if not np.array_equal(np.isnan(got), np.isnan(want)):
        return "NaN at other bars"
    finite = np.isfinite(want)
    scale = float(np.max(np.abs(want[finite]), initial=0.0))
    error = np.abs(got - want)
    bad = finite & (error > 1e-9 * np.abs(want) + 1e-11 * scale)
    if not bad.any():
        return None
    i = int(np.flatnonzero(bad)[0])
    return f"{int(bad.sum())} bars, first {got[i]!r} where the full history gives {want[i]!r}"
