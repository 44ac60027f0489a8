"""``IndicatorPluginContract``: the checks every indicator plugin must pass."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from candlescan.registry import PluginRegistry
from candlescan.registry.refs import reference_of, resolve
from candlescan.registry.specs import PRICE_INPUTS, IndicatorSpec

__all__ = ["IndicatorPluginContract", "indicator_specs_of", "random_ohlcv"]


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
