"""Overlap kernels: TA-Lib parity on real data, hand cases, the NaN re-seed rule, bounds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

import candlescan
from candlescan.kernels import overlap as k
from tests.reference import overlap as ref

F64 = npt.NDArray[np.float64]


def _ohlcv(shared_data: Path, symbol: str = "AAPL") -> dict[str, F64]:
    rows = np.genfromtxt(
        shared_data / "ohlcv" / f"{symbol}.csv",
        delimiter=",",
        skip_header=1,
        usecols=(1, 2, 3, 4, 5),
    )
    return {
        name: rows[:, i].copy() for i, name in enumerate(("open", "high", "low", "close", "volume"))
    }


def assert_same(actual: F64, expected: F64, rtol: float = 1e-9) -> None:
    """Same NaN positions, values within ``rtol`` relative (absolute near zero)."""
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-12, equal_nan=True)


def _with_gap(x: F64, at: int) -> F64:
    y = x.copy()
    y[at] = np.nan
    return y


# --- sma / ema --------------------------------------------------------------------------


def test_sma_hand_case() -> None:
    out = k.sma(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), 3)
    assert_same(out, np.array([np.nan, np.nan, 2.0, 3.0, 4.0]))


def test_ema_hand_case() -> None:
    # seed mean(1,2,3) = 2, k = 0.5: 2 + 0.5*(4-2) = 3, 3 + 0.5*(8-3) = 5.5
    out = k.ema(np.array([1.0, 2.0, 3.0, 4.0, 8.0]), 3)
    assert_same(out, np.array([np.nan, np.nan, 2.0, 3.0, 5.5]))


@pytest.mark.parametrize("name", ["sma", "ema"])
@pytest.mark.parametrize("period", [2, 5, 30, 200])
def test_sma_ema_match_talib(shared_data: Path, name: str, period: int) -> None:
    talib = pytest.importorskip("talib")
    close = _ohlcv(shared_data)["close"]
    assert_same(getattr(k, name)(close, period), getattr(talib, name.upper())(close, period))


@pytest.mark.parametrize("name", ["sma", "ema"])
def test_sma_ema_match_twin(name: str) -> None:
    x = np.random.default_rng(1).normal(100, 5, 300)
    x[[0, 1, 50, 51, 120, 299]] = np.nan
    assert_same(getattr(k, name)(x, 10), getattr(ref, name)(x, 10))


@pytest.mark.parametrize("name", ["sma", "ema"])
def test_interior_nan_reseeds(name: str) -> None:
    x = np.arange(1.0, 61.0)
    y = _with_gap(x, 20)
    out = getattr(k, name)(y, 5)
    assert np.isnan(out[20:25]).all()  # the NaN bar and a fresh warm-up of 4 bars
    # after the gap the kernel equals itself on the clean tail: re-seeded like a new series
    assert_same(out[21:], getattr(k, name)(x[21:], 5))
    assert_same(out[:20], getattr(k, name)(x[:20], 5))


def test_leading_nans_shift_warmup_like_talib() -> None:
    talib = pytest.importorskip("talib")
    x = np.r_[np.full(5, np.nan), np.linspace(1.0, 2.0, 40)]
    assert_same(k.sma(x, 14), talib.SMA(x, 14))
    assert_same(k.ema(x, 14), talib.EMA(x, 14))


@pytest.mark.parametrize("name", ["sma", "ema"])
def test_flat_prices_give_the_price(name: str) -> None:
    out = getattr(k, name)(np.full(50, 7.25), 10)
    assert np.all(out[9:] == 7.25)


@pytest.mark.parametrize("name", ["sma", "ema"])
@pytest.mark.parametrize("bad", [0, -3, 100_001, 2.5])
def test_timeperiod_bounds(name: str, bad: float) -> None:
    with pytest.raises(candlescan.InvalidParameterError, match="timeperiod"):
        getattr(k, name)(np.ones(10), bad)


def test_short_input_is_all_nan() -> None:
    assert np.isnan(k.sma(np.ones(3), 5)).all()
    assert np.isnan(k.ema(np.ones(3), 5)).all()
    assert len(k.sma(np.array([]), 5)) == 0
