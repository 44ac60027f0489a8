"""Trend kernels: fixtures, hand-derived cases, the NaN rule, flat prices, bounds, TA-Lib."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from candlescan import InvalidParameterError
from candlescan.kernels import trend

F64 = npt.NDArray[np.float64]

#: Each kernel with the price columns it takes, in TA-Lib order.
INPUTS: dict[str, tuple[str, ...]] = {
    "plus_dm": ("high", "low"),
    "minus_dm": ("high", "low"),
    "plus_di": ("high", "low", "close"),
    "minus_di": ("high", "low", "close"),
    "dx": ("high", "low", "close"),
    "adx": ("high", "low", "close"),
    "adxr": ("high", "low", "close"),
    "aroon": ("high", "low"),
    "aroonosc": ("high", "low"),
}
NAMES = list(INPUTS)


def _bars(shared_data: Path, symbol: str = "AAPL") -> dict[str, F64]:
    frame = pd.read_csv(shared_data / "ohlcv" / f"{symbol}.csv")
    return {k: frame[k].to_numpy(np.float64) for k in ("open", "high", "low", "close", "volume")}


def _walk(n: int, seed: int = 0) -> dict[str, F64]:
    rng = np.random.default_rng(seed)
    close = 100.0 + np.cumsum(rng.normal(0.0, 1.0, n))
    return {
        "high": close + rng.uniform(0.1, 1.0, n),
        "low": close - rng.uniform(0.1, 1.0, n),
        "close": close,
    }


def _call(name: str, bars: dict[str, F64], **params: Any) -> tuple[F64, ...]:
    result = getattr(trend, name)(*(bars[k] for k in INPUTS[name]), **params)
    return result if isinstance(result, tuple) else (result,)


def _assert_close(actual: F64, expected: F64, rtol: float = 1e-9) -> None:
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-10, equal_nan=True)


# --- fixture: cs-adx.csv (StockCharts) ---------------------------------------------------


@pytest.fixture(scope="module")
def cs_adx(shared_data: Path) -> pd.DataFrame:
    return pd.read_csv(shared_data / "reference" / "cs-adx.csv")


def test_one_bar_dm_matches_fixture(cs_adx: pd.DataFrame) -> None:
    # The +DM 1 / -DM 1 columns are the unsmoothed one-bar moves: timeperiod=1.
    high, low = cs_adx["High"].to_numpy(float), cs_adx["Low"].to_numpy(float)
    for kernel, column in ((trend.plus_dm, "+DM 1"), (trend.minus_dm, "-DM 1")):
        expected = cs_adx[column].to_numpy(float)
        _assert_close(kernel(high, low, timeperiod=1), expected, rtol=1e-6)


def test_adx_fixture_seeding_difference_then_convergence(cs_adx: pd.DataFrame) -> None:
    # README: StockCharts seeds TR14/DM14 with the sum of 14 one-bar values, TA-Lib with 13
    # values plus one Wilder step, so early rows differ; both start on the same rows (14 for
    # DI/DX, 27 for ADX) and agree to ~5e-8 on the last rows.
    high, low, close = (cs_adx[k].to_numpy(float) for k in ("High", "Low", "Close"))
    pairs = [
        (trend.plus_di(high, low, close), "+DI14"),
        (trend.minus_di(high, low, close), "-DI14"),
        (trend.dx(high, low, close), "DX"),
        (trend.adx(high, low, close), "ADX"),
    ]
    for ours, column in pairs:
        expected = cs_adx[column].to_numpy(float)
        assert np.array_equal(np.isnan(ours), np.isnan(expected)), column
        np.testing.assert_allclose(ours[-5:], expected[-5:], rtol=1e-6, err_msg=column)
    adx_ours, adx_file = pairs[3][0], cs_adx["ADX"].to_numpy(float)
    assert abs(adx_ours[27] - adx_file[27]) > 0.1  # the documented seeding difference
    np.testing.assert_allclose(adx_ours[231:], adx_file[231:], atol=1e-5)


def test_dm_seed_is_thirteen_values_then_wilder(cs_adx: pd.DataFrame) -> None:
    # TA-Lib: +DM14 at bar 13 = sum of +DM1 over bars 1..13, then S - S/14 + DM1.
    high, low = cs_adx["High"].to_numpy(float), cs_adx["Low"].to_numpy(float)
    one_bar = cs_adx["+DM 1"].to_numpy(float)
    smoothed = trend.plus_dm(high, low, 14)
    assert np.isnan(smoothed[:13]).all()
    np.testing.assert_allclose(smoothed[13], one_bar[1:14].sum(), rtol=1e-7)
    np.testing.assert_allclose(
        smoothed[14], smoothed[13] - smoothed[13] / 14 + one_bar[14], rtol=1e-7
    )
    # StockCharts' file seeds at bar 14 with 14 values instead.
    np.testing.assert_allclose(cs_adx["+DM14"][14], one_bar[1:15].sum(), rtol=1e-6)


# --- hand-derived cases -------------------------------------------------------------------


def test_plus_dm_hand_derived() -> None:
    high = np.array([10.0, 11.0, 13.0, 12.0, 14.0])
    low = np.array([9.0, 10.0, 11.0, 11.0, 12.0])
    # +DM1: bar1 up 1 > down -1 -> 1; bar2 2; bar3 up -1, down 0 -> 0; bar4 2.
    # period 3: seed bars 1..2 = 3 at bar 2; bar3 3 - 1 + 0 = 2; bar4 2 - 2/3 + 2.
    _assert_close(trend.plus_dm(high, low, 3), np.array([np.nan, np.nan, 3.0, 2.0, 10 / 3]))
    _assert_close(trend.plus_dm(high, low, 1), np.array([np.nan, 1.0, 2.0, 0.0, 2.0]))
    # -DM1 is 0 on every bar (down-moves never beat up-moves), equal moves give neither.
    _assert_close(trend.minus_dm(high, low, 1), np.array([np.nan, 0.0, 0.0, 0.0, 0.0]))


def test_steady_uptrend_reads_full_trend() -> None:
    # Each bar 1 higher, range 1, close mid-range: +DM1 = 1, -DM1 = 0, TR1 = 1.5 (gap to
    # the previous close), so +DI = 100/1.5, -DI = 0, DX = ADX = ADXR = 100.
    n, period = 60, 5
    low = np.arange(n, dtype=float)
    bars = {"high": low + 1.0, "low": low, "close": low + 0.5}
    _assert_close(_call("plus_di", bars, timeperiod=period)[0][period:], np.full(n - 5, 200 / 3))
    assert (_call("minus_di", bars, timeperiod=period)[0][period:] == 0).all()
    for name in ("dx", "adx", "adxr"):
        values = _call(name, bars, timeperiod=period)[0]
        np.testing.assert_allclose(values[~np.isnan(values)], 100.0, err_msg=name)
    down, up = trend.aroon(bars["high"], bars["low"], period)
    assert (up[period:] == 100).all() and (down[period:] == 0).all()
    assert (trend.aroonosc(bars["high"], bars["low"], period)[period:] == 100).all()


def test_plus_di_period_one_is_a_ratio() -> None:
    # TA-Lib quirk kept for parity: DI with timeperiod=1 is +DM1/TR1, not a percentage.
    high, low, close = np.array([10.0, 12.0]), np.array([9.0, 10.0]), np.array([9.5, 11.0])
    _assert_close(trend.plus_di(high, low, close, 1), np.array([np.nan, 2.0 / 2.5]))


def test_aroon_hand_derived() -> None:
    high = np.array([1.0, 3.0, 2.0, 3.0, 1.0, 0.5])
    low = np.array([0.0, 2.0, 1.0, 2.5, 0.5, 0.2])
    down, up = trend.aroon(high, low, 2)
    # bar2: window 0..2 high at 1 -> (2-1)/2 = 50; low at 0 -> 0.
    # bar3: window 1..3 highs 3,2,3 -> tie, latest (3) -> 100; lows 2,1,2.5 -> bar 2 -> 50.
    # bar4: highs 2,3,1 -> bar 3 -> 50; lows 1,2.5,0.5 -> bar 4 -> 100.
    # bar5: highs 3,1,.5 -> bar 3 -> 0; lows 2.5,.5,.2 -> bar 5 -> 100.
    _assert_close(up, np.array([np.nan, np.nan, 50.0, 100.0, 50.0, 0.0]))
    _assert_close(down, np.array([np.nan, np.nan, 0.0, 50.0, 100.0, 100.0]))
    _assert_close(trend.aroonosc(high, low, 2), up - down)


# --- flat prices (0/0) --------------------------------------------------------------------


def test_flat_prices_read_no_trend() -> None:
    flat = {"high": np.full(60, 7.0), "low": np.full(60, 7.0), "close": np.full(60, 7.0)}
    for name in ("plus_dm", "minus_dm", "plus_di", "minus_di", "dx", "adx", "adxr"):
        values = _call(name, flat)[0]
        lookback = getattr(trend, name).lookback()
        assert np.isnan(values[:lookback]).all()
        assert (values[lookback:] == 0.0).all(), name
    down, up = trend.aroon(flat["high"], flat["low"])
    assert (up[14:] == 100).all() and (down[14:] == 100).all()  # the latest bar is both
    assert (trend.aroonosc(flat["high"], flat["low"])[14:] == 0).all()


def test_halted_stock_keeps_its_last_trend_reading() -> None:
    # After movement, a long flat stretch: DM and TR decay together, so DI and DX stay at
    # their last value (and ADX converges to it); nothing jumps to 0 or 100.
    bars = _walk(200, seed=3)
    for column in bars.values():
        column[120:] = 50.0
    dx = trend.dx(bars["high"], bars["low"], bars["close"])
    np.testing.assert_allclose(dx[121:], dx[121], rtol=1e-9)
    adx = trend.adx(bars["high"], bars["low"], bars["close"])
    assert abs(adx[-1] - dx[121]) < abs(adx[121] - dx[121])


# --- the NaN rule -------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_bad_bar_then_fresh_start(name: str, bad: float) -> None:
    bars = _walk(160, seed=1)
    column = INPUTS[name][-1]
    bars[column][70] = bad
    whole = _call(name, bars)
    fresh = _call(name, {k: v[71:] for k, v in bars.items()})
    before = _call(name, {k: v[:70] for k, v in bars.items()})
    for out, after, prefix in zip(whole, fresh, before, strict=True):
        assert np.isnan(out[70])
        _assert_close(out[71:], after)  # a fresh warm-up, then the same numbers
        _assert_close(out[:70], prefix)  # no effect on earlier bars
        assert np.isfinite(out[-1])


def test_adx_reseeds_where_talib_freezes() -> None:
    talib = pytest.importorskip("talib")
    bars = _walk(300, seed=2)
    bars["high"][100] = np.nan
    ours = trend.adx(bars["high"], bars["low"], bars["close"])
    theirs = talib.ADX(bars["high"], bars["low"], bars["close"])
    assert (theirs[100:] == theirs[99]).all()  # TA-Lib: frozen for the rest of the series
    assert np.isnan(ours[100 : 101 + 27]).all()  # ours: NaN bar, then a fresh 27-bar warm-up
    _assert_close(ours[101:], trend.adx(*(bars[k][101:] for k in ("high", "low", "close"))))
    assert len(np.unique(ours[128:])) > 100


def test_leading_nans_match_talib() -> None:
    talib = pytest.importorskip("talib")
    bars = _walk(120, seed=4)
    for column in bars.values():
        column[:5] = np.nan
    for name in NAMES:
        ours = _call(name, bars)
        theirs = getattr(talib, name.upper())(*(bars[k] for k in INPUTS[name]))
        theirs = theirs if isinstance(theirs, tuple) else (theirs,)
        for a, b in zip(ours, theirs, strict=True):
            _assert_close(a, b)


# --- bounds and parameters ----------------------------------------------------------------


@pytest.mark.parametrize("symbol", ["AAPL", "NI", "XOM", "APTV"])
def test_value_ranges_on_real_data(shared_data: Path, symbol: str) -> None:
    bars = _bars(shared_data, symbol)
    for name in NAMES:
        for period in (2, 14, 30):
            for out in _call(name, bars, timeperiod=period):
                finite = out[~np.isnan(out)]
                if name == "aroonosc":
                    assert ((finite >= -100) & (finite <= 100)).all()
                elif name in ("plus_dm", "minus_dm"):
                    assert (finite >= 0).all()
                else:
                    assert ((finite >= 0) & (finite <= 100 + 1e-9)).all(), (name, period)


@pytest.mark.parametrize("name", NAMES)
def test_timeperiod_bounds(name: str) -> None:
    kernel: Callable[..., Any] = getattr(trend, name)
    bars = _walk(50)
    args = [bars[k] for k in INPUTS[name]]
    low = 1 if name in ("plus_dm", "minus_dm", "plus_di", "minus_di") else 2
    kernel(*args, timeperiod=low)
    for value in (low - 1, 100_001, 2.5):
        with pytest.raises(InvalidParameterError, match="timeperiod"):
            kernel(*args, timeperiod=value)


@pytest.mark.parametrize("name", NAMES)
def test_lookback_matches_talib(name: str) -> None:
    abstract = pytest.importorskip("talib.abstract")
    kernel = getattr(trend, name)
    for period in (1, 2, 3, 14, 50):
        if period == 1 and name not in ("plus_dm", "minus_dm", "plus_di", "minus_di"):
            continue
        expected = abstract.Function(name.upper(), timeperiod=period).lookback
        assert kernel.lookback(timeperiod=period) == expected, period
        out = _call(name, _walk(200), timeperiod=period)[0]
        assert np.isnan(out[:expected]).all() and np.isfinite(out[expected])


# --- TA-Lib parity on real symbols --------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("symbol", ["AAPL", "MSFT", "BHGE"])
def test_talib_parity_real_symbol(shared_data: Path, name: str, symbol: str) -> None:
    talib = pytest.importorskip("talib")
    bars = _bars(shared_data, symbol)
    for period in (1, 2, 5, 14, 40):
        if period == 1 and name not in ("plus_dm", "minus_dm", "plus_di", "minus_di"):
            continue
        ours = _call(name, bars, timeperiod=period)
        theirs = getattr(talib, name.upper())(*(bars[k] for k in INPUTS[name]), period)
        theirs = theirs if isinstance(theirs, tuple) else (theirs,)
        for a, b in zip(ours, theirs, strict=True):
            _assert_close(a, b)


@pytest.mark.parametrize("name", NAMES)
def test_short_series(name: str) -> None:
    # Shorter than the warm-up: all NaN; one bar more: exactly one value, at the end.
    lookback = getattr(trend, name).lookback()
    for n in (0, 1, lookback, lookback + 1):
        for out in _call(name, {k: v[:n] for k, v in _walk(100).items()}):
            assert out.shape == (n,)
            assert np.isnan(out[: min(n, lookback)]).all()
            assert np.isfinite(out[lookback:]).all()
