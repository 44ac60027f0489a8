"""Oscillator kernels: fixtures, hand-derived cases, the NaN rule, flat prices, bounds, TA-Lib."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from candlescan import InvalidParameterError
from candlescan.kernels import oscillators

F64 = npt.NDArray[np.float64]

#: Each kernel with the price columns it takes, in TA-Lib order.
INPUTS: dict[str, tuple[str, ...]] = {
    "cci": ("high", "low", "close"),
    "willr": ("high", "low", "close"),
    "mfi": ("high", "low", "close", "volume"),
    "ultosc": ("high", "low", "close"),
    "bop": ("open", "high", "low", "close"),
}
NAMES = list(INPUTS)


def _bars(shared_data: Path, symbol: str = "AAPL") -> dict[str, F64]:
    frame = pd.read_csv(shared_data / "ohlcv" / f"{symbol}.csv")
    return {k: frame[k].to_numpy(np.float64) for k in ("open", "high", "low", "close", "volume")}


def _walk(n: int, seed: int = 0) -> dict[str, F64]:
    rng = np.random.default_rng(seed)
    close = 100.0 + np.cumsum(rng.normal(0.0, 1.0, n))
    high = close + rng.uniform(0.1, 1.0, n)
    low = close - rng.uniform(0.1, 1.0, n)
    return {
        "open": np.clip(close + rng.normal(0.0, 0.5, n), low, high),
        "high": high,
        "low": low,
        "close": close,
        "volume": rng.uniform(1e5, 1e6, n),
    }


def _flat(n: int, price: float = 7.0) -> dict[str, F64]:
    bars = {k: np.full(n, price) for k in ("open", "high", "low", "close")}
    bars["volume"] = np.full(n, 1e6)
    return bars


def _call(name: str, bars: dict[str, F64], **params: Any) -> F64:
    result: F64 = getattr(oscillators, name)(*(bars[k] for k in INPUTS[name]), **params)
    return result


def _assert_close(actual: F64, expected: F64, rtol: float = 1e-9) -> None:
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-10, equal_nan=True)


def _fixture(shared_data: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(shared_data / "reference" / f"cs-{name}.csv")


# --- fixtures (StockCharts; the README says these conventions agree with TA-Lib) ----------


def test_cci_fixture(shared_data: Path) -> None:
    frame = _fixture(shared_data, "cci")
    high, low, close = (frame[k].to_numpy(float) for k in ("High", "Low", "Close"))
    expected = frame["CCI"].to_numpy(float)
    ours = oscillators.cci(high, low, close, 20)
    assert np.array_equal(np.isnan(ours), np.isnan(expected))  # first value at row 19
    np.testing.assert_allclose(ours[19:], expected[19:], atol=1e-4)  # the file has 4 dp


def test_mfi_fixture(shared_data: Path) -> None:
    frame = _fixture(shared_data, "mfi")
    args = (frame[k].to_numpy(float) for k in ("High", "Low", "Close", "Volume"))
    expected = frame["MFI"].to_numpy(float)
    ours = oscillators.mfi(*args, timeperiod=14)
    assert np.array_equal(np.isnan(ours), np.isnan(expected))  # first value at row 14
    np.testing.assert_allclose(ours[14:], expected[14:], atol=1e-5)


def test_willr_fixture(shared_data: Path) -> None:
    # Close is blank in rows 0..12 of the file; %R at bar t needs only bar t's close, so
    # the blanks are filled with the bar's low to compare every row from 13 (TA-Lib, which
    # drops leading NaN bars, can only produce rows 26..29 from the raw file).
    frame = _fixture(shared_data, "percentr")
    high, low, close = (frame[k].to_numpy(float) for k in ("High", "Low", "Close"))
    expected = frame["Williams_%R"].to_numpy(float)
    raw = oscillators.willr(high, low, close, 14)
    assert np.isnan(raw[:26]).all()  # the NaN rule: 13 bad bars, then a fresh warm-up
    np.testing.assert_allclose(raw[26:], expected[26:], atol=1e-6)
    filled = oscillators.willr(high, low, np.where(np.isnan(close), low, close), 14)
    np.testing.assert_allclose(filled[13:], expected[13:], atol=1e-6)
    np.testing.assert_allclose(
        frame["Highest High (14)"][13:], pd.Series(high).rolling(14).max()[13:], atol=1e-9
    )


def test_ultosc_fixture(shared_data: Path) -> None:
    frame = _fixture(shared_data, "ultosc")
    high, low, close = (frame[k].to_numpy(float) for k in ("High", "Low", "Close"))
    expected = frame["Ult_Osc"].to_numpy(float)
    ours = oscillators.ultosc(high, low, close, 7, 14, 28)
    assert np.array_equal(np.isnan(ours), np.isnan(expected))  # rows 28 and 29
    np.testing.assert_allclose(ours[28:], expected[28:], atol=1e-5)
    # The file's AVG-7 column is sum(BP)/sum(TR) over 7 bars: ULTOSC(1... ) cannot expose it,
    # but with all three periods equal the oscillator is 100 * that average.
    avg7 = frame["AVG-7"].to_numpy(float)
    np.testing.assert_allclose(
        oscillators.ultosc(high, low, close, 7, 7, 7)[7:], 100 * avg7[7:], atol=1e-4
    )


# --- hand-derived cases -------------------------------------------------------------------


def test_cci_hand_derived() -> None:
    # TP 1, 2, 3: mean 2, mean deviation 2/3, CCI = (3 - 2) / (0.015 * 2/3) = 100.
    tp = np.array([1.0, 2.0, 3.0, 2.0])
    out = oscillators.cci(tp, tp, tp, 3)
    # bar 3: window 2, 3, 2: mean 7/3, deviation (1/3 + 2/3 + 1/3) / 3 = 4/9,
    # CCI = (2 - 7/3) / (0.015 * 4/9) = -50.
    _assert_close(out, np.array([np.nan, np.nan, 100.0, -50.0]))


def test_willr_hand_derived() -> None:
    high = np.array([10.0, 12.0, 11.0, 11.0])
    low = np.array([8.0, 9.0, 10.0, 10.5])
    close = np.array([9.0, 11.0, 10.0, 11.0])
    # bar1: HH 12, LL 8: -100 * (12 - 11) / 4 = -25; bar2: 12, 9: -100 * 2/3;
    # bar3: HH 11, LL 10: close at the high -> 0.
    _assert_close(oscillators.willr(high, low, close, 2), np.array([np.nan, -25.0, -200 / 3, -0.0]))


def test_mfi_hand_derived() -> None:
    high = low = close = np.array([10.0, 11.0, 10.0, 10.0, 12.0])
    volume = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    # flows: bar1 +22, bar2 -30, bar3 none (unchanged TP), bar4 +60.
    # period 2: bar2 22/52; bar3 0/30 -> 0; bar4 60/60 -> 100.
    out = oscillators.mfi(high, low, close, volume, 2)
    _assert_close(out, np.array([np.nan, np.nan, 100 * 22 / 52, 0.0, 100.0]))


def test_ultosc_hand_derived() -> None:
    # Periods 1: ULTOSC = 100 * BP/TR of each bar. Bar1: prev close 10, H 12, L 9, C 11:
    # true low 9, BP 2, TR 3. Bar2: prev close 11, H 11.5, L 10, C 10: BP 0, TR 1.5.
    high, low, close = (
        np.array([10.0, 12.0, 11.5]),
        np.array([10.0, 9.0, 10.0]),
        np.array([10.0, 11.0, 10.0]),
    )
    _assert_close(oscillators.ultosc(high, low, close, 1, 1, 1), np.array([np.nan, 200 / 3, 0]))


def test_ultosc_sorts_its_periods() -> None:
    bars = _walk(100)
    expected = _call("ultosc", bars, timeperiod1=7, timeperiod2=14, timeperiod3=28)
    for order in ((28, 14, 7), (14, 7, 28)):
        params = dict(zip(("timeperiod1", "timeperiod2", "timeperiod3"), order, strict=True))
        _assert_close(_call("ultosc", bars, **params), expected)


def test_bop_hand_derived() -> None:
    open_ = np.array([1.0, 2.0, 5.0])
    high = np.array([3.0, 4.0, 5.0])
    low = np.array([0.0, 1.0, 5.0])
    close = np.array([2.0, 1.5, 5.0])
    _assert_close(oscillators.bop(open_, high, low, close), np.array([1 / 3, -1 / 6, 0.0]))


# --- flat prices (0/0) read neutral -------------------------------------------------------


def test_flat_prices_are_neutral() -> None:
    flat = _flat(60)
    expected = {"cci": 0.0, "willr": -50.0, "mfi": 50.0, "ultosc": 50.0, "bop": 0.0}
    for name, value in expected.items():
        out = _call(name, flat)
        lookback = getattr(oscillators, name).lookback()
        assert np.isnan(out[:lookback]).all()
        assert (out[lookback:] == value).all(), name


def test_flat_differences_from_talib_are_the_documented_ones() -> None:
    talib = pytest.importorskip("talib")
    flat = _flat(60)
    # TA-Lib reads a flat stock as WILLR 0 (overbought), MFI 0 and ULTOSC 0 (oversold).
    assert talib.WILLR(flat["high"], flat["low"], flat["close"])[-1] == 0.0
    assert talib.MFI(flat["high"], flat["low"], flat["close"], flat["volume"])[-1] == 0.0
    assert talib.ULTOSC(flat["high"], flat["low"], flat["close"])[-1] == 0.0


def test_halted_after_movement() -> None:
    bars = _walk(120, seed=5)
    for key in ("open", "high", "low", "close"):
        bars[key][60:] = 50.0
    assert (_call("willr", bars)[73:] == -50.0).all()  # 14 flat bars in the window
    assert (_call("mfi", bars)[74:] == 50.0).all()  # 14 bars without a TP change
    assert (_call("cci", bars)[73:] == 0.0).all()
    ult = _call("ultosc", bars)
    assert (ult[88:] == 50.0).all()  # all three windows flat
    # Only the 7-bar window flat: its average counts 0.5 instead of dropping out.
    assert 100 * 4 * 0.5 / 7 < ult[70] < 100 * (4 * 0.5 + 3) / 7


def test_zero_volume_mfi_is_neutral() -> None:
    bars = _walk(60)
    bars["volume"][20:] = 0.0
    assert (_call("mfi", bars)[34:] == 50.0).all()


# --- the NaN rule -------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_bad_bar_then_fresh_start(name: str, bad: float) -> None:
    bars = _walk(160, seed=1)
    bars[INPUTS[name][-1]][70] = bad
    whole = _call(name, bars)
    assert np.isnan(whole[70])
    _assert_close(whole[71:], _call(name, {k: v[71:] for k, v in bars.items()}))
    _assert_close(whole[:70], _call(name, {k: v[:70] for k, v in bars.items()}))
    assert np.isfinite(whole[-1])


def test_mfi_volume_nan_is_a_bad_bar() -> None:
    bars = _walk(80, seed=2)
    bars["volume"][30] = np.nan
    out = _call("mfi", bars)
    assert np.isnan(out[30 : 31 + 14]).all() and np.isfinite(out[31 + 14 :]).all()


def test_leading_nans_match_talib() -> None:
    talib = pytest.importorskip("talib")
    bars = _walk(120, seed=4)
    for column in bars.values():
        column[:5] = np.nan
    for name in NAMES:
        theirs = getattr(talib, name.upper())(*(bars[k] for k in INPUTS[name]))
        _assert_close(_call(name, bars), theirs)


# --- bounds and parameters ----------------------------------------------------------------


@pytest.mark.parametrize("symbol", ["AAPL", "NI", "XOM", "APTV"])
def test_value_ranges_on_real_data(shared_data: Path, symbol: str) -> None:
    bars = _bars(shared_data, symbol)
    ranges = {"willr": (-100, 0), "mfi": (0, 100), "ultosc": (0, 100), "bop": (-1, 1)}
    for period in (2, 14, 30):
        for name, (low, high) in ranges.items():
            params = (
                {}
                if name == "bop"
                else {"timeperiod1" if name == "ultosc" else "timeperiod": period}
            )
            out = _call(name, bars, **params)
            finite = out[~np.isnan(out)]
            assert ((finite >= low - 1e-9) & (finite <= high + 1e-9)).all(), (name, period)
        # |TP - mean| is at most n/2 mean deviations, so |CCI| <= n / (2 * 0.015).
        cci = _call("cci", bars, timeperiod=period)
        assert np.nanmax(np.abs(cci)) <= period / 0.03 + 1e-6


@pytest.mark.parametrize("name", ["cci", "willr", "mfi"])
def test_timeperiod_bounds(name: str) -> None:
    bars = _walk(50)
    _call(name, bars, timeperiod=2)
    for value in (1, 100_001, 3.5, "14"):
        with pytest.raises(InvalidParameterError, match="timeperiod"):
            _call(name, bars, timeperiod=value)


@pytest.mark.parametrize("param", ["timeperiod1", "timeperiod2", "timeperiod3"])
def test_ultosc_period_bounds(param: str) -> None:
    bars = _walk(50)
    _call("ultosc", bars, **{param: 1})
    for value in (0, 100_001):
        with pytest.raises(InvalidParameterError, match=param):
            _call("ultosc", bars, **{param: value})


def test_lookback_matches_talib() -> None:
    abstract = pytest.importorskip("talib.abstract")
    for name in ("cci", "willr", "mfi"):
        for period in (2, 3, 14, 50):
            expected = abstract.Function(name.upper(), timeperiod=period).lookback
            assert getattr(oscillators, name).lookback(timeperiod=period) == expected
    for periods in ((7, 14, 28), (28, 1, 3), (1, 1, 1)):
        params = dict(zip(("timeperiod1", "timeperiod2", "timeperiod3"), periods, strict=True))
        expected = abstract.Function("ULTOSC", **params).lookback
        assert oscillators.ultosc.lookback(**params) == expected
    assert oscillators.bop.lookback() == abstract.Function("BOP").lookback == 0


# --- TA-Lib parity on real symbols --------------------------------------------------------


@pytest.mark.parametrize("symbol", ["AAPL", "MSFT", "BHGE"])
def test_talib_parity_real_symbol(shared_data: Path, symbol: str) -> None:
    talib = pytest.importorskip("talib")
    bars = _bars(shared_data, symbol)
    for name in ("cci", "willr", "mfi"):
        for period in (2, 5, 14, 40):
            theirs = getattr(talib, name.upper())(*(bars[k] for k in INPUTS[name]), period)
            _assert_close(_call(name, bars, timeperiod=period), theirs)
    for periods in ((7, 14, 28), (28, 7, 14), (1, 2, 3), (5, 5, 60)):
        theirs = talib.ULTOSC(bars["high"], bars["low"], bars["close"], *periods)
        params = dict(zip(("timeperiod1", "timeperiod2", "timeperiod3"), periods, strict=True))
        _assert_close(_call("ultosc", bars, **params), theirs)
    _assert_close(
        _call("bop", bars), talib.BOP(bars["open"], bars["high"], bars["low"], bars["close"])
    )


@pytest.mark.parametrize("name", NAMES)
def test_short_series(name: str) -> None:
    # Shorter than the warm-up: all NaN; one bar more: exactly one value, at the end.
    lookback = getattr(oscillators, name).lookback()
    for n in (0, 1, lookback, lookback + 1):
        bars = {k: v[:n] for k, v in _walk(100).items()}
        out = _call(name, bars)
        assert out.shape == (n,)
        assert np.isnan(out[: min(n, lookback)]).all()
        assert np.isfinite(out[lookback:]).all()
