"""apo, ppo, trix (``ma_oscillators``): hand-derived cases and the naive twins.

The NaN rule, flat prices, bounds and TA-Lib parity of these kernels are tested with the
other momentum families in ``test_momentum.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from candlescan.kernels import ma_oscillators
from tests.kernels.test_momentum import _assert_close, _walk
from tests.reference import ma_oscillators as reference

nan = np.nan


def test_trix_hand_derived() -> None:
    # n=1: every EMA is the input itself, so TRIX is the 1-bar ROC.
    x = np.array([4.0, 5.0, 4.0])
    _assert_close(ma_oscillators.trix(x, 1), np.array([nan, 25.0, -20.0]))


def test_periods_are_swapped_like_talib() -> None:
    x = _walk(200, seed=10)
    for matype in (0, 1, 2):
        _assert_close(ma_oscillators.apo(x, 26, 12, matype), ma_oscillators.apo(x, 12, 26, matype))
        _assert_close(ma_oscillators.ppo(x, 26, 12, matype), ma_oscillators.ppo(x, 12, 26, matype))


@pytest.mark.parametrize("matype", range(9))
def test_twins_with_gaps(matype: int) -> None:
    x = _walk(400, seed=5)
    x[[0, 3, 100, 101, 250]] = nan
    _assert_close(ma_oscillators.apo(x, 5, 12, matype), reference.apo(x, 5, 12, matype))
    _assert_close(ma_oscillators.ppo(x, 12, 5, matype), reference.ppo(x, 12, 5, matype))


@pytest.mark.parametrize("period", [1, 2, 3, 14])
def test_trix_twin_with_gaps(period: int) -> None:
    x = _walk(300, seed=6)
    x[[0, 50, 51, 200]] = nan
    _assert_close(ma_oscillators.trix(x, period), reference.trix(x, period))
