"""The one registry of kernel cases that feeds the generic tests and the benchmarks.

Every kernel in :func:`candlescan.kernels.all_kernels` gets a :class:`Case`, built from its
``info`` alone (numbagg's ``COMPARISONS``, bottleneck's ``get_functions``): how to build
its inputs from an :class:`Ohlcv`, its default parameters, the range random parameters
are drawn from, its naive twin (``tests/reference/<family>.py``) and its TA-Lib namesake.
Nothing here lists kernels by hand except the few documented exceptions below.

Inputs are filled by name: ``open``/``high``/``low``/``close``/``volume`` from those
columns, ``real`` and ``real0`` from ``close``, ``real1`` from a second series correlated
with it (for ``beta``/``correl``), ``periods`` from a deterministic series of periods
(TA-Lib's ``MAVP``). Any other input name needs an entry in :data:`EXTRA_INPUTS`.
"""

from __future__ import annotations

import csv
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from candlescan.kernels import Kernel, all_kernels
from tests.reference import family_of, reference_for

__all__ = [
    "EXTRA_INPUTS",
    "INT_WINDOW_CAP",
    "NAN_RULE_EXCEPTIONS",
    "NOT_TALIB",
    "POSITION_OUTPUTS",
    "POSITION_PARAMS",
    "TALIB_DEVIATIONS",
    "TWIN_EXCLUSIONS",
    "Case",
    "Ohlcv",
    "ParamRange",
    "all_cases",
    "as_outputs",
    "case",
    "real_ohlcv",
    "synthetic_ohlcv",
]

F64 = npt.NDArray[np.float64]
Params = dict[str, int | float]

#: Random integer parameters are drawn from ``[low, min(high, low + INT_WINDOW_CAP)]``:
#: windows stay small next to the <= 300-bar series the property tests use.
INT_WINDOW_CAP = 30

#: Kernels whose TA-Lib namesake is a *different* indicator, with the reason. A kernel
#: listed here is not compared with TA-Lib; every other namesake is.
NOT_TALIB: dict[str, str] = {}

#: Kernels whose outputs are bar positions counted from the start of the input (TA-Lib's
#: ``MAXINDEX`` family): on a slice starting at bar ``k`` they are ``k`` lower.
POSITION_OUTPUTS: dict[str, str] = {
    "maxindex": "index of the window's highest value, from the start of the input",
    "minindex": "index of the window's lowest value, from the start of the input",
    "minmaxindex": "indices of the window's lowest and highest values",
}

#: Kernels whose params are bar positions (a slice starting at bar ``k`` shifts them).
POSITION_PARAMS: dict[str, tuple[str, ...]] = {
    "avwap": ("anchor",),
}

#: Documented, deliberate departures from TA-Lib for some params: kernel -> (does it apply
#: to these params?, why). Parity tests draw other params instead.
TALIB_DEVIATIONS: dict[str, tuple[Callable[[Mapping[str, int | float]], bool], str]] = {
    "stochrsi": (
        lambda p: p["fastk_period"] == 1,
        "a 1-bar %K window is always flat: TA-Lib returns 0, the kernel its documented "
        "neutral 50 (the project's 0/0 rule)",
    ),
}

#: Params where the naive twin is not a trustworthy reference: kernel -> (applies to these
#: params?, why). Twin tests draw other params; TA-Lib parity still covers these.
TWIN_EXCLUSIONS: dict[str, tuple[Callable[[Mapping[str, int | float]], bool], str]] = {
    "stochrsi": (
        lambda p: p["fastd_matype"] == 7,
        "MAMA of a %K with flat stretches: the naive MAMA twin's Hilbert phase goes its own "
        "way on such input (e.g. 57.098 vs 57.018 at timeperiod=2, fastk_period=20), while "
        "the kernel equals talib.STOCHRSI exactly there (checked). KAMA needed an exclusion "
        "too until its flat-window sum was made exact (b27f141)",
    ),
}

#: Kernels that document a different NaN rule than "NaN at the NaN bar, then a fresh start"
#: (they still match their twin on data with missing bars).
NAN_RULE_EXCEPTIONS: dict[str, str] = {
    "shift": "a pure delay: a NaN moves along with the data, nothing needs re-seeding",
}

#: Builders for inputs that are not price columns, per input name (see module docstring).
EXTRA_INPUTS: dict[str, Callable[[Ohlcv], F64]] = {}


# --- data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ohlcv:
    """Five aligned float64 columns plus ``other``, a second series correlated with close."""

    open: F64
    high: F64
    low: F64
    close: F64
    volume: F64
    other: F64
    label: str = "synthetic"

    def __len__(self) -> int:
        return len(self.close)

    def columns(self) -> dict[str, F64]:
        return {
            "open": self.open,
            "high": self.high,
            "low": self.low,
            "close": self.close,
            "volume": self.volume,
            "other": self.other,
        }

    def slice(self, start: int | None = None, stop: int | None = None) -> Ohlcv:
        """Bars ``[start:stop]`` (copies, so kernels never share memory with the original)."""
        cut = {name: column[start:stop].copy() for name, column in self.columns().items()}
        return self._with(cut)

    def with_nan_bars(self, bars: npt.ArrayLike) -> Ohlcv:
        """A copy where every column is NaN at ``bars`` (missing bars, e.g. a halt)."""
        index = np.asarray(bars, dtype=np.intp)
        columns: dict[str, F64] = {}
        for name, column in self.columns().items():
            copy = column.copy()
            copy[index] = np.nan
            columns[name] = copy
        return self._with(columns)

    def _with(self, c: Mapping[str, F64]) -> Ohlcv:
        return Ohlcv(
            c["open"], c["high"], c["low"], c["close"], c["volume"], c["other"], self.label
        )


def synthetic_ohlcv(n: int, seed: int = 0, *, moving_closes: bool = False) -> Ohlcv:
    """Deterministic, realistic daily bars: positive, cent-rounded, ``low < high``.

    The log price is a random walk (1.5 % daily) minus its trailing 250-bar mean, so
    prices stay near 100 even for 10^6 bars instead of drifting to 0 or infinity.
    Prices are rounded to cents like real quotes, which makes ties happen (as in the
    real data), and high/low always bracket open and close with a positive spread.

    ``moving_closes=True`` nudges every close that equals the previous one by a cent.
    An unchanged close can make a window "flat" (two equal RSIs for STOCHRSI), where
    TA-Lib returns 0 and the kernels the project's documented neutral value, so the
    TA-Lib parity tests use it; the twin tests keep the unchanged closes.
    """
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0, 0.015, n)
    log_close = _detrend(np.cumsum(steps))
    close = np.round(100.0 * np.exp(log_close), 2)
    while moving_closes and n > 1:
        same = np.flatnonzero(close[1:] == close[:-1]) + 1
        if same.size == 0:
            break
        close[same] = np.round(close[same] + 0.01, 2)
    gap = np.exp(rng.normal(0.0, 0.004, n))
    open_ = np.round(np.concatenate(([100.0], close[:-1])) * gap, 2)[:n]
    top = np.maximum(open_, close)
    bottom = np.minimum(open_, close)
    high = np.round(top * (1.0 + 0.002 + np.abs(rng.normal(0.0, 0.006, n))), 2)
    low = np.round(bottom * (1.0 - 0.002 - np.abs(rng.normal(0.0, 0.006, n))), 2)
    high = np.maximum(high, top + 0.01)
    low = np.minimum(low, bottom - 0.01)
    volume = np.round(rng.lognormal(13.0, 0.5, n))
    # A second asset, correlated 0.7 with the first (for beta / correl).
    partner = 0.7 * steps + math.sqrt(1.0 - 0.7**2) * rng.normal(0.0, 0.015, n)
    other = np.round(50.0 * np.exp(_detrend(np.cumsum(partner))), 2)
    label = f"synthetic(n={n}, seed={seed}{', moving closes' if moving_closes else ''})"
    return Ohlcv(open_, high, low, close, volume, other, label=label)


def _detrend(walk: F64, window: int = 250) -> F64:
    """``walk`` minus its trailing mean over ``window`` bars (cumulative-sum trick)."""
    sums = np.cumsum(np.concatenate(([0.0], walk)))
    counts = np.minimum(np.arange(1, len(walk) + 1), window)
    starts = np.arange(1, len(walk) + 1) - counts
    trailing_mean = (sums[1:] - sums[starts]) / counts
    detrended: F64 = walk - trailing_mean
    return detrended


def real_ohlcv(data_dir: Path, symbol: str, partner: str = "MSFT") -> Ohlcv:
    """Real daily bars of ``symbol`` from ``shared/data/ohlcv``; ``other`` is ``partner``'s close.

    The partner's closes are aligned on dates (the symbol's dates missing from the
    partner's file are filled with the previous close).
    """
    dates, rows = _read_csv(data_dir / "ohlcv" / f"{symbol}.csv")
    partner_dates, partner_rows = _read_csv(data_dir / "ohlcv" / f"{partner}.csv")
    by_date = dict(zip(partner_dates, partner_rows[:, 3], strict=True))
    other = np.empty(len(dates))
    last = float(partner_rows[0, 3])
    for i, date in enumerate(dates):
        last = by_date.get(date, last)
        other[i] = last
    return Ohlcv(
        rows[:, 0].copy(),
        rows[:, 1].copy(),
        rows[:, 2].copy(),
        rows[:, 3].copy(),
        rows[:, 4].copy(),
        other,
        label=symbol,
    )


@functools.lru_cache(maxsize=32)
def _read_csv(path: Path) -> tuple[tuple[str, ...], F64]:
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        if header[:6] != ["date", "open", "high", "low", "close", "volume"]:
            raise ValueError(f"{path}: unexpected header {header}")
        dates: list[str] = []
        values: list[list[float]] = []
        for row in reader:
            dates.append(row[0])
            values.append([float(cell) for cell in row[1:6]])
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = False  # cached: callers copy
    return tuple(dates), array


def _periods(data: Ohlcv) -> F64:
    # MAVP's per-bar periods: 2..30, varying with the data but deterministic.
    return np.asarray(2.0 + np.floor(np.abs(data.close * 100.0)) % 29.0, dtype=np.float64)


_INPUTS: Mapping[str, Callable[[Ohlcv], F64]] = {
    "open": lambda d: d.open,
    "high": lambda d: d.high,
    "low": lambda d: d.low,
    "close": lambda d: d.close,
    "volume": lambda d: d.volume,
    "real": lambda d: d.close,
    "real0": lambda d: d.close,
    "real1": lambda d: d.other,
    "periods": _periods,
}


# --- cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParamRange:
    """Where random values of one parameter are drawn from (inclusive)."""

    name: str
    kind: str  # "int" or "float"
    low: int | float
    high: int | float


@dataclass(frozen=True)
class Case:
    """Everything the generic harness needs to call one kernel three ways."""

    name: str
    family: str
    kernel: Kernel
    reference: Callable[..., Any] | None
    talib_name: str | None
    defaults: Params
    space: tuple[ParamRange, ...] = field(default=())
    talib_params: tuple[str, ...] = ()

    @property
    def extension_params(self) -> tuple[str, ...]:
        """Our params that the TA-Lib namesake lacks (held at their defaults against it)."""
        if self.talib_name is None:
            return ()
        return tuple(name for name in self.defaults if name not in self.talib_params)

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.kernel.info.inputs

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.kernel.info.outputs

    def arrays(self, data: Ohlcv) -> tuple[F64, ...]:
        """The kernel's positional inputs, built from ``data`` (fresh copies)."""
        built = []
        for name in self.inputs:
            builder = EXTRA_INPUTS.get(name) or _INPUTS.get(name)
            if builder is None:
                raise KeyError(
                    f"kernel {self.name!r}: no builder for input {name!r}; add one to "
                    "EXTRA_INPUTS in tests/kernels/cases.py"
                )
            built.append(np.array(builder(data), dtype=np.float64))
        return tuple(built)

    def input_scale(self, data: Ohlcv) -> float:
        """Largest finite magnitude among the kernel's inputs (for comparison slack)."""
        scale = 0.0
        for array in self.arrays(data):
            finite = array[np.isfinite(array)]
            if finite.size:
                scale = max(scale, float(np.max(np.abs(finite))))
        return scale

    def talib_deviates(self, params: Mapping[str, int | float]) -> str | None:
        """Why TA-Lib's numbers are not expected for ``params`` (a documented choice)."""
        known = TALIB_DEVIATIONS.get(self.name)
        if known is not None and known[0](params):
            return known[1]
        return None

    def twin_excluded(self, params: Mapping[str, int | float]) -> str | None:
        """Why the twin is no reference for ``params`` (see TWIN_EXCLUSIONS), else None."""
        known = TWIN_EXCLUSIONS.get(self.name)
        if known is not None and known[0](params):
            return known[1]
        return None

    def lookback(self, params: Mapping[str, int | float]) -> int:
        return int(self.kernel.lookback(**params))

    def run(self, data: Ohlcv, params: Mapping[str, int | float]) -> tuple[F64, ...]:
        """Our kernel's outputs, always as a tuple."""
        return as_outputs(self.kernel(*self.arrays(data), **params))

    def run_reference(self, data: Ohlcv, params: Mapping[str, int | float]) -> tuple[F64, ...]:
        """The naive twin's outputs, always as a tuple."""
        if self.reference is None:
            raise LookupError(f"kernel {self.name!r} has no twin in tests/reference/")
        return as_outputs(self.reference(*self.arrays(data), **params))

    def talib_function(self) -> Callable[..., Any]:
        """TA-Lib's function of the same name (imports ``talib``)."""
        import talib

        if self.talib_name is None:
            raise LookupError(f"kernel {self.name!r} has no TA-Lib namesake")
        function: Callable[..., Any] = getattr(talib, self.talib_name)
        return function

    def run_talib(self, data: Ohlcv, params: Mapping[str, int | float]) -> tuple[F64, ...]:
        """TA-Lib's outputs as float64; integer outputs get NaN over their warm-up.

        TA-Lib fills the warm-up of integer outputs (``MAXINDEX``, ``CDL*``) with 0, which
        a float kernel writes as NaN; everything after the warm-up must still agree.
        """
        for name in self.extension_params:
            if params.get(name, self.defaults[name]) != self.defaults[name]:
                raise ValueError(f"talib.{self.talib_name} has no {name!r}; keep its default")
        known = {name: value for name, value in params.items() if name in self.talib_params}
        raw = as_outputs(self.talib_function()(*self.arrays(data), **known))
        lookback = self.lookback(params)
        outputs = []
        for output in raw:
            converted = np.asarray(output, dtype=np.float64)
            if not np.issubdtype(np.asarray(output).dtype, np.floating):
                converted = converted.copy()
                converted[: min(lookback, len(converted))] = np.nan
            outputs.append(converted)
        return tuple(outputs)


def as_outputs(result: object) -> tuple[F64, ...]:
    """A kernel result (one array or a tuple of arrays) as a tuple of arrays."""
    if isinstance(result, tuple):
        return tuple(np.asarray(item) for item in result)
    return (np.asarray(result),)


def _space(kernel: Kernel) -> tuple[ParamRange, ...]:
    ranges = []
    for spec in kernel.info.params:
        if spec.kind == "int":
            low = math.ceil(spec.low)
            high = int(min(spec.high, low + INT_WINDOW_CAP))
            ranges.append(ParamRange(spec.name, "int", low, high))
        else:
            # Multipliers (nbdev, acceleration, vfactor ...): a band around the default,
            # clipped to the bounds (TA-Lib's float bounds are often +-3e37).
            scale = max(abs(float(spec.default)), 1.0)
            low_f = max(spec.low, float(spec.default) - 2.0 * scale)
            high_f = min(spec.high, float(spec.default) + 2.0 * scale)
            ranges.append(ParamRange(spec.name, "float", low_f, high_f))
    return tuple(ranges)


def _talib_info(name: str) -> tuple[str | None, tuple[str, ...]]:
    """``(TA-Lib name, its parameter names)``, or ``(None, ())`` without a namesake."""
    if name in NOT_TALIB:
        return None, ()
    try:
        import talib
        from talib import abstract
    except ImportError:
        return None, ()
    upper = name.upper()
    if upper not in set(talib.get_functions()):  # type: ignore[no-untyped-call]
        return None, ()
    info: dict[str, Any] = abstract.Function(upper).info  # type: ignore[attr-defined]
    return upper, tuple(info["parameters"])


def all_cases() -> dict[str, Case]:
    """A :class:`Case` for every registered kernel, in registry order."""
    cases = {}
    for name, kernel in all_kernels().items():
        talib_name, talib_params = _talib_info(name)
        cases[name] = Case(
            name=name,
            family=family_of(name),
            kernel=kernel,
            reference=reference_for(name),
            talib_name=talib_name,
            talib_params=talib_params,
            defaults={spec.name: spec.default for spec in kernel.info.params},
            space=_space(kernel),
        )
    return cases


def case(name: str) -> Case:
    """The :class:`Case` of one kernel."""
    return all_cases()[name]
