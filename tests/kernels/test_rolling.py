"""Rolling kernels: TA-Lib parity, the Donchian fixture, ties, the NaN rule, bounds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

import candlescan
from candlescan.kernels import rolling as k
from tests.reference import rolling as ref

F64 = npt.NDArray[np.float64]

NAMES = ["max", "min", "sum", "maxindex", "minindex", "highest", "lowest"]
TALIB_NAME = {"highest": "MAX", "lowest": "MIN"}


def _close(shared_data: Path, symbol: str = "AAPL") -> F64:
    return np.genfromtxt(
        shared_data / "ohlcv" / f"{symbol}.csv", delimiter=",", skip_header=1, usecols=(4,)
    )


def assert_same(actual: Any, expected: Any, rtol: float = 1e-9) -> None:
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-12, equal_nan=True)


def _talib(name: str, x: F64, period: int) -> F64:
    talib = pytest.importorskip("talib")
    out = np.asarray(getattr(talib, TALIB_NAME.get(name, name.upper()))(x, period), dtype=float)
    if name.endswith("index"):
        out[: period - 1] = np.nan  # TA-Lib's int32 output has 0 in the warm-up
    return out


@pytest.mark.talib
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("period", [2, 3, 14, 252])
def test_match_talib_on_real_data(shared_data: Path, name: str, period: int) -> None:
    x = _close(shared_data)
    assert_same(getattr(k, name)(x, period), _talib(name, x, period))


@pytest.mark.talib
@pytest.mark.parametrize("name", ["maxindex", "minindex", "max", "min"])
def test_ties_and_flat_stretches_match_talib(name: str) -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        x = np.round(rng.normal(0, 1.2, 300))  # many equal values
        x[100:130] = 3.0  # and a flat stretch
        for period in (2, 3, 5, 17):
            assert_same(getattr(k, name)(x, period), _talib(name, x, period))


def test_donchian_fixture(shared_data: Path) -> None:
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(shared_data / "reference" / "cs-dc.csv")
    upper = k.highest(df["high"].to_numpy(), 20)
    lower = k.lowest(df["low"].to_numpy(), 20)
    np.testing.assert_allclose(upper[19:], df["upper_band"][19:], rtol=1e-12)
    np.testing.assert_allclose(lower[19:], df["lower_band"][19:], rtol=1e-12)
    assert np.isnan(upper[:19]).all()


def test_hand_cases() -> None:
    x = np.array([1.0, 3.0, 2.0, 3.0, 1.0, 0.0, 0.0, 5.0])
    assert_same(k.max(x, 3), [np.nan, np.nan, 3, 3, 3, 3, 1, 5])
    assert_same(k.min(x, 3), [np.nan, np.nan, 1, 2, 1, 0, 0, 0])
    assert_same(k.sum(x, 3), [np.nan, np.nan, 6, 8, 6, 4, 1, 5])
    # window [3, 2, 3] at t=3: the newer 3 (index 3) wins; [0, 0, 5]: index 7
    assert_same(k.maxindex(x, 3), [np.nan, np.nan, 1, 3, 3, 3, 4, 7])
    # [1, 0, 0] at t=6: 0 at index 5 is tracked, the equal index 6 takes over
    assert_same(k.minindex(x, 3), [np.nan, np.nan, 0, 2, 4, 5, 6, 6])


def test_highest_lowest_are_max_min() -> None:
    x = np.random.default_rng(2).normal(size=500)
    assert_same(k.highest(x, 30), k.max(x, 30))
    assert_same(k.lowest(x, 30), k.min(x, 30))
    assert k.highest.info.params == k.max.info.params


@pytest.mark.parametrize("name", NAMES)
def test_interior_nan_reseeds(name: str) -> None:
    x = np.random.default_rng(3).normal(100, 5, 200)
    y = x.copy()
    y[90] = np.nan
    out = getattr(k, name)(y, 10)
    assert np.isnan(out[90:100]).all()  # NaN bar + fresh warm-up of 9
    tail = getattr(k, name)(x[91:], 10)
    if name.endswith("index"):
        tail = tail + 91  # indices stay absolute positions in the input
    assert_same(out[91:], tail)
    assert_same(out[:90], getattr(k, name)(x[:90], 10))


@pytest.mark.parametrize("name", NAMES)
def test_match_naive_twin_with_gaps_and_ties(name: str) -> None:
    rng = np.random.default_rng(11)
    x = np.round(rng.normal(0, 2, 400))
    x[rng.integers(0, 400, 8)] = np.nan
    for period in (2, 4, 9):
        assert_same(getattr(k, name)(x, period), getattr(ref, name)(x, period))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", [1, 0, 100_001, 3.5])
def test_timeperiod_bounds(name: str, bad: float) -> None:
    with pytest.raises(candlescan.InvalidParameterError, match="timeperiod"):
        getattr(k, name)(np.ones(10), bad)


def test_flat_prices() -> None:
    x = np.full(40, 5.0)
    assert_same(k.max(x, 10)[9:], np.full(31, 5.0))
    assert_same(k.sum(x, 10)[9:], np.full(31, 50.0))
