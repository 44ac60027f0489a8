"""macd, macdfix, macdext (``macd_variants``): hand-derived cases, fixtures and the naive twins.

The NaN rule, flat prices, bounds and TA-Lib parity of these kernels are tested with the
other momentum families in ``test_momentum.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from candlescan.kernels import macd_variants
from tests.kernels.test_momentum import _assert_close, _walk
from tests.reference import macd_variants as reference

nan = np.nan


def test_macd_hand_derived() -> None:
    # fast=2 (k=2/3), slow=3 (k=1/2), signal=2 (k=2/3) on 1 4 2 8 5 7. Both EMAs are
    # seeded at bar 2: slow = mean(1,4,2) = 7/3, fast = mean(4,2) = 3 (TA-Lib's late seed).
    # slow: 7/3, 31/6, 61/12, 145/24; fast: 3, 19/3, 49/9, 175/27
    # line: 2/3, 7/6, 13/36, 95/216; signal seeded at bar 3 with mean(2/3, 7/6) = 11/12,
    # then 59/108, 77/162.
    line, signal, hist = macd_variants.macd(np.array([1.0, 4.0, 2.0, 8.0, 5.0, 7.0]), 2, 3, 2)
    expected_line = np.array([nan, nan, nan, 7 / 6, 13 / 36, 95 / 216])
    expected_signal = np.array([nan, nan, nan, 11 / 12, 59 / 108, 77 / 162])
    _assert_close(line, expected_line)
    _assert_close(signal, expected_signal)
    _assert_close(hist, expected_line - expected_signal)


def test_macd_is_not_two_separate_emas() -> None:
    # The documented TA-Lib quirk: the fast EMA starts late, so MACD != EMA12 - EMA26 early.
    talib = pytest.importorskip("talib")
    x = _walk(300, seed=2)
    line = macd_variants.macd(x)[0]
    separate = talib.EMA(x, 12) - talib.EMA(x, 26)
    assert abs(line[33] - separate[33]) > 1e-6
    np.testing.assert_allclose(line[-1], separate[-1], rtol=1e-9)


def test_macd_stockcharts_tail(shared_data: Path) -> None:
    # cs-macd.csv seeds its EMAs with the first close (pandas), not TA-Lib's SMA seed; by
    # its last rows the seeds have faded to ~1e-4 (data README: line 1.1e-4, signal 1.6e-4).
    frame = pd.read_csv(shared_data / "reference" / "cs-macd.csv")
    line, signal, hist = macd_variants.macd(frame["Close"].to_numpy(float))
    tail = slice(-5, None)
    np.testing.assert_allclose(line[tail], frame["MACD_line"].to_numpy(float)[tail], atol=2e-4)
    np.testing.assert_allclose(signal[tail], frame["MACD_signal"].to_numpy(float)[tail], atol=2e-4)
    np.testing.assert_allclose(hist[tail], frame["MACD_diff"].to_numpy(float)[tail], atol=2e-4)


def test_macdext_with_emas_equals_macd() -> None:
    x = _walk(200, seed=8)
    _assert_close(macd_variants.macdext(x, 12, 1, 26, 1, 9, 1), macd_variants.macd(x))


def test_macdfix_uses_fixed_factors() -> None:
    x = _walk(200, seed=9)
    _assert_close(macd_variants.macdfix(x), reference.macdfix(x))
    assert not np.allclose(macd_variants.macdfix(x)[0][40:], macd_variants.macd(x)[0][40:])


def test_periods_are_swapped_like_talib() -> None:
    x = _walk(200, seed=10)
    _assert_close(macd_variants.macd(x, 26, 12, 9), macd_variants.macd(x, 12, 26, 9))


@pytest.mark.parametrize("matype", range(9))
def test_macdext_twin_with_gaps(matype: int) -> None:
    x = _walk(400, seed=5)
    x[[0, 3, 100, 101, 250]] = nan
    _assert_close(
        macd_variants.macdext(x, 5, matype, 12, 1, 4, matype),
        reference.macdext(x, 5, matype, 12, 1, 4, matype),
    )
    _assert_close(
        macd_variants.macdext(x, 12, 0, 5, matype, 1, matype),
        reference.macdext(x, 12, 0, 5, matype, 1, matype),
    )
    _assert_close(
        macd_variants.macdext(x, 5, matype, 12, matype, 3, 0),
        reference.macdext(x, 5, matype, 12, matype, 3, 0),
    )


@pytest.mark.parametrize("period", [1, 2, 3, 14])
def test_macd_twins_with_gaps(period: int) -> None:
    x = _walk(300, seed=6)
    x[[0, 50, 51, 200]] = nan
    for args in [(12, 26, 9), (26, 12, 1), (3, 5, 2), (period + 1, period + 3, period)]:
        _assert_close(macd_variants.macd(x, *args), reference.macd(x, *args))
    _assert_close(macd_variants.macdfix(x, period), reference.macdfix(x, period))
