"""Statistics kernels: hand cases, TA-Lib parity, the NaN rule, flat series, bounds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import candlescan
from candlescan.kernels import statistics as k
from tests.kernels.test_volatility import F64, _ohlcv, assert_same


def _pair(n: int, seed: int = 0) -> tuple[F64, F64]:
    rng = np.random.default_rng(seed)
    steps = rng.normal(0, 0.01, n)
    a = np.round(100 * np.exp(np.cumsum(steps)), 2)
    b = np.round(50 * np.exp(np.cumsum(0.6 * steps + 0.8 * rng.normal(0, 0.01, n))), 2)
    return a, b


# --- hand-derived cases -----------------------------------------------------------------


def test_linearreg_on_a_line_is_the_line() -> None:
    x = 3.0 + 0.5 * np.arange(30.0)
    np.testing.assert_allclose(k.linearreg(x, 10)[9:], x[9:], rtol=1e-14)
    np.testing.assert_allclose(k.linearreg_slope(x, 10)[9:], 0.5, rtol=1e-13)
    assert np.isnan(k.linearreg(x, 10)[:9]).all()


def test_linearreg_hand_case() -> None:
    # y = 1, 2, 2, 5 at j = 0..3: sum((j - 1.5)(y - 2.5)) = 2.25 + 0.25 - 0.25 + 3.75 = 6,
    # sum((j - 1.5)^2) = 5, so slope = 1.2 and the line ends at 2.5 + 1.2 * 1.5 = 4.3
    y = np.array([1.0, 2.0, 2.0, 5.0])
    assert k.linearreg_slope(y, 4)[-1] == pytest.approx(1.2, rel=1e-14)
    assert k.linearreg(y, 4)[-1] == pytest.approx(4.3, rel=1e-14)


def test_beta_of_a_doubled_return_series_is_two() -> None:
    rng = np.random.default_rng(4)
    returns = rng.normal(0, 0.01, 40)
    index = 100 * np.cumprod(1 + returns)
    stock = 30 * np.cumprod(1 + 2 * returns)  # every return exactly twice the index's
    out = k.beta(index, stock, 5)
    assert np.isnan(out[:5]).all()
    np.testing.assert_allclose(out[5:], 2.0, rtol=1e-9)
    np.testing.assert_allclose(k.beta(stock, index, 5)[5:], 0.5, rtol=1e-9)


def test_correl_of_linear_relations() -> None:
    a, _ = _pair(50)
    np.testing.assert_allclose(k.correl(a, 3 * a + 7, 10)[9:], 1.0, rtol=1e-12)
    np.testing.assert_allclose(k.correl(a, -2 * a, 10)[9:], -1.0, rtol=1e-12)


# --- TA-Lib parity on real symbols ------------------------------------------------------


@pytest.mark.parametrize(("symbol", "partner"), [("AAPL", "MSFT"), ("NI", "XOM")])
def test_match_talib(shared_data: Path, symbol: str, partner: str) -> None:
    talib = pytest.importorskip("talib")
    a = _ohlcv(shared_data, symbol)["close"]
    b = _ohlcv(shared_data, partner)["close"][-len(a) :]
    for period in (2, 14, 50):
        assert_same(k.linearreg(a, period), talib.LINEARREG(a, period))
        assert_same(k.linearreg_slope(a, period), talib.LINEARREG_SLOPE(a, period))
    for period in (1, 5, 30):
        assert_same(k.beta(a, b, period), talib.BETA(a, b, period))
        assert_same(k.correl(a, b, period), talib.CORREL(a, b, period))


def test_correl_is_closer_to_exact_than_plain_running_sums(shared_data: Path) -> None:
    # Pearson's r from running sums of x^2 at a price level of ~100 loses ~1e-9; the
    # shifted sums keep it to rounding. Check against a centred two-pass computation.
    a = _ohlcv(shared_data, "AAPL")["close"]
    b = _ohlcv(shared_data, "MSFT")["close"][-len(a) :]
    out = k.correl(a, b, 5)
    for t in range(4, len(a), 37):
        x = a[t - 4 : t + 1] - a[t - 4 : t + 1].mean()
        y = b[t - 4 : t + 1] - b[t - 4 : t + 1].mean()
        assert out[t] == pytest.approx((x @ y) / np.sqrt((x @ x) * (y @ y)), abs=1e-12)


# --- the NaN rule -----------------------------------------------------------------------

_CASES = {
    "linearreg": lambda a, b: k.linearreg(a, 6),
    "linearreg_slope": lambda a, b: k.linearreg_slope(a, 6),
    "beta": lambda a, b: k.beta(a, b, 5),
    "correl": lambda a, b: k.correl(a, b, 8),
}


@pytest.mark.parametrize("name", list(_CASES))
@pytest.mark.parametrize("which", [0, 1])
def test_interior_nan_reseeds(name: str, which: int) -> None:
    a, b = _pair(80, seed=5)
    holed = [a.copy(), b.copy()]
    holed[which][33] = np.nan
    out = _CASES[name](*holed)
    if which == 1 and name.startswith("linearreg"):  # real1 is not an input there
        assert_same(out, _CASES[name](a, b))
        return
    assert np.isnan(out[33])
    assert_same(out[34:], _CASES[name](a[34:], b[34:]))
    assert_same(out[:33], _CASES[name](a[:33], b[:33]))


def test_beta_fresh_warmup_needs_timeperiod_plus_one_prices() -> None:
    a, b = _pair(40)
    a = a.copy()
    a[10] = np.nan
    out = k.beta(a, b, 5)
    assert np.isnan(out[10:16]).all()  # NaN bar, then 5 returns need bars 11..16
    assert np.isfinite(out[16])


def test_leading_nans_shift_warmup_like_talib() -> None:
    talib = pytest.importorskip("talib")
    a, b = _pair(60)
    a = np.r_[np.full(4, np.nan), a]
    b = np.r_[np.full(4, np.nan), b]
    assert_same(k.linearreg(a, 14), talib.LINEARREG(a, 14))
    assert_same(k.correl(a, b, 10), talib.CORREL(a, b, 10))
    assert_same(k.beta(a, b, 5), talib.BETA(a, b, 5))


# --- flat series (0/0) ------------------------------------------------------------------


def test_flat_series() -> None:
    flat = np.full(40, 101.37)
    _, moving = _pair(40)
    assert (k.linearreg_slope(flat, 14)[13:] == 0.0).all()  # exactly 0, not noise
    np.testing.assert_allclose(k.linearreg(flat, 14)[13:], 101.37, rtol=1e-14)
    # undefined correlation reads as 0 (neutral), never a spurious +-1
    assert (k.correl(flat, moving, 10)[9:] == 0.0).all()
    assert (k.correl(moving, flat, 10)[9:] == 0.0).all()
    # a benchmark that does not move gives no measurable beta: 0
    assert (k.beta(flat, moving, 5)[5:] == 0.0).all()
    assert (k.beta(moving, flat, 5)[5:] == 0.0).all()


def test_flat_stretch_inside_moving_series() -> None:
    a, b = _pair(60)
    a = a.copy()
    a[20:32] = a[20]
    slope = k.linearreg_slope(a, 6)
    assert (slope[25:32] == 0.0).all()
    assert (k.correl(a, b, 6)[25:32] == 0.0).all()


def test_zero_price_gives_zero_return_in_beta() -> None:
    a = np.array([1.0, 0.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    b = np.array([2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    talib = pytest.importorskip("talib")
    assert_same(k.beta(a, b, 3), talib.BETA(a, b, 3))


# --- parameters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "param"),
    [
        (lambda x: k.linearreg(x, 1), "timeperiod"),
        (lambda x: k.linearreg_slope(x, 100_001), "timeperiod"),
        (lambda x: k.beta(x, x, 0), "timeperiod"),
        (lambda x: k.correl(x, x, 0), "timeperiod"),
        (lambda x: k.correl(x, x, "5"), "timeperiod"),
    ],
)
def test_bounds(call: object, param: str) -> None:
    with pytest.raises(candlescan.InvalidParameterError, match=param):
        call(np.ones(30))  # type: ignore[operator]


def test_lookbacks_match_talib() -> None:
    abstract = pytest.importorskip("talib.abstract")
    for name, kernel in (("LINEARREG", k.linearreg), ("LINEARREG_SLOPE", k.linearreg_slope)):
        assert kernel.lookback() == abstract.Function(name).lookback == 13
    assert k.beta.lookback() == abstract.Function("BETA").lookback == 5
    assert k.correl.lookback() == abstract.Function("CORREL").lookback == 29


def test_length_mismatch_is_refused() -> None:
    with pytest.raises(ValueError, match="real1"):
        k.correl(np.ones(10), np.ones(9))


def test_beta_of_nearly_equal_returns_is_accurate() -> None:
    # Found by hypothesis: at period 2 the last two returns of real0 nearly agree, so
    # n*Sxx - Sx^2 keeps few digits of the running sums (was 4.7e-9 relative off).
    from fractions import Fraction

    real0 = np.array(
        [100.0, 100.16, 100.3, 100.98, 101.53, 101.99, 102.0, 100.23, 102.06, 102.21,
         100.51, 101.08, 100.46, 97.27, 94.18]
    )  # fmt: skip
    real1 = np.array(
        [50.0, 49.92, 50.81, 50.96, 51.35, 51.42, 51.45, 50.62, 51.45, 52.51, 50.72,
         50.72, 50.46, 49.09, 47.99]
    )  # fmt: skip

    def returns(values: np.ndarray) -> list[Fraction]:
        return [Fraction(values[i]) / Fraction(values[i - 1]) - 1 for i in (13, 14)]

    xs, ys = returns(real0), returns(real1)
    mean_x, mean_y = sum(xs) / 2, sum(ys) / 2
    exact = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    assert k.beta(real0, real1, 2)[-1] == pytest.approx(float(exact), rel=1e-12)
