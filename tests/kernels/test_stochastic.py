"""stoch, stochf, stochrsi (``stochastic``): fixtures, hand-derived cases and the twins.

The NaN rule, flat prices, bounds and TA-Lib parity of these kernels are tested with the
other momentum families in ``test_momentum.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from candlescan.kernels import momentum, stochastic
from tests.kernels.test_momentum import _assert_close, _bars, _walk
from tests.reference import momentum as reference_momentum
from tests.reference import stochastic as reference


def test_stoch_hand_derived() -> None:
    high = np.array([3.0, 4.0, 5.0, 4.0, 6.0, 7.0])
    low = np.array([1.0, 2.0, 3.0, 2.0, 3.0, 4.0])
    close = np.array([2.0, 3.0, 5.0, 3.0, 4.0, 6.0])
    # fastK(3) from bar 2: (5-1)/4, (3-2)/3, (4-2)/4, (6-2)/5 -> 100, 33.33, 50, 80.
    fastk, fastd = stochastic.stochf(high, low, close, 3, 2, 0)
    nan = np.nan
    _assert_close(fastk, np.array([nan, nan, nan, 100 / 3, 50.0, 80.0]))
    _assert_close(fastd, np.array([nan, nan, nan, 200 / 3, 125 / 3, 65.0]))
    # slowK = SMA2(fastK) = 66.67, 41.67, 65; slowD = SMA2(slowK) from bar 4.
    slowk, slowd = stochastic.stoch(high, low, close, 3, 2, 0, 2, 0)
    _assert_close(slowk, np.array([nan, nan, nan, nan, 125 / 3, 65.0]))
    _assert_close(
        slowd, np.array([nan, nan, nan, nan, (200 / 3 + 125 / 3) / 2, (125 / 3 + 65) / 2])
    )


def test_stochf_stockcharts_fixture(shared_data: Path) -> None:
    # cs-soo.csv: %K(14) and its SMA3; Close is blank in rows 0..12, so the first clean
    # run starts at row 13 and (like TA-Lib) both outputs exist from row 28.
    frame = pd.read_csv(shared_data / "reference" / "cs-soo.csv")
    high, low, close = (frame[c].to_numpy(float) for c in ("High", "Low", "Close"))
    fastk, fastd = stochastic.stochf(high, low, close, 14, 3, 0)
    valid = ~np.isnan(fastd)
    assert np.flatnonzero(valid).tolist() == [28, 29]
    np.testing.assert_allclose(fastk[valid], frame["SO"].to_numpy(float)[valid], atol=1e-5)
    np.testing.assert_allclose(fastd[valid], frame["SO_SIG"].to_numpy(float)[valid], atol=1e-5)


def test_stochrsi_is_stochf_of_rsi() -> None:
    x = _walk(200, seed=4)
    r = momentum.rsi(x, 9)
    _assert_close(stochastic.stochrsi(x, 9, 7, 3, 1), stochastic.stochf(r, r, r, 7, 3, 1))


#: %K divides by the window's range, so it magnifies the rounding of its inputs (an RSI, a
#: running-sum average); outputs are on a 0..100 scale: 1e-9 is 1e-11 of it.
_K_ATOL = 1e-9


@pytest.mark.parametrize("matype", range(9))
def test_stochastics_twin_with_gaps(matype: int) -> None:
    high, low, close = _bars(300, seed=7)
    close[[40, 41, 200]] = np.nan
    high[120] = np.nan
    low[250] = np.nan
    _assert_close(
        stochastic.stoch(high, low, close, 5, 3, matype, 4, matype),
        reference.stoch(high, low, close, 5, 3, matype, 4, matype),
        atol=_K_ATOL,
    )
    _assert_close(
        stochastic.stochf(high, low, close, 6, 3, matype),
        reference.stochf(high, low, close, 6, 3, matype),
        atol=_K_ATOL,
    )
    _assert_close(
        stochastic.stochrsi(close, 6, 5, 3, matype),
        reference.stochrsi(close, 6, 5, 3, matype),
        atol=_K_ATOL,
    )


def test_kama_of_a_plateau_heavy_k() -> None:
    # The %K of an RSI is mostly runs of exact 0s and 100s; %D with KAMA differed from the
    # twin by up to ~11 here while the running volatility sum kept a rounding residue
    # over flat windows. The same input for both: the twin's RSI.
    close = _bars(300, seed=7)[2]
    close[[40, 41, 200]] = np.nan
    r = reference_momentum.rsi(close, 6)
    _assert_close(stochastic.stochf(r, r, r, 5, 3, 6), reference.stochf(r, r, r, 5, 3, 6))


@pytest.mark.parametrize("period", [1, 2, 5, 14, 50])
def test_block_extremes_equal_the_rescan(period: int) -> None:
    # %K from van Herk blocks (the fast path) == TA-Lib's rescanning tracker, bit for bit,
    # on prices rounded to make ties and flat windows; leading NaNs as after an RSI.
    high, low, close = (np.round(a, 0) for a in _bars(3000, seed=12))
    for lead in (0, 7):
        high[:lead] = np.nan
        fast, rescan = np.empty(len(close)), np.empty(len(close))
        stochastic._fastk_into(high, low, close, period, fast, np.empty(len(close)), fast)
        stochastic._fastk(high, low, close, period, rescan)
        np.testing.assert_array_equal(fast, rescan)
        assert (fast == 50.0).any() or period == 50


def test_unchanged_close_reads_neutral_in_stochrsi() -> None:
    # An unchanged close leaves the RSI unchanged in exact arithmetic, but both Wilder
    # averages are rounded, so the two RSIs can differ by an ulp: a 2-bar %K must still
    # read that window as flat (50), not 0 or 100 (it did in 2 of 5 series before).
    for seed in range(40):
        x = np.round(_walk(80, seed=seed), 2)
        x[40] = x[39]
        fastk = stochastic.stochrsi(x, 5, 2, 1, 0)[0]
        assert fastk[40] == 50.0, seed
