"""Momentum kernels: fixtures, hand-derived cases, the NaN rule, flat prices, bounds, TA-Lib."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from candlescan import InvalidParameterError
from candlescan.kernels import momentum
from tests.reference import momentum as reference

F64 = npt.NDArray[np.float64]


def _ohlcv(shared_data: Path, symbol: str = "AAPL") -> pd.DataFrame:
    return pd.read_csv(shared_data / "ohlcv" / f"{symbol}.csv")


def _walk(n: int, seed: int = 0) -> F64:
    rng = np.random.default_rng(seed)
    return 100.0 + np.cumsum(rng.normal(0.0, 1.0, n))


def _assert_close(actual: F64, expected: F64, rtol: float = 1e-9) -> None:
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-12, equal_nan=True)


# --- rsi -----------------------------------------------------------------------------------


def test_rsi_hand_derived() -> None:
    # changes +1 +1 -1 +1; n=2: seed gain (1+1)/2=1, loss 0 -> 100;
    # then gain (1*1+0)/2=0.5, loss (0+1)/2=0.5 -> 50; gain (0.5+1)/2=0.75, loss 0.25 -> 75.
    out = momentum.rsi(np.array([1.0, 2.0, 3.0, 2.0, 3.0]), timeperiod=2)
    _assert_close(out, np.array([np.nan, np.nan, 100.0, 50.0, 75.0]))


def test_rsi_stockcharts_values(shared_data: Path) -> None:
    # cs-rsi.csv's own RSI column seeds the averages at 0 (pandas ewm), so it is not
    # comparable; its README lists the StockCharts/Wilder values for rows 14..19.
    close = pd.read_csv(shared_data / "reference" / "cs-rsi.csv")["Close"].to_numpy(float)
    out = momentum.rsi(close, 14)
    assert np.isnan(out[:14]).all()
    expected = [70.53, 66.32, 66.55, 69.41, 66.36, 57.97]
    np.testing.assert_allclose(out[14:20], expected, atol=0.005)


def test_rsi_flat_prices_are_neutral() -> None:
    out = momentum.rsi(np.full(30, 42.0), 14)
    assert np.isnan(out[:14]).all()
    assert (out[14:] == 50.0).all()


def test_rsi_rising_is_100() -> None:
    out = momentum.rsi(np.arange(1.0, 40.0), 14)
    assert (out[14:] == 100.0).all()


def test_rsi_nan_reseeds() -> None:
    x = _walk(80)
    x[30] = np.nan
    out = momentum.rsi(x, 5)
    np.testing.assert_array_equal(out[:30], momentum.rsi(x[:30], 5))
    assert np.isnan(out[30:36]).all()  # the NaN bar and a fresh warm-up of 5
    np.testing.assert_array_equal(out[31:], momentum.rsi(x[31:], 5))
    assert np.isfinite(out[36:]).all()
    _assert_close(out, reference.rsi(x, 5))


def test_rsi_leading_nan_matches_talib() -> None:
    talib = pytest.importorskip("talib")
    x = _walk(60)
    x[:7] = np.nan
    _assert_close(momentum.rsi(x, 9), talib.RSI(x, 9))


@pytest.mark.parametrize("value", [1, 100_001, 2.5])
def test_rsi_bounds(value: float) -> None:
    with pytest.raises(InvalidParameterError, match="timeperiod"):
        momentum.rsi(_walk(30), timeperiod=value)


def test_rsi_twin_on_random_walk_with_gaps() -> None:
    x = _walk(300, seed=3)
    x[[0, 1, 50, 51, 52, 120, 299]] = np.nan
    for period in (2, 3, 14):
        _assert_close(momentum.rsi(x, period), reference.rsi(x, period))


@pytest.mark.parametrize("period", [2, 14, 30])
def test_rsi_talib_parity_real_symbol(shared_data: Path, period: int) -> None:
    talib = pytest.importorskip("talib")
    close = _ohlcv(shared_data)["close"].to_numpy(float)
    out = momentum.rsi(close, period)
    _assert_close(out, talib.RSI(close, period))
    abstract = pytest.importorskip("talib.abstract")
    assert momentum.rsi.lookback(timeperiod=period) == abstract.Function("RSI", period).lookback
    if period == 14:
        assert out[-1] == pytest.approx(33.6822, abs=5e-5)  # data README, 2018-02-07
