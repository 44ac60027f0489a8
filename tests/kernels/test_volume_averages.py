"""Volume-weighted averages (vwap, avwap, vwma, rvol): hand cases and fixture files.

TA-Lib parity, the NaN rule and bounds of these kernels are checked with the volume
kernels in ``test_volume.py`` and by the registry-driven harness.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from candlescan.kernels import volume_averages as va
from tests.kernels.test_volatility import _fixture, _ohlcv, assert_same
from tests.kernels.test_volume import _bars


def test_vwap_and_avwap_hand_case() -> None:
    high = np.array([3.0, 6.0, 9.0, 12.0])
    low = np.array([1.0, 4.0, 7.0, 10.0])
    close = np.array([2.0, 5.0, 8.0, 11.0])  # typical prices 2, 5, 8, 11
    volume = np.array([1.0, 3.0, 1.0, 1.0])
    cumulative = np.array([2.0, 17 / 4, 25 / 5, 36 / 6])
    assert_same(va.vwap(high, low, close, volume), cumulative)
    assert_same(va.avwap(high, low, close, volume, 0), cumulative)
    assert_same(va.vwap(high, low, close, volume, 2), np.array([np.nan, 17 / 4, 23 / 4, 19 / 2]))
    assert_same(va.avwap(high, low, close, volume, 2), np.array([np.nan, np.nan, 8.0, 9.5]))
    assert np.isnan(va.avwap(high, low, close, volume, 10)).all()  # anchor past the end


def test_vwma_and_rvol_hand_case() -> None:
    price = np.array([10.0, 20.0, 30.0, 40.0])
    volume = np.array([1.0, 1.0, 2.0, 4.0])
    assert_same(va.vwma(price, volume, 2), np.array([np.nan, 15.0, 80 / 3, 220 / 6]))
    assert_same(va.vwma(price, volume, 1), price)
    # today's volume over the mean of the previous two
    assert_same(va.rvol(volume, 2), np.array([np.nan, np.nan, 2.0, 4.0 / 1.5]))


def test_avwap_is_a_vwap_started_at_the_anchor(shared_data: Path) -> None:
    talib = pytest.importorskip("talib")
    bars = _ohlcv(shared_data)
    h, lo, c, v = bars["high"], bars["low"], bars["close"], bars["volume"]
    out = va.avwap(h, lo, c, v, 300)
    assert np.isnan(out[:300]).all()
    assert_same(out[300:], talib.VWAP(h[300:], lo[300:], c[300:], v[300:]))


def test_rolling_vwap_matches_a_window_sum(shared_data: Path) -> None:
    bars = _ohlcv(shared_data)
    h, lo, c, v = bars["high"], bars["low"], bars["close"], bars["volume"]
    typical = (h + lo + c) / 3
    pv = np.convolve(typical * v, np.ones(14), "valid")
    vol = np.convolve(v, np.ones(14), "valid")
    out = va.vwap(h, lo, c, v, 14)
    assert np.isnan(out[:13]).all()
    np.testing.assert_allclose(out[13:], pv / vol, rtol=1e-12)


def test_vwap_matches_cs_vwap(shared_data: Path) -> None:
    # `ta`'s VWAP is a 14-bar rolling window that expands over rows 0..12: those rows are a
    # cumulative VWAP from row 0 (vwap(timeperiod=0) / avwap(anchor=0)), the rest rolling.
    fx = _fixture(shared_data, "cs-vwap")
    h, lo, c, v = fx["High"], fx["Low"], fx["Close"], fx["Volume"]
    np.testing.assert_allclose(va.vwap(h, lo, c, v)[:13], fx["vwap"][:13], rtol=1e-12)
    np.testing.assert_allclose(va.avwap(h, lo, c, v)[:13], fx["vwap"][:13], rtol=1e-12)
    np.testing.assert_allclose(va.vwap(h, lo, c, v, 14)[13:], fx["vwap"][13:], rtol=1e-12)


def test_zero_volume() -> None:
    price = np.array([10.0, 11.0, 12.0, 13.0, 14.0, 15.0])
    volume = np.array([0.0, 0.0, 0.0, 5.0, 0.0, 0.0])
    # no volume yet: the VWAP is undefined (NaN), where TA-Lib writes a misleading 0
    out = va.vwap(price, price, price, volume)
    assert np.isnan(out[:3]).all()
    assert_same(out[3:], np.array([13.0, 13.0, 13.0]))
    assert np.isnan(va.vwap(price, price, price, volume, 2)[:3]).all()
    # VWMA: 0/0 window is NaN, as TA-Lib
    assert_same(va.vwma(price, volume, 2), np.array([np.nan, np.nan, np.nan, 13.0, 13.0, np.nan]))
    # RVOL after zero-volume days: inf for a trade, NaN for none (TA-Lib's numbers)
    rvol = va.rvol(volume, 3)
    assert np.isnan(rvol[:3]).all() and rvol[3] == np.inf and rvol[4] == 0.0 and rvol[5] == 0.0


def test_avwap_nan_after_anchor_reanchors() -> None:
    h, lo, c, v = _bars(60)
    c = c.copy()
    c[30] = np.nan
    out = va.avwap(h, lo, c, v, 20)
    assert np.isnan(out[:20]).all() and np.isnan(out[30])
    assert_same(out[20:30], va.vwap(h[20:30], lo[20:30], c[20:30], v[20:30]))
    assert_same(out[31:], va.vwap(h[31:], lo[31:], c[31:], v[31:]))
