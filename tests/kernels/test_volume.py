"""Volume kernels: fixtures, hand cases, TA-Lib parity, the NaN rule, zero volume, bounds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import candlescan
from candlescan.kernels import volume as k
from candlescan.kernels import volume_averages as va
from tests.kernels.test_volatility import F64, _fixture, _ohlcv, assert_same


def _bars(n: int, seed: int = 0) -> tuple[F64, F64, F64, F64]:
    rng = np.random.default_rng(seed)
    close = np.round(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), 2)
    high = close + np.round(np.abs(rng.normal(0, 0.5, n)), 2) + 0.01
    low = close - np.round(np.abs(rng.normal(0, 0.5, n)), 2) - 0.01
    volume = np.round(rng.lognormal(12, 0.5, n))
    return high, low, close, volume


# --- hand-derived cases -----------------------------------------------------------------


def test_obv_hand_case() -> None:
    close = np.array([10.0, 11.0, 11.0, 9.0, 12.0])
    volume = np.array([100.0, 20.0, 30.0, 40.0, 50.0])
    # seeded with the first volume (TA-Lib): 100, +20, =, -40, +50
    assert_same(k.obv(close, volume), np.array([100.0, 120.0, 120.0, 80.0, 130.0]))


def test_ad_hand_case() -> None:
    high = np.array([10.0, 12.0, 5.0])
    low = np.array([8.0, 10.0, 5.0])
    close = np.array([9.5, 10.5, 5.0])
    volume = np.array([100.0, 200.0, 300.0])
    # multipliers: (1.5-0.5)/2 = 0.5, (0.5-1.5)/2 = -0.5, high == low adds 0
    assert_same(k.ad(high, low, close, volume), np.array([50.0, -50.0, -50.0]))


def test_adosc_hand_case() -> None:
    high = np.array([10.0, 12.0, 11.0, 13.0])
    low = np.array([8.0, 10.0, 9.0, 11.0])
    close = np.array([10.0, 10.0, 11.0, 12.0])
    volume = np.array([10.0, 10.0, 10.0, 10.0])
    ad = np.array([10.0, 0.0, 10.0, 10.0])  # multipliers 1, -1, 1, 0
    fast = slow = ad[0]  # both EMAs start at the first A/D value
    expected = [np.nan]
    for value in ad[1:]:
        fast += (value - fast) * 2 / 3
        slow += (value - slow) * 2 / 4
        expected.append(fast - slow)
    # lookback max(2, 3) - 1 = 2: the EMAs run from bar 0 but emit from bar 2
    assert_same(k.adosc(high, low, close, volume, 2, 3), np.r_[np.nan, np.nan, expected[2:]])


# --- TA-Lib parity on a real symbol -----------------------------------------------------


@pytest.mark.parametrize("symbol", ["AAPL", "HLT"])
def test_match_talib(shared_data: Path, symbol: str) -> None:
    talib = pytest.importorskip("talib")
    bars = _ohlcv(shared_data, symbol)
    h, lo, c, v = bars["high"], bars["low"], bars["close"], bars["volume"]
    assert_same(k.obv(c, v), talib.OBV(c, v))
    assert_same(k.ad(h, lo, c, v), talib.AD(h, lo, c, v))
    for fast, slow in ((3, 10), (10, 3), (2, 2), (5, 30)):
        assert_same(k.adosc(h, lo, c, v, fast, slow), talib.ADOSC(h, lo, c, v, fast, slow))
    assert_same(va.vwap(h, lo, c, v), talib.VWAP(h, lo, c, v))
    assert_same(va.avwap(h, lo, c, v), talib.VWAP(h, lo, c, v))
    for period in (1, 2, 20, 30):
        assert_same(va.vwma(c, v, period), talib.VWMA(c, v, period))
        assert_same(va.rvol(v, period), talib.RVOL(v, period))


# --- StockCharts / ta fixtures ----------------------------------------------------------


def test_obv_matches_cs_obv(shared_data: Path) -> None:
    fx = _fixture(shared_data, "cs-obv")
    # Row 0 has no volume: under the NaN rule OBV starts at row 1, seeded with its volume,
    # which is exactly the file's convention (OBV from 0 before row 1).
    out = k.obv(fx["Close"], fx["Volume"])
    assert np.isnan(out[0])
    np.testing.assert_allclose(out[1:], fx["OBV"][1:], atol=1e-9)


def test_ad_matches_cs_accum(shared_data: Path) -> None:
    fx = _fixture(shared_data, "cs-accum")
    out = k.ad(fx["High"], fx["Low"], fx["Close"], fx["Volume"])
    np.testing.assert_allclose(out, fx["ADLine"], atol=5e-3)  # 4 dp multipliers in file


# --- zero volume (0/0) ------------------------------------------------------------------


# --- the NaN rule -----------------------------------------------------------------------

_CASES = {
    "obv": lambda h, lo, c, v: (k.obv(c, v),),
    "ad": lambda h, lo, c, v: (k.ad(h, lo, c, v),),
    "adosc": lambda h, lo, c, v: (k.adosc(h, lo, c, v, 3, 10),),
    "vwap": lambda h, lo, c, v: (va.vwap(h, lo, c, v),),
    "vwap14": lambda h, lo, c, v: (va.vwap(h, lo, c, v, 14),),
    "avwap": lambda h, lo, c, v: (va.avwap(h, lo, c, v, 0),),
    "vwma": lambda h, lo, c, v: (va.vwma(c, v, 5),),
    "rvol": lambda h, lo, c, v: (va.rvol(v, 5),),
}


@pytest.mark.parametrize("name", list(_CASES))
def test_interior_nan_reseeds(name: str) -> None:
    bars = _bars(90, seed=2)
    holed = [x.copy() for x in bars]
    for x in holed:
        x[40] = np.nan
    (output,) = _CASES[name](*holed)
    (fresh,) = _CASES[name](*(x[41:] for x in bars))
    (before,) = _CASES[name](*(x[:40] for x in bars))
    assert np.isnan(output[40])
    assert_same(output[41:], fresh)
    assert_same(output[:40], before)


@pytest.mark.parametrize("column", [0, 1, 2, 3])
@pytest.mark.parametrize("bar", [0, 17, 59])
def test_nan_hidden_by_a_flat_bar_still_counts(column: int, bar: int) -> None:
    # On a bar with high == low the money flow is 0 whatever the close and volume: a NaN
    # there must still cut the series (the one-pass fast path must not skip it).
    h, lo, c, v = (x.copy() for x in _bars(60, seed=4))
    h[bar] = lo[bar] = c[bar]
    holed = [h.copy(), lo.copy(), c.copy(), v.copy()]
    holed[column][bar] = np.nan
    for name in ("ad", "adosc", "vwap", "obv"):
        (output,) = _CASES[name](*holed)
        (head,) = _CASES[name](h[:bar], lo[:bar], c[:bar], v[:bar])
        (tail,) = _CASES[name](h[bar + 1 :], lo[bar + 1 :], c[bar + 1 :], v[bar + 1 :])
        if name == "obv" and column in (0, 1):  # obv reads close and volume only
            continue
        assert np.isnan(output[bar]), name
        assert_same(output[:bar], head)
        assert_same(output[bar + 1 :], tail)


def test_nan_in_volume_alone_restarts_obv() -> None:
    _, _, close, volume = _bars(30)
    volume = volume.copy()
    volume[10] = np.nan
    out = k.obv(close, volume)
    assert np.isnan(out[10])
    assert out[11] == volume[11]  # seeded again with the first clean bar's volume


# --- flat prices ------------------------------------------------------------------------


def test_flat_prices() -> None:
    flat = np.full(30, 42.0)
    volume = np.full(30, 1000.0)
    assert (k.obv(flat, volume) == 1000.0).all()  # no price change: the seed stays
    assert (k.ad(flat, flat, flat, volume) == 0.0).all()  # high == low: neutral money flow
    assert (k.adosc(flat, flat, flat, volume)[9:] == 0.0).all()
    assert (va.vwap(flat, flat, flat, volume) == 42.0).all()
    assert (va.vwma(flat, volume, 5)[4:] == 42.0).all()
    assert (va.rvol(volume, 5)[5:] == 1.0).all()


# --- parameters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "param"),
    [
        (lambda x: k.adosc(x, x, x, x, 1, 10), "fastperiod"),
        (lambda x: k.adosc(x, x, x, x, 3, 100_001), "slowperiod"),
        (lambda x: va.vwap(x, x, x, x, -1), "timeperiod"),
        (lambda x: va.avwap(x, x, x, x, -1), "anchor"),
        (lambda x: va.avwap(x, x, x, x, 1.5), "anchor"),
        (lambda x: va.vwma(x, x, 0), "timeperiod"),
        (lambda x: va.rvol(x, 0), "timeperiod"),
    ],
)
def test_bounds(call: object, param: str) -> None:
    with pytest.raises(candlescan.InvalidParameterError, match=param):
        call(np.ones(30))  # type: ignore[operator]


def test_lookbacks() -> None:
    abstract = pytest.importorskip("talib.abstract")
    assert k.adosc.lookback() == abstract.Function("ADOSC").lookback
    assert k.adosc.lookback(fastperiod=12, slowperiod=4) == 11
    assert va.vwap.lookback() == 0 and va.vwap.lookback(timeperiod=14) == 13
    assert va.avwap.lookback(anchor=7) == 7
    assert va.vwma.lookback(timeperiod=20) == abstract.Function("VWMA", 20).lookback
    assert va.rvol.lookback(timeperiod=20) == abstract.Function("RVOL", 20).lookback
