"""Bands and price channels (bbands, midpoint, midprice, sar): TA-Lib parity, the
StockCharts fixtures, hand-derived cases, flat prices and the NaN rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import candlescan
from candlescan.kernels import bands as k
from tests.kernels.test_overlap import _fixture, _ohlcv, _walk, assert_same
from tests.reference import bands as ref

# --- TA-Lib parity on a real symbol ---------------------------------------------------------


@pytest.mark.talib
@pytest.mark.parametrize("matype", range(14))
@pytest.mark.parametrize("period", [2, 10, 21])
def test_bbands_every_matype_matches_talib(shared_data: Path, matype: int, period: int) -> None:
    talib = pytest.importorskip("talib")
    close = _ohlcv(shared_data, "MSFT")["close"]
    ours = k.bbands(close, period, 2.0, 1.5, matype)
    theirs = talib.BBANDS(close, period, 2.0, 1.5, matype)
    for a, b in zip(ours, theirs, strict=True):
        assert_same(a, b)
    assert k.bbands.lookback(timeperiod=period, matype=matype) == np.isnan(theirs[0]).sum()


@pytest.mark.talib
def test_midpoint_midprice_sar_match_talib(shared_data: Path) -> None:
    talib = pytest.importorskip("talib")
    bars = _ohlcv(shared_data, "XOM")
    high, low, close = bars["high"], bars["low"], bars["close"]
    for period in (2, 14, 50):
        assert_same(k.midpoint(close, period), talib.MIDPOINT(close, period))
        assert_same(k.midprice(high, low, period), talib.MIDPRICE(high, low, period))
    for accel, maximum in [(0.02, 0.2), (0.01, 0.1), (0.05, 0.5), (0.3, 0.2), (0.0, 0.2)]:
        assert_same(k.sar(high, low, accel, maximum), talib.SAR(high, low, accel, maximum))


@pytest.mark.talib
@pytest.mark.parametrize("period", [4, 10])
def test_bbands_no_drift_on_a_long_series(period: int) -> None:
    # 3e5 bars of a random walk: the running sums must still agree with TA-Lib to 1e-9.
    talib = pytest.importorskip("talib")
    rng = np.random.default_rng(7)
    x = np.abs(50 + np.cumsum(rng.normal(0, 0.5, 300_000))) + 10
    for a, b in zip(k.bbands(x, period), talib.BBANDS(x, period), strict=True):
        assert_same(a, b)


@pytest.mark.talib
@pytest.mark.parametrize("period", [2, 3, 14, 30])
def test_window_extremes_match_talib_on_a_long_series(period: int) -> None:
    # Block boundaries at every offset, runs of ties (cent-rounded prices).
    talib = pytest.importorskip("talib")
    high, low, close = _walk(20_000, seed=11)
    high, low, close = np.round(high, 1), np.round(low, 1), np.round(close, 1)
    assert_same(k.midpoint(close, period), talib.MIDPOINT(close, period), rtol=0)
    assert_same(k.midprice(high, low, period), talib.MIDPRICE(high, low, period), rtol=0)


# --- StockCharts fixtures and hand-derived cases ------------------------------------------


def test_bbands_fixture(shared_data: Path) -> None:
    df = _fixture(shared_data, "cs-bbands.csv")
    upper, middle, lower = k.bbands(df["Close"].to_numpy(), 20, 2.0, 2.0, 0)
    rows = slice(19, None)
    np.testing.assert_allclose(middle[rows], df["MiddleBand"][rows], atol=1e-5)
    np.testing.assert_allclose(upper[rows], df["HighBand"][rows], atol=1e-5)
    np.testing.assert_allclose(lower[rows], df["LowBand"][rows], atol=1e-5)
    assert np.isnan(middle[:19]).all()


def test_sar_fixture_after_startup(shared_data: Path) -> None:
    # The fixture's start-up rule differs for 8 rows (README); from row 8 on they agree.
    df = _fixture(shared_data, "cs-psar.csv")
    out = k.sar(df["High"].to_numpy(), df["Low"].to_numpy(), 0.02, 0.2)
    expected = df["psar_up"].fillna(df["psar_down"]).to_numpy()
    np.testing.assert_allclose(out[8:], expected[8:], atol=1e-4)


def test_bbands_hand_case() -> None:
    upper, middle, lower = k.bbands(np.array([1.0, 2.0, 3.0, 4.0]), 4, 2.0, 1.0, 0)
    sd = np.sqrt(1.25)  # population std of 1, 2, 3, 4
    assert_same(middle, [np.nan] * 3 + [2.5])
    assert_same(upper, [np.nan] * 3 + [2.5 + 2 * sd])
    assert_same(lower, [np.nan] * 3 + [2.5 - sd])


def test_midprice_and_sar_hand_cases() -> None:
    high = np.array([10.0, 11.0, 12.0, 13.0])
    low = np.array([9.0, 10.0, 11.0, 8.0])
    assert_same(k.midprice(high, low, 2), [np.nan, 10.0, 11.0, 10.5])
    # Long from bar 1 (low did not fall): sar = low[0] = 9, ep = high[1] = 11. After bar 1:
    # 9 + 0.02*(11-9) = 9.04. Bar 2 is a new high (ep 12, af 0.04): 9.04 + 0.04*(12-9.04)
    # = 9.1584. Bar 3's low 8 <= 9.1584: reverse to short at max(ep 12, highs 12, 13) = 13.
    assert_same(k.sar(high, low), [np.nan, 9.0, 9.04, 13.0])


def test_flat_prices_collapse_the_bands() -> None:
    upper, middle, lower = k.bbands(np.full(60, 42.5), 20)
    np.testing.assert_array_equal(upper[19:], 42.5)
    np.testing.assert_array_equal(lower[19:], 42.5)
    assert np.isnan(middle[:19]).all()


@pytest.mark.parametrize("matype", [0, 1])
def test_flat_stretch_inside_a_series_has_zero_width(matype: int) -> None:
    # Running sums leave rounding residue on a flat window that is not aligned with
    # their re-centring; sqrt would turn it into a ~1e-7 width. TA-Lib 0.8 gives 0.
    rng = np.random.default_rng(3)
    x = np.round(100 + np.cumsum(rng.normal(0, 1, 200)), 2)
    x[57:97] = x[57]  # 40 equal closes, not aligned with any multiple of the period
    upper, middle, lower = k.bbands(x, 20, 2.0, 2.0, matype)
    inside = slice(57 + 19, 97)
    np.testing.assert_array_equal(upper[inside], middle[inside])
    np.testing.assert_array_equal(lower[inside], middle[inside])
    assert (upper[100:] > middle[100:]).all()


@pytest.mark.parametrize("name", ["midprice", "sar"])
def test_high_low_kernels_reseed_after_a_nan_in_either_input(name: str) -> None:
    high, low, _ = _walk(200)
    h = high.copy()
    h[80] = np.nan
    out = getattr(k, name)(h, low)
    tail = getattr(k, name)(high[81:], low[81:])
    assert np.isnan(out[80])
    assert_same(out[81:], tail)
    assert_same(out[:80], getattr(k, name)(high[:80], low[:80]))


@pytest.mark.parametrize("period", [2, 5])
def test_flat_prices_give_the_price(period: int) -> None:
    out = k.midpoint(np.full(200, 7.25), period)
    assert np.isnan(out[: period - 1]).all()
    np.testing.assert_array_equal(out[period - 1 :], 7.25)


@pytest.mark.parametrize(
    ("name", "params"),
    [("bbands", {"timeperiod": 5, "matype": 1}), ("midpoint", {"timeperiod": 5})],
)
def test_interior_nan_reseeds_like_a_new_series(name: str, params: dict[str, Any]) -> None:
    _, _, x = _walk(300)
    gap = 120
    y = x.copy()
    y[gap] = np.nan
    kernel = getattr(k, name)
    lookback = kernel.lookback(**params)
    outs = kernel(y, **params)
    heads = kernel(x[:gap], **params)
    tails = kernel(x[gap + 1 :], **params)
    if not isinstance(outs, tuple):
        outs, heads, tails = (outs,), (heads,), (tails,)
    for out, head, tail in zip(outs, heads, tails, strict=True):
        assert np.isnan(out[gap : gap + 1 + lookback]).all()  # the NaN bar and a fresh warm-up
        assert_same(out[:gap], head)  # nothing before the gap changes
        assert_same(out[gap + 1 :], tail)  # after it: exactly a new series
        assert not np.isnan(out[-1])


@pytest.mark.parametrize(
    ("name", "args"),
    [("bbands", (5, 2.0, 1.0, 2)), ("bbands", (7, 1.5, 2.5, 0)), ("midpoint", (5,))],
)
def test_matches_naive_twin_with_gaps(name: str, args: tuple[Any, ...]) -> None:
    _, _, x = _walk(300, seed=4)
    x[[0, 1, 60, 61, 62, 200]] = np.nan
    ours = getattr(k, name)(x, *args)
    theirs = getattr(ref, name)(x, *args)
    if not isinstance(ours, tuple):
        ours, theirs = (ours,), (theirs,)
    for a, b in zip(ours, theirs, strict=True):
        assert_same(a, b)


@pytest.mark.parametrize("name", ["midprice", "sar"])
def test_high_low_twins_with_gaps(name: str) -> None:
    high, low, _ = _walk(300, seed=5)
    high[[3, 90, 91]] = np.nan
    low[[150, 220]] = np.nan
    assert_same(getattr(k, name)(high, low), getattr(ref, name)(high, low))


@pytest.mark.parametrize(
    ("name", "params", "bad"),
    [
        ("bbands", {"timeperiod": 1}, "timeperiod"),
        ("bbands", {"matype": 20}, "matype"),
        ("midpoint", {"timeperiod": 1}, "timeperiod"),
        ("sar", {"acceleration": -0.1}, "acceleration"),
    ],
)
def test_out_of_range_parameters_raise(name: str, params: dict[str, Any], bad: str) -> None:
    high, low, close = _walk(50)
    args = (high, low) if name == "sar" else (close,)
    with pytest.raises(candlescan.InvalidParameterError, match=bad):
        getattr(k, name)(*args, **params)


def test_short_and_empty_inputs_are_all_nan() -> None:
    assert np.isnan(k.sar(np.ones(1), np.ones(1))).all()
    assert all(np.isnan(band).all() for band in k.bbands(np.ones(4), 5))
    assert np.isnan(k.midpoint(np.ones(3), 5)).all()
    assert len(k.midprice(np.array([]), np.array([]), 5)) == 0
