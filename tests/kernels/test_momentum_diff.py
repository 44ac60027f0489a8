"""``momentum_diff`` kernels: hand-derived cases, fixtures and the naive twins.

The NaN rule, flat prices, bounds and TA-Lib parity of these kernels are tested with the
rest of the momentum family in ``test_momentum.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from candlescan.kernels import momentum, momentum_diff
from tests.kernels.test_momentum import _assert_close, _walk
from tests.reference import momentum as reference_m
from tests.reference import momentum_diff as reference

nan = np.nan


def test_changes_hand_derived() -> None:
    x = np.array([2.0, 4.0, 3.0, 6.0])
    _assert_close(momentum.mom(x, 2), np.array([nan, nan, 1.0, 2.0]))
    _assert_close(momentum.roc(x, 2), np.array([nan, nan, 50.0, 50.0]))
    _assert_close(momentum.rocp(x, 2), np.array([nan, nan, 0.5, 0.5]))
    _assert_close(momentum.rocr(x, 2), np.array([nan, nan, 1.5, 1.5]))


def test_zero_base_price() -> None:
    # An undefined ratio reads as "no change": ROC/ROCP 0 (as TA-Lib), ROCR 1 (TA-Lib: 0).
    x = np.array([0.0, 1.0, 2.0])
    _assert_close(momentum.roc(x, 1), np.array([nan, 0.0, 100.0]))
    _assert_close(momentum.rocp(x, 1), np.array([nan, 0.0, 1.0]))
    _assert_close(momentum.rocr(x, 1), np.array([nan, 1.0, 2.0]))


def test_roc_stockcharts_fixture(shared_data: Path) -> None:
    frame = pd.read_csv(shared_data / "reference" / "cs-roc.csv")
    out = momentum.roc(frame["Close"].to_numpy(float), 12)
    expected = frame["ROC"].to_numpy(float)
    _assert_close(out, expected, rtol=0.0, atol=5e-8)


def test_macd_hand_derived() -> None:
    # fast=2 (k=2/3), slow=3 (k=1/2), signal=2 (k=2/3) on 1 4 2 8 5 7. Both EMAs are
    # seeded at bar 2: slow = mean(1,4,2) = 7/3, fast = mean(4,2) = 3 (TA-Lib's late seed).
    # slow: 7/3, 31/6, 61/12, 145/24; fast: 3, 19/3, 49/9, 175/27
    # line: 2/3, 7/6, 13/36, 95/216; signal seeded at bar 3 with mean(2/3, 7/6) = 11/12,
    # then 59/108, 77/162.
    line, signal, hist = momentum_diff.macd(np.array([1.0, 4.0, 2.0, 8.0, 5.0, 7.0]), 2, 3, 2)
    expected_line = np.array([nan, nan, nan, 7 / 6, 13 / 36, 95 / 216])
    expected_signal = np.array([nan, nan, nan, 11 / 12, 59 / 108, 77 / 162])
    _assert_close(line, expected_line)
    _assert_close(signal, expected_signal)
    _assert_close(hist, expected_line - expected_signal)


def test_macd_is_not_two_separate_emas() -> None:
    # The documented TA-Lib quirk: the fast EMA starts late, so MACD != EMA12 - EMA26 early.
    talib = pytest.importorskip("talib")
    x = _walk(300, seed=2)
    line = momentum_diff.macd(x)[0]
    separate = talib.EMA(x, 12) - talib.EMA(x, 26)
    assert abs(line[33] - separate[33]) > 1e-6
    np.testing.assert_allclose(line[-1], separate[-1], rtol=1e-9)


def test_macd_stockcharts_tail(shared_data: Path) -> None:
    # cs-macd.csv seeds its EMAs with the first close (pandas), not TA-Lib's SMA seed; by
    # its last rows the seeds have faded to ~1e-4 (data README: line 1.1e-4, signal 1.6e-4).
    frame = pd.read_csv(shared_data / "reference" / "cs-macd.csv")
    line, signal, hist = momentum_diff.macd(frame["Close"].to_numpy(float))
    tail = slice(-5, None)
    np.testing.assert_allclose(line[tail], frame["MACD_line"].to_numpy(float)[tail], atol=2e-4)
    np.testing.assert_allclose(signal[tail], frame["MACD_signal"].to_numpy(float)[tail], atol=2e-4)
    np.testing.assert_allclose(hist[tail], frame["MACD_diff"].to_numpy(float)[tail], atol=2e-4)


def test_macdext_with_emas_equals_macd() -> None:
    x = _walk(200, seed=8)
    _assert_close(momentum_diff.macdext(x, 12, 1, 26, 1, 9, 1), momentum_diff.macd(x))


def test_macdfix_uses_fixed_factors() -> None:
    x = _walk(200, seed=9)
    _assert_close(momentum_diff.macdfix(x), reference.macdfix(x))
    assert not np.allclose(momentum_diff.macdfix(x)[0][40:], momentum_diff.macd(x)[0][40:])


def test_periods_are_swapped_like_talib() -> None:
    x = _walk(200, seed=10)
    _assert_close(momentum_diff.macd(x, 26, 12, 9), momentum_diff.macd(x, 12, 26, 9))
    _assert_close(momentum_diff.apo(x, 26, 12), momentum_diff.apo(x, 12, 26))
    _assert_close(momentum_diff.ppo(x, 26, 12), momentum_diff.ppo(x, 12, 26))


def test_trix_hand_derived() -> None:
    # n=1: every EMA is the input itself, so TRIX is the 1-bar ROC.
    x = np.array([4.0, 5.0, 4.0])
    _assert_close(momentum_diff.trix(x, 1), np.array([nan, 25.0, -20.0]))


@pytest.mark.parametrize("matype", range(9))
def test_twins_with_gaps(matype: int) -> None:
    x = _walk(400, seed=5)
    x[[0, 3, 100, 101, 250]] = nan
    _assert_close(momentum_diff.apo(x, 5, 12, matype), reference.apo(x, 5, 12, matype))
    _assert_close(momentum_diff.ppo(x, 12, 5, matype), reference.ppo(x, 12, 5, matype))
    _assert_close(
        momentum_diff.macdext(x, 5, matype, 12, 1, 4, matype),
        reference.macdext(x, 5, matype, 12, 1, 4, matype),
    )
    _assert_close(
        momentum_diff.macdext(x, 12, 0, 5, matype, 1, matype),
        reference.macdext(x, 12, 0, 5, matype, 1, matype),
    )


@pytest.mark.parametrize("period", [1, 2, 3, 14])
def test_change_twins_with_gaps(period: int) -> None:
    x = _walk(300, seed=6)
    x[[0, 50, 51, 200]] = nan
    for name in ("mom", "roc", "rocp", "rocr"):
        _assert_close(getattr(momentum, name)(x, period), getattr(reference_m, name)(x, period))
    _assert_close(momentum_diff.trix(x, period), reference.trix(x, period))
    for args in [(12, 26, 9), (26, 12, 1), (3, 5, 2)]:
        _assert_close(momentum_diff.macd(x, *args), reference.macd(x, *args))
