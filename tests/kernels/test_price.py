"""Price transforms: TA-Lib parity, hand cases, NaN isolation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from candlescan.kernels import price as k
from tests.reference import price as ref

F64 = npt.NDArray[np.float64]

INPUTS = {
    "avgprice": ("open", "high", "low", "close"),
    "medprice": ("high", "low"),
    "typprice": ("high", "low", "close"),
    "wclprice": ("high", "low", "close"),
}


def _bars(shared_data: Path, symbol: str = "AAPL") -> dict[str, F64]:
    rows = np.genfromtxt(
        shared_data / "ohlcv" / f"{symbol}.csv", delimiter=",", skip_header=1, usecols=(1, 2, 3, 4)
    )
    return {name: rows[:, i].copy() for i, name in enumerate(("open", "high", "low", "close"))}


@pytest.mark.talib
@pytest.mark.parametrize("name", sorted(INPUTS))
def test_match_talib(shared_data: Path, name: str) -> None:
    talib = pytest.importorskip("talib")
    bars = _bars(shared_data, "GOOGL")
    args = [bars[i] for i in INPUTS[name]]
    np.testing.assert_allclose(
        getattr(k, name)(*args), getattr(talib, name.upper())(*args), rtol=1e-12
    )


def test_hand_cases() -> None:
    o, h, low, c = (np.array([v]) for v in (1.0, 4.0, 0.0, 3.0))
    assert k.avgprice(o, h, low, c)[0] == 2.0
    assert k.medprice(h, low)[0] == 2.0
    assert k.typprice(h, low, c)[0] == pytest.approx(7 / 3)
    assert k.wclprice(h, low, c)[0] == 2.5


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_nan_only_affects_its_bar_and_twin_agrees(name: str) -> None:
    rng = np.random.default_rng(5)
    args = [rng.normal(100, 3, 50) for _ in INPUTS[name]]
    args[-1][7] = np.nan
    out = getattr(k, name)(*args)
    assert np.isnan(out[7])
    assert np.isnan(out).sum() == 1
    np.testing.assert_allclose(out, getattr(ref, name)(*args), rtol=1e-12)
    assert getattr(k, name).lookback() == 0


def test_inputs_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="low"):
        k.medprice(np.ones(5), np.ones(4))
