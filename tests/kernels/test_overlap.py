"""Overlap kernels: TA-Lib parity on real data, fixtures, hand cases, the NaN rule, bounds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

import candlescan
from candlescan.kernels import overlap as k
from candlescan.kernels._averages import _ma, _ma_lookback
from candlescan.kernels._config import njit
from tests.reference import overlap as ref

F64 = npt.NDArray[np.float64]

AVERAGES = ["sma", "ema", "wma", "dema", "tema", "trima", "kama", "rma", "hma", "zlema"]


def _ohlcv(shared_data: Path, symbol: str = "AAPL") -> dict[str, F64]:
    rows = np.genfromtxt(
        shared_data / "ohlcv" / f"{symbol}.csv", delimiter=",", skip_header=1, usecols=(1, 2, 3, 4)
    )
    return {name: rows[:, i].copy() for i, name in enumerate(("open", "high", "low", "close"))}


def _fixture(shared_data: Path, name: str) -> Any:
    pd = pytest.importorskip("pandas")
    return pd.read_csv(shared_data / "reference" / name)


def assert_same(actual: Any, expected: Any, rtol: float = 1e-9) -> None:
    """Same NaN positions, values within ``rtol`` relative (absolute 1e-12 near zero)."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-12, equal_nan=True)


def _walk(n: int = 400, seed: int = 1) -> tuple[F64, F64, F64]:
    rng = np.random.default_rng(seed)
    close = 100 + np.cumsum(rng.normal(0, 1, n))
    return close + rng.uniform(0, 2, n), close - rng.uniform(0, 2, n), close


# --- TA-Lib parity on a real symbol ---------------------------------------------------------


@pytest.mark.talib
@pytest.mark.parametrize("name", AVERAGES)
@pytest.mark.parametrize("period", [1, 2, 3, 9, 30, 200])
def test_averages_match_talib(shared_data: Path, name: str, period: int) -> None:
    talib = pytest.importorskip("talib")
    close = _ohlcv(shared_data)["close"]
    assert_same(getattr(k, name)(close, period), getattr(talib, name.upper())(close, period))
    assert (
        getattr(k, name).lookback(timeperiod=period)
        == np.isnan(getattr(talib, name.upper())(close, period)).sum()
    )


@pytest.mark.talib
@pytest.mark.parametrize("matype", range(14))
@pytest.mark.parametrize("period", [1, 2, 10, 21])
def test_ma_every_matype_matches_talib(shared_data: Path, matype: int, period: int) -> None:
    talib = pytest.importorskip("talib")
    close = _ohlcv(shared_data, "MSFT")["close"]
    assert_same(k.ma(close, period, matype), talib.MA(close, period, matype))
    assert (
        k.ma.lookback(timeperiod=period, matype=matype)
        == np.isnan(talib.MA(close, period, matype)).sum()
    )


@pytest.mark.talib
def test_t3_mama_match_talib(shared_data: Path) -> None:
    talib = pytest.importorskip("talib")
    close = _ohlcv(shared_data, "XOM")["close"]
    for period, vfactor in [(5, 0.7), (2, 0.0), (9, 1.0), (1, 0.7)]:
        assert_same(k.t3(close, period, vfactor), talib.T3(close, period, vfactor))
    for fast, slow in [(0.5, 0.05), (0.9, 0.2), (0.2, 0.01)]:
        for a, b in zip(k.mama(close, fast, slow), talib.MAMA(close, fast, slow), strict=True):
            assert_same(a, b)


@pytest.mark.talib
@pytest.mark.parametrize("period", [4, 10])
def test_no_drift_on_a_long_series(period: int) -> None:
    # Running sums drift; TA-Lib 0.8's do not (e.g. its WMA matches exact window sums).
    # 3e5 bars of a random walk: every average must still agree to 1e-9.
    talib = pytest.importorskip("talib")
    rng = np.random.default_rng(7)
    x = np.abs(50 + np.cumsum(rng.normal(0, 0.5, 300_000))) + 10
    for name in AVERAGES:
        assert_same(getattr(k, name)(x, period), getattr(talib, name.upper())(x, period))
    assert_same(k.t3(x, period), talib.T3(x, period))


@pytest.mark.talib
@pytest.mark.parametrize("period", [2, 5, 10, 30])
def test_kama_matches_talib_on_flat_runs(period: int) -> None:
    # Flat windows have zero volatility (ER = 1); a running sum of |changes| leaves a
    # rounding residue there (~1e-14 near 100, outside the zero band) that flipped ER to
    # ~0 and sent KAMA astray by tens on a %K-like series of 0/100 plateaus.
    talib = pytest.importorskip("talib")
    rng = np.random.default_rng(period)
    steps = np.repeat(rng.normal(size=60).cumsum(), 8)
    swing = 50.0 + 90.0 * np.sin(np.arange(500) / 12.0) + rng.normal(0.0, 10.0, 500)
    k_like = np.clip(swing, 0.0, 100.0)
    assert (k_like == 0.0).sum() > 50 and (k_like == 100.0).sum() > 50
    for x in (steps, 10.0 + steps, k_like):
        assert_same(k.kama(x, period), talib.KAMA(x, period))
    # After NaN gaps (TA-Lib has no NaN rule; the twin re-sums each window per run).
    k_like[[3, 200]] = np.nan
    assert_same(k.kama(k_like, period), ref.kama(k_like, period))


# --- StockCharts fixtures (conventions agree per shared/data/reference/README.md) ---------


def test_kama_fixture(shared_data: Path) -> None:
    # The file seeds KAMA at row 9 with the close; TA-Lib (and we) first output row 10.
    df = _fixture(shared_data, "cs-kama.csv")
    out = k.kama(df["Close"].to_numpy(), 10)
    np.testing.assert_allclose(out[10:], df["KAMA"][10:], atol=1e-5)


def test_wma_fixture(shared_data: Path) -> None:
    df = _fixture(shared_data, "cs-wma.csv")
    out = k.wma(df["Close"].to_numpy(), 9)
    np.testing.assert_allclose(out[8:], df["WMA"][8:], atol=1e-4)


# --- hand-derived cases ---------------------------------------------------------------------


def test_sma_ema_hand_cases() -> None:
    assert_same(k.sma(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), 3), [np.nan, np.nan, 2.0, 3.0, 4.0])
    # seed mean(1,2,3) = 2, k = 0.5: 2 + 0.5*(4-2) = 3, 3 + 0.5*(8-3) = 5.5
    assert_same(k.ema(np.array([1.0, 2.0, 3.0, 4.0, 8.0]), 3), [np.nan, np.nan, 2.0, 3.0, 5.5])


def test_wma_rma_trima_hand_cases() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    assert_same(k.wma(x, 3), [np.nan, np.nan, 14 / 6, 20 / 6, 41 / 6])
    # Wilder: seed mean(1,2,3) = 2, then (2*2 + 4)/3, ((8/3)*2 + 10)/3
    assert_same(k.rma(x, 3), [np.nan, np.nan, 2.0, 8 / 3, (16 / 3 + 10) / 3])
    # odd 3: weights 1,2,1; even 4: weights 1,2,2,1
    assert_same(k.trima(x, 3), [np.nan, np.nan, 2.0, 3.0, 21 / 4])
    assert_same(k.trima(x, 4), [np.nan, np.nan, np.nan, 15 / 6, 26 / 6])


# --- flat prices, the NaN rule --------------------------------------------------------------


@pytest.mark.parametrize("name", [*AVERAGES, "t3"])
def test_flat_prices_give_the_price(name: str) -> None:
    out = getattr(k, name)(np.full(200, 7.25), 5)
    valid = out[~np.isnan(out)]
    assert len(valid) > 100
    np.testing.assert_allclose(valid, 7.25, rtol=1e-12)


def _gap_cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = [(name, {"timeperiod": 5}) for name in AVERAGES]
    cases += [
        ("t3", {"timeperiod": 3}),
        ("ma", {"timeperiod": 6, "matype": 7}),
        ("mama", {}),
    ]
    return cases


@pytest.mark.parametrize(("name", "params"), _gap_cases())
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
    [(name, (5,)) for name in AVERAGES]
    + [
        ("t3", (3, 0.5)),
        ("mama", (0.5, 0.05)),
        ("ma", (4, 8)),
    ],
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


def test_leading_nans_match_talib() -> None:
    talib = pytest.importorskip("talib")
    _, _, x = _walk(120)
    x[:7] = np.nan
    for name in AVERAGES:
        assert_same(getattr(k, name)(x, 14), getattr(talib, name.upper())(x, 14))


# --- parameters and the njit dispatcher -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "bad"),
    [
        ("sma", {"timeperiod": 0}, "timeperiod"),
        ("ema", {"timeperiod": 100_001}, "timeperiod"),
        ("wma", {"timeperiod": 2.5}, "timeperiod"),
        ("ma", {"matype": 14}, "matype"),
        ("ma", {"matype": -1}, "matype"),
        ("t3", {"vfactor": 1.5}, "vfactor"),
        ("mama", {"fastlimit": 1.0}, "fastlimit"),
        ("mama", {"slowlimit": 0.0}, "slowlimit"),
    ],
)
def test_out_of_range_parameters_raise(name: str, params: dict[str, Any], bad: str) -> None:
    _, _, close = _walk(50)
    with pytest.raises(candlescan.InvalidParameterError, match=bad):
        getattr(k, name)(close, **params)


def test_short_and_empty_inputs_are_all_nan() -> None:
    for name in AVERAGES:
        assert np.isnan(getattr(k, name)(np.ones(3), 5)).all()
        assert len(getattr(k, name)(np.array([]), 5)) == 0


def test_ma_dispatcher_is_callable_from_njit_code() -> None:
    @njit
    def smoothed_twice(x: F64, n: int) -> F64:
        return _ma(_ma(x, n, 1), n, 0)

    _, _, x = _walk(100)
    assert_same(smoothed_twice(x, 5), k.sma(k.ema(x, 5), 5))
    assert _ma_lookback(5, 1) + _ma_lookback(5, 0) == np.isnan(smoothed_twice(x, 5)).sum()


def test_ma_dispatcher_refuses_an_unknown_type() -> None:
    with pytest.raises(ValueError, match="matype"):
        _ma(np.ones(10), 5, 14)


def test_ma_period_one_is_the_identity_for_every_type() -> None:
    _, _, x = _walk(60)
    for matype in range(14):
        assert_same(k.ma(x, 1, matype), x)
